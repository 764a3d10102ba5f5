// Where a payment's time goes in datt_hub_bench (its `trace` argument, one pair): marks with
// timestamps when a client sends a frame, when the hub hands a WriteHub to the writer, when
// the writer calls back (committed: the frames go out) and when a client reads frames. With
// one payment at a time the work is a chain, so each interval between two marks is charged
// to what runs after the first: a client's frame -> the hub thread (wake-up and its pass);
// a WriteHub handed -> the writer (queue, SQLite, fsync); committed -> the hand-off to the
// client's thread; frames read -> the client's machine, until its next frame.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

class Trace {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Kind { kSent, kHanded, kCommitted, kRead };

    void mark(Kind kind, std::string what) {
        std::lock_guard lock(mutex_);
        marks_.push_back({Clock::now(), kind, std::move(what)});
    }

    // Milliseconds per payment charged to each kind, over the marks from `from` on.
    void print_totals(Clock::time_point from, double payments) {
        std::lock_guard lock(mutex_);
        std::map<Kind, double> ms;
        for (size_t i = 0; i + 1 < marks_.size(); ++i) {
            if (marks_[i].at < from) continue;
            ms[marks_[i].kind] += std::chrono::duration<double, std::milli>(marks_[i + 1].at - marks_[i].at).count();
        }
        std::printf("per payment: hub thread %.2f ms, writer (commit, fsync) %.2f ms, hand-off to the client "
                    "%.2f ms, clients' machines %.2f ms\n",
                    ms[Kind::kSent] / payments, ms[Kind::kHanded] / payments, ms[Kind::kCommitted] / payments,
                    ms[Kind::kRead] / payments);
    }

    // Every mark from `from` to `to`, in ms after `from`.
    void print_marks(Clock::time_point from, Clock::time_point to) {
        std::lock_guard lock(mutex_);
        for (const Mark& m : marks_) {
            if (m.at < from || m.at > to) continue;
            std::printf("%8.2f ms  %s\n", std::chrono::duration<double, std::milli>(m.at - from).count(),
                        m.what.c_str());
        }
    }

    // A channel message type's name, for the marks.
    static std::string name(uint16_t type) {
        switch (type) {
            case 128: return "update_add_htlc";
            case 130: return "update_fulfill_htlc";
            case 131: return "update_fail_htlc";
            case 132: return "commitment_signed";
            case 133: return "revoke_and_ack";
            default: return std::to_string(type);
        }
    }

  private:
    struct Mark {
        Clock::time_point at;
        Kind kind;
        std::string what;
    };
    std::mutex mutex_;
    std::vector<Mark> marks_;
};
