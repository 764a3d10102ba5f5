// NIP-77 negentropy messages (core/sync) on untrusted bytes.
//
// Invariants checked:
//   - decode_message either fails with a code message.h documents (and a message), or
//     succeeds and encode_message gives back exactly the input (every valid message has
//     one encoding) and decodes to the same Message;
//   - a Responder over a fixed set of 300 items, with no frame size limit and with 4096:
//     answers every message that decodes, with a reply that decodes and fits the limit;
//     answers any other protocol version (0x60, 0x62..0x6f) with the byte 0x61 alone;
//     fails with the decoder's own code on anything else;
//   - an Initiator over an overlapping set of 310 items, with both limits: accepts exactly
//     the messages that decode; its next message decodes and fits the limit; every id it
//     has to send is in its set, every id it needs was in one of the message's IdLists,
//     and neither list repeats an id;
//   - the responder's replies are always valid input for the initiator.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "check.h"
#include "negentropy_sets.h"
#include "sync/item_set.h"
#include "sync/message.h"
#include "sync/session.h"

namespace {

using namespace datt;
using namespace datt::sync;

struct Sides {
    std::shared_ptr<const ItemSet> responder_set;
    std::shared_ptr<const ItemSet> initiator_set;
    std::set<Hash256> initiator_ids;
    std::vector<Responder> responders;
    std::vector<Initiator> initiators;
    std::vector<uint64_t> limits;
};

const Sides& sides() {
    static const Sides built = [] {
        Sides s;
        s.responder_set = std::make_shared<const ItemSet>(
            *ItemSet::from_items(fuzz::negentropy_responder_items()));
        s.initiator_set = std::make_shared<const ItemSet>(
            *ItemSet::from_items(fuzz::negentropy_initiator_items()));
        for (const Item& item : s.initiator_set->items()) s.initiator_ids.insert(item.id);
        for (uint64_t limit : {uint64_t{0}, uint64_t{4096}}) {
            s.limits.push_back(limit);
            s.responders.push_back(
                *Responder::create(s.responder_set, {.frame_size_limit = limit}));
            s.initiators.push_back(
                *Initiator::create(s.initiator_set, {.frame_size_limit = limit}));
        }
        return s;
    }();
    return built;
}

bool fits(const Bytes& message, uint64_t limit) {
    return limit == 0 || message.size() <= limit;
}

bool no_repeats(std::vector<Hash256> ids) {
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

void check_initiator_step(const Initiator& initiator, uint64_t limit, ByteSpan input,
                          const Message& decoded) {
    auto step = initiator.reconcile(input);
    DATT_FUZZ_CHECK(step.ok());
    if (step->next) {
        DATT_FUZZ_CHECK(decode_message(*step->next).ok());
        DATT_FUZZ_CHECK(fits(*step->next, limit));
    }
    DATT_FUZZ_CHECK(no_repeats(step->have));
    DATT_FUZZ_CHECK(no_repeats(step->need));
    for (const Hash256& id : step->have) DATT_FUZZ_CHECK(sides().initiator_ids.count(id) == 1);
    std::set<Hash256> listed;
    for (const Range& range : decoded.ranges) {
        if (const auto* ids = std::get_if<IdList>(&range.payload))
            listed.insert(ids->begin(), ids->end());
    }
    for (const Hash256& id : step->need) DATT_FUZZ_CHECK(listed.count(id) == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);
    auto decoded = decode_message(input);
    if (decoded) {
        const Bytes encoded = encode_message(*decoded);
        DATT_FUZZ_CHECK(encoded.size() == size && std::equal(encoded.begin(), encoded.end(), data));
        auto again = decode_message(encoded);
        DATT_FUZZ_CHECK(again.ok() && *again == *decoded);
    } else {
        DATT_FUZZ_CHECK(
            fuzz::is_one_of(decoded.error().code,
                            {"truncated", "bad_protocol_version", "unsupported_protocol_version",
                             "non_canonical_nip77_varint", "nip77_varint_too_large",
                             "bad_timestamp", "bad_id_prefix", "bad_mode", "bad_bound_order"}));
        DATT_FUZZ_CHECK(!decoded.error().message.empty());
    }

    const Sides& s = sides();
    for (size_t i = 0; i < s.limits.size(); ++i) {
        auto reply = s.responders[i].reconcile(input);
        if (decoded) {
            DATT_FUZZ_CHECK(reply.ok());
        } else if (decoded.error().code == "unsupported_protocol_version") {
            DATT_FUZZ_CHECK(reply.ok() && *reply == Bytes{kProtocolVersion});
        } else {
            DATT_FUZZ_CHECK(!reply.ok() && reply.error().code == decoded.error().code);
        }
        if (reply) {
            auto reply_message = decode_message(*reply);
            DATT_FUZZ_CHECK(reply_message.ok());
            DATT_FUZZ_CHECK(fits(*reply, s.limits[i]));
            check_initiator_step(s.initiators[i], s.limits[i], *reply, *reply_message);
        }

        auto step = s.initiators[i].reconcile(input);
        DATT_FUZZ_CHECK(step.ok() == decoded.ok());
        if (decoded) {
            check_initiator_step(s.initiators[i], s.limits[i], input, *decoded);
        } else {
            DATT_FUZZ_CHECK(step.error().code == decoded.error().code);
        }
    }
    return 0;
}
