#include "sync/session.h"

#include <cassert>
#include <string>
#include <utility>

#include "sync/message.h"
#include "sync/reconciler.h"

namespace datt::sync {
namespace {

Status check_session(const ItemSet* set, const Limits& limits) {
    assert(set != nullptr);
    if (auto valid = check_limits(limits); !valid) return valid;
    if (set->size() > limits.max_items) {
        return make_error("too_many_items", "the set has " + std::to_string(set->size()) +
                                                " items; a session allows at most " +
                                                std::to_string(limits.max_items));
    }
    return Ok{};
}

}  // namespace

Result<Initiator> Initiator::create(std::shared_ptr<const ItemSet> set, Limits limits) {
    if (auto valid = check_session(set.get(), limits); !valid) return valid.error();
    return Initiator(std::move(set), limits);
}

Bytes Initiator::initiate() const {
    return initial_message(*set_);
}

Result<InitiatorStep> Initiator::reconcile(ByteSpan message) const {
    auto output = reconcile_message(*set_, limits_.frame_size_limit, Role::initiator, message);
    if (!output) return output.error();
    InitiatorStep step;
    step.have = std::move(output->have);
    step.need = std::move(output->need);
    // A reply of the version byte alone means every range is settled.
    if (output->reply.size() > 1) step.next = std::move(output->reply);
    return step;
}

Result<Responder> Responder::create(std::shared_ptr<const ItemSet> set, Limits limits) {
    if (auto valid = check_session(set.get(), limits); !valid) return valid.error();
    return Responder(std::move(set), limits);
}

Result<Bytes> Responder::reconcile(ByteSpan message) const {
    auto output = reconcile_message(*set_, limits_.frame_size_limit, Role::responder, message);
    if (!output) {
        // Another version of the protocol: say which one we speak, so the initiator can retry.
        if (output.error().code == "unsupported_protocol_version") return Bytes{kProtocolVersion};
        return output.error();
    }
    return std::move(output->reply);
}

}  // namespace datt::sync
