#include "engine/admission.h"

#include <algorithm>

namespace datt::relay {
namespace {

// Per-IP state is swept once this many IPs are known; idle ones older than kIpIdleSeconds go.
constexpr size_t kIpSweepThreshold = 10'000;
constexpr double kIpIdleSeconds = 600;

}  // namespace

bool Admission::open(const std::string& ip, double now) {
    std::lock_guard lock(mutex_);
    if (ips_.size() >= kIpSweepThreshold) sweep_idle(now);
    auto [it, inserted] = ips_.try_emplace(
        ip, IpState{TokenBucket(config_.ip_events_per_second,
                                std::max(1.0, 2 * config_.ip_events_per_second))});
    if (it->second.connections >= config_.max_connections_per_ip) return false;
    ++it->second.connections;
    it->second.last_seen = now;
    return true;
}

void Admission::close(const std::string& ip, double now) {
    std::lock_guard lock(mutex_);
    auto it = ips_.find(ip);
    if (it == ips_.end()) return;
    --it->second.connections;
    it->second.last_seen = now;
}

bool Admission::take_event(const std::string& ip, double now) {
    std::lock_guard lock(mutex_);
    auto it = ips_.find(ip);
    return it == ips_.end() || it->second.events.take(now);
}

void Admission::sweep_idle(double now) {
    for (auto it = ips_.begin(); it != ips_.end();) {
        if (it->second.connections == 0 && now - it->second.last_seen > kIpIdleSeconds) {
            it = ips_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace datt::relay
