// Per-client-IP limits, checked when a connection opens and for each EVENT: connections per
// IP, and one event token bucket shared by all of an IP's connections. An IP's state is
// kept after its last connection closes (until idle for a while), so reconnecting does not
// refill its bucket.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "engine/config.h"
#include "engine/token_bucket.h"

namespace datt::relay {

class Admission {
  public:
    explicit Admission(const Config& config) : config_(config) {}

    // Thread-safe. False when the IP already has max_connections_per_ip connections.
    bool open(const std::string& ip, double now);
    void close(const std::string& ip, double now);

    // Thread-safe. Takes one token of the IP's event bucket.
    bool take_event(const std::string& ip, double now);

  private:
    struct IpState {
        TokenBucket events;
        size_t connections = 0;
        double last_seen = 0;
    };
    void sweep_idle(double now);  // with mutex_ held

    const Config& config_;
    std::mutex mutex_;
    std::map<std::string, IpState> ips_;
};

}  // namespace datt::relay
