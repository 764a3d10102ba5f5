// core/sync for JavaScript (datt.sync): the NIP-77 initiator, as a session (wasm/README.md
// "Sessions"). The binding is kept small on purpose (the package is over its size budget):
// the local set crosses as one packed Uint8Array, messages as hex text, each step's result
// as one JSON text that datt.mjs parses, so no embind value_object is declared.
//
// Packed items (what the web app reads from IndexedDB, datt.sync.packItems builds):
//
//   offset  size  field
//   0       8     created_at, unsigned 64-bit big-endian
//   8       32    event id
//   (repeated; length a multiple of 40, any order, no duplicates)
//
// Codes: those of bytes_argument (wrong_type, too_large), sync_items_length (not a multiple
// of 40), and core/sync's (too_many_items, duplicate_item, bad_item_timestamp,
// bad_frame_size_limit at open; message.h's at reconcile, e.g. truncated, bad_mode).
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "sync/session.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using namespace ::datt::sync;

constexpr size_t kPackedItemSize = 8 + kIdSize;

Result<std::vector<Item>> unpack_items(const Bytes& packed) {
    if (packed.size() % kPackedItemSize != 0) {
        return make_error("sync_items_length",
                          "items must be 40-byte records (created_at, id), got " +
                              std::to_string(packed.size()) + " bytes");
    }
    std::vector<Item> items(packed.size() / kPackedItemSize);
    const uint8_t* at = packed.data();
    for (Item& item : items) {
        uint64_t timestamp = 0;
        for (size_t i = 0; i < 8; ++i) timestamp = (timestamp << 8) | at[i];
        item.timestamp = timestamp;
        std::copy(at + 8, at + kPackedItemSize, item.id.begin());
        at += kPackedItemSize;
    }
    return items;
}

// A count from JS: absent means `fallback`; otherwise an integer from 0 to 2^53-1.
Result<uint64_t> count_member(const val& limits, const char* name, uint64_t fallback) {
    if (is_absent(limits)) return fallback;
    const val member = limits[name];
    if (is_absent(member)) return fallback;
    auto value = safe_integer_argument(member, name);
    if (!value || *value < 0)
        return make_error("wrong_type", std::string(name) + " must be an integer >= 0");
    return static_cast<uint64_t>(*value);
}

void append_ids(std::string& json, const char* name, const std::vector<Hash256>& ids) {
    json += ",\"";
    json += name;
    json += "\":[";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) json += ',';
        json += '"';
        json += to_hex(ids[i]);
        json += '"';
    }
    json += ']';
}

}  // namespace

// One reconciliation as the initiator over a fixed local set. Stateless between messages
// (negentropy keeps no state), so the session is the set and the limits; delete() frees
// the set's memory (40.5 bytes per item).
class SyncInitiator {
  public:
    explicit SyncInitiator(Initiator initiator, size_t size)
        : initiator_(std::move(initiator)), size_(size) {}

    size_t size() const { return size_; }

    // The first message (NEG-OPEN's), as hex.
    std::string initiate() const { return to_hex(initiator_.initiate()); }

    // {ok, value: '{"next": hex | null, "have": [hex id], "need": [hex id]}'}
    val reconcile(std::string reply_hex) const {
        auto reply = from_hex(reply_hex);
        if (!reply) return fail(reply.error());
        auto step = initiator_.reconcile(*reply);
        if (!step) return fail(step.error());
        std::string json = "{\"next\":";
        json += step->next ? "\"" + to_hex(*step->next) + "\"" : std::string("null");
        append_ids(json, "have", step->have);
        append_ids(json, "need", step->need);
        json += '}';
        return ok(val(json));
    }

  private:
    Initiator initiator_;
    size_t size_;
};

namespace {

// {ok, value: SyncInitiator}; limits {maxItems, frameSizeLimit} (core/sync's defaults when absent).
val open_sync_initiator(val packed_items, val limits_value) {
    Limits limits;
    auto max_items = count_member(limits_value, "maxItems", limits.max_items);
    if (!max_items) return fail(max_items.error());
    auto frame = count_member(limits_value, "frameSizeLimit", limits.frame_size_limit);
    if (!frame) return fail(frame.error());
    limits.max_items = *max_items;
    limits.frame_size_limit = *frame;
    // Refused before copying: a set larger than the session may hold.
    if (is_uint8array(packed_items) && packed_items["length"].as<double>() / kPackedItemSize >
                                           static_cast<double>(limits.max_items)) {
        return fail(make_error("too_many_items", "the set has more than " +
                                                     std::to_string(limits.max_items) + " items"));
    }
    auto packed = bytes_argument(packed_items, "items", 64 * 1024 * 1024);
    if (!packed) return fail(packed.error());
    auto items = unpack_items(*packed);
    if (!items) return fail(items.error());
    auto set = ItemSet::from_items(std::move(*items));
    if (!set) return fail(set.error());
    const size_t size = set->size();
    auto initiator = Initiator::create(std::make_shared<const ItemSet>(std::move(*set)), limits);
    if (!initiator) return fail(initiator.error());
    return ok(val(SyncInitiator(std::move(*initiator), size)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_sync) {
    emscripten::class_<SyncInitiator>("SyncInitiator")
        .function("size", &SyncInitiator::size)
        .function("initiate", &SyncInitiator::initiate)
        .function("reconcile", &SyncInitiator::reconcile);
    emscripten::function("openSyncInitiator", &open_sync_initiator);
}

}  // namespace datt::wasm
