// The relay's event store: an interface, so that a PostgreSQL backend can be added later.
//
// Semantics (NIP-01, NIP-09) are the store's job because they must be atomic with the
// write: replaceable kinds keep the newest per (pubkey, kind), addressable kinds the
// newest per (pubkey, kind, d tag), ties broken by the lowest id; a kind-5 deletion
// removes the same author's `e` and `a` targets and keeps them from coming back.
// Ephemeral kinds never reach the store.
//
// Threading: one writer calls write_batch(); any number of readers, each with its own
// Reader object, query concurrently without blocking the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "event/event.h"
#include "proto/filter.h"
#include "util/result.h"

namespace datt::relay {

enum class WriteStatus {
    kStored,         // committed (possibly replacing an older version)
    kDuplicate,      // the same id is already stored
    kReplacedNewer,  // a newer replaceable/addressable version is stored: not kept
    kDeleted,        // a deletion request by its author forbids it: not kept
};

struct WriteOutcome {
    WriteStatus status;
    // Ids removed by this write: older versions of a replaceable/addressable event or
    // targets of a deletion (for metrics and tests).
    std::vector<Hash256> removed;
};

class StoreReader {
  public:
    virtual ~StoreReader() = default;

    // Serialized events matching `filter`, newest first (created_at descending, then
    // lowest id), at most min(filter.limit, max_results).
    [[nodiscard]] virtual Result<std::vector<std::string>> query(const proto::Filter& filter,
                                                                 size_t max_results) = 0;

    // Number of distinct events matching any of the filters (NIP-45).
    [[nodiscard]] virtual Result<uint64_t> count(const std::vector<proto::Filter>& filters) = 0;
};

class Store {
  public:
    virtual ~Store() = default;

    // Writes events atomically in one transaction (one fsync): when this returns, every
    // kStored event is durable. Outcomes are in input order. An error means nothing of
    // the batch was committed.
    [[nodiscard]] virtual Result<std::vector<WriteOutcome>> write_batch(
        std::span<const event::Event> events) = 0;

    // A reader for one thread.
    [[nodiscard]] virtual Result<std::unique_ptr<StoreReader>> open_reader() = 0;

    // Bytes used on disk (for /metrics).
    virtual uint64_t size_bytes() = 0;
};

}  // namespace datt::relay
