// The two roles of a NIP-77 reconciliation over one ItemSet.
//
//   initiator (client)                      responder (relay)
//   Initiator::create(set, limits)
//   m = initiate()            -- NEG-OPEN -->  Responder::create(set, limits)
//                             <-- NEG-MSG --   r = reconcile(m)
//   step = reconcile(r)                        ...
//   until step.next is empty (done), each step listing the ids to upload (have) and to
//   fetch (need).
//
// Negentropy keeps no state between messages, so a session is its set and its limits;
// the shell keeps the set alive for the session through the shared_ptr. With a frame size
// limit on either side an id can be reported in more than one step (the protocol coalesces
// unfinished ranges into one that is reconciled again): the shell ignores repeats.
//
// Error codes: too_many_items, bad_frame_size_limit (create); those of message.h
// (reconcile). A responder answers a message of another protocol version (0x60,
// 0x62..0x6f) with the single byte 0x61, the version it speaks, as the protocol asks.
#pragma once

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "sync/item_set.h"
#include "sync/limits.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::sync {

struct InitiatorStep {
    std::optional<Bytes> next;  // the message to send; none when reconciliation is complete
    std::vector<Hash256> have;  // ids we have that the responder lacks
    std::vector<Hash256> need;  // ids the responder has that we lack

    bool done() const { return !next.has_value(); }
};

class Initiator {
  public:
    [[nodiscard]] static Result<Initiator> create(std::shared_ptr<const ItemSet> set,
                                                  Limits limits);

    // The first message (NEG-OPEN's); the same every time it is asked for.
    Bytes initiate() const;
    // Reads the responder's reply.
    [[nodiscard]] Result<InitiatorStep> reconcile(ByteSpan message) const;

  private:
    Initiator(std::shared_ptr<const ItemSet> set, Limits limits)
        : set_(std::move(set)), limits_(limits) {}

    std::shared_ptr<const ItemSet> set_;
    Limits limits_;
};

class Responder {
  public:
    [[nodiscard]] static Result<Responder> create(std::shared_ptr<const ItemSet> set,
                                                  Limits limits);

    // The reply to the initiator's message (always sent, even when it is just 0x61).
    [[nodiscard]] Result<Bytes> reconcile(ByteSpan message) const;

  private:
    Responder(std::shared_ptr<const ItemSet> set, Limits limits)
        : set_(std::move(set)), limits_(limits) {}

    std::shared_ptr<const ItemSet> set_;
    Limits limits_;
};

}  // namespace datt::sync
