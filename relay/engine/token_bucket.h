// Token-bucket rate limiter: `rate` tokens per second, holding at most `burst`.
// Time is passed in (seconds on a monotonic clock), so the rule is testable.
#pragma once

#include <algorithm>

namespace datt::relay {

class TokenBucket {
public:
    TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

    // Takes one token if available.
    bool take(double now) {
        if (last_ >= 0) tokens_ = std::min(burst_, tokens_ + (now - last_) * rate_);
        last_ = now;
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

private:
    double rate_;
    double burst_;
    double tokens_;
    double last_ = -1;
};

}  // namespace datt::relay
