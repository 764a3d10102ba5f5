// Plain HTTP on the relay's port, answered on the network thread from memory: the NIP-11
// document (built once), /metrics (atomics and counters), the hub wallet's state for the
// operator (/hub/wallet, from 127.0.0.1 or ::1 only: a deposit address and balances, no
// secret; POST /hub/wallet/withdraw, loopback only too, answered by the hub's thread), and
// static files (loaded when the relay starts: static_files.h). Nothing here reads the disk or the database.
#pragma once

#include <functional>
#include <string>

#include "engine/context.h"
#include "engine/static_files.h"
#include "net/handler.h"
#include "store/store.h"

namespace datt::relay {

class HttpRoutes {
  public:
    HttpRoutes(Context& context, Store& store);
    // Text appended to /metrics (set before requests arrive).
    void set_extra_metrics(std::function<std::string()> extra) { extra_metrics_ = std::move(extra); }

    HttpResponse route(const HttpRequest& request) const;
    // A POST: /hub/wallet/withdraw (from 127.0.0.1 or ::1 only), answered through `reply`.
    void route_post(const HttpRequest& request, std::function<void(HttpResponse)> reply) const;

  private:
    std::string metrics_text() const;
    HttpResponse hub_wallet(const HttpRequest& request) const;

    Context& context_;
    Store& store_;
    std::function<std::string()> extra_metrics_;
    const std::string relay_information_;
    const StaticFiles web_;   // at /
    const StaticFiles wasm_;  // at /wasm/
};

}  // namespace datt::relay
