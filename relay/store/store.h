// The relay's durable state behind an interface, so that a PostgreSQL backend can be added
// later: events today, written through typed commands (write_command.h) that other durable
// state will join.
//
// Semantics (NIP-01, NIP-09) are the store's job because they must be atomic with the
// write; the rules themselves are core's (core/event: time_id.h, address.h, deletion.h):
// replaceable kinds keep the newest per (pubkey, kind), addressable kinds the newest per
// (pubkey, kind, d tag), ties broken by the lowest id; a kind-5 deletion removes the same
// author's `e` and `a` targets and keeps them from coming back. Ephemeral kinds never reach
// the store.
//
// Versions: every commit gets the next number (from 1; 0 is the empty store) and keeps it
// across restarts. A reader's snapshot (begin_read) says which version it reads, so a
// caller can tell exactly which commits a query saw: the relay's REQ hands live events of
// later commits to the subscription and none of the earlier ones.
//
// Threading: one writer calls commit(); any number of readers, each with its own
// StoreReader, read concurrently without blocking the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crypto/secp256k1.h"
#include "event/event.h"
#include "event/time_id.h"
#include "proto/filter.h"
#include "store/write_command.h"
#include "util/result.h"

namespace datt::relay {

class StoreReader {
  public:
    virtual ~StoreReader() = default;

    // Pins one committed state until end_read(), and returns its version: every read in
    // between sees exactly the commits up to that version. Reads outside a begin_read /
    // end_read pair each see the latest state. Not nested.
    [[nodiscard]] virtual Result<uint64_t> begin_read() = 0;
    virtual void end_read() = 0;

    // Serialized events matching `filter`, newest first (event::supersedes: created_at
    // descending, then lowest id), at most min(filter.limit, max_results).
    [[nodiscard]] virtual Result<std::vector<std::string>> query(const proto::Filter& filter,
                                                                 size_t max_results) = 0;

    // Number of distinct events matching any of the filters (NIP-45).
    [[nodiscard]] virtual Result<uint64_t> count(const std::vector<proto::Filter>& filters) = 0;

    // (created_at, id) of the stored events matching `filter` with
    // from <= (created_at, id) < to, in ascending order (event::TimeId), at most
    // `max_items`; filter.limit is ignored (a caller pages by moving `from` past the last
    // item). No event JSON is read. NIP-77 builds its ranges on this.
    [[nodiscard]] virtual Result<std::vector<event::TimeId>> scan_range(
        const proto::Filter& filter, const event::TimeId& from, const event::TimeId& to,
        size_t max_items) = 0;

    // Every stored event matching `filter` (its limit ignored) as (created_at, id), in
    // ascending order, as scan_range over the whole range gives them; the error
    // `too_many_items` when more than `max_items` match. A NIP-77 session's whole set: read
    // in the indexes' own order and reversed, which costs about a third of scan_range's
    // ascending walk at a million events (docs/performance.md).
    [[nodiscard]] virtual Result<std::vector<event::TimeId>> scan_all(const proto::Filter& filter,
                                                                      size_t max_items) = 0;

    // The hub's channels and forwards as stored (write_command.h), in key order. The bytes
    // are untrusted: the hub parses them (parse_channel_state) and checks the sizes.
    struct StoredChannel {
        Bytes channel_id;
        Bytes seed;
        Bytes state;
    };
    struct StoredForward {
        Bytes in_channel;
        uint64_t in_htlc = 0;
        Bytes payment_hash;
        int64_t in_cltv = 0;
        Bytes out_channel;
        int64_t out_amount_msat = 0;
        int64_t out_cltv = 0;
        int64_t deadline = 0;
        std::optional<int64_t> out_htlc;
        std::optional<Bytes> preimage;
        int64_t failed = 0;
    };
    [[nodiscard]] virtual Result<std::vector<StoredChannel>> hub_channels() = 0;
    [[nodiscard]] virtual Result<std::vector<StoredForward>> hub_forwards() = 0;
    // The hub's on-chain records (hub_onchain), untrusted bytes too.
    struct StoredOnchain {
        Bytes channel_id;
        Bytes record;
    };
    [[nodiscard]] virtual Result<std::vector<StoredOnchain>> hub_onchain() = 0;
    // The revoked commitments with HTLCs (hub_revoked), by channel and number.
    struct StoredRevoked {
        Bytes channel_id;
        Bytes revoked;
    };
    [[nodiscard]] virtual Result<std::vector<StoredRevoked>> hub_revoked() = 0;
    // The forwards' receipt requests (hub_receipt_requests), by forward; untrusted bytes.
    struct StoredReceiptRequest {
        Bytes in_channel;
        uint64_t in_htlc = 0;
        Bytes onion;
    };
    [[nodiscard]] virtual Result<std::vector<StoredReceiptRequest>> hub_receipt_requests() = 0;
    // The hub's own unilateral closes (hub_force_closes), by channel; untrusted bytes.
    struct StoredForceClose {
        Bytes channel_id;
        int64_t reason = 0;
        int64_t height = 0;
        Bytes commitment;
    };
    [[nodiscard]] virtual Result<std::vector<StoredForceClose>> hub_force_closes() = 0;
    // The hub's wallet (hub_wallet, hub_wallet_coins): its seed (none before the first start
    // with a hub) and its coins by outpoint; untrusted bytes.
    struct StoredWalletCoin {
        Bytes txid;
        int64_t vout = 0;
        int64_t value = 0;
        int64_t chain = 0;
        int64_t index = 0;
        int64_t height = 0;
        std::optional<Bytes> spent_by;
    };
    struct StoredWallet {
        std::optional<Bytes> seed;
        int64_t birth_height = 0;
        int64_t next_receive = 0;  // receive indexes below it were given out to closes
        std::vector<StoredWalletCoin> coins;
        std::vector<Bytes> txs;  // withdrawals not yet known mined (hub_wallet_txs)
    };
    [[nodiscard]] virtual Result<StoredWallet> hub_wallet() = 0;
    // The signed funding transactions of the channels the hub funds (hub_funding_txs).
    struct StoredFundingTx {
        Bytes channel_id;
        Bytes tx;
    };
    [[nodiscard]] virtual Result<std::vector<StoredFundingTx>> hub_funding_txs() = 0;
};

// begin_read() ... end_read() for one scope.
class ReadSnapshot {
  public:
    [[nodiscard]] static Result<ReadSnapshot> begin(StoreReader& reader) {
        auto version = reader.begin_read();
        if (!version) return version.error();
        return ReadSnapshot(reader, *version);
    }
    ReadSnapshot(ReadSnapshot&& other) noexcept
        : reader_(std::exchange(other.reader_, nullptr)), version_(other.version_) {}
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;
    ~ReadSnapshot() {
        if (reader_) reader_->end_read();
    }

    uint64_t version() const { return version_; }

  private:
    ReadSnapshot(StoreReader& reader, uint64_t version) : reader_(&reader), version_(version) {}
    StoreReader* reader_;
    uint64_t version_;
};

struct Commit {
    uint64_t version = 0;                  // this commit's (see "Versions" above)
    std::vector<CommandOutcome> outcomes;  // one per command, in order
};

class Store {
  public:
    virtual ~Store() = default;

    // Runs the commands in order in one transaction (one fsync): when this returns, every
    // change is durable. An error means nothing of the batch was committed. An empty batch
    // commits nothing and returns the current version.
    [[nodiscard]] virtual Result<Commit> commit(std::span<const WriteCommand> commands) = 0;

    // commit() of one PutEvent per event, for callers that write only events.
    [[nodiscard]] Result<std::vector<WriteOutcome>> write_batch(
        std::span<const event::Event> events) {
        std::vector<WriteCommand> commands;
        commands.reserve(events.size());
        for (const event::Event& event : events) commands.emplace_back(PutEvent{event});
        auto committed = commit(commands);
        if (!committed) return committed.error();
        std::vector<WriteOutcome> outcomes;
        outcomes.reserve(committed->outcomes.size());
        for (CommandOutcome& outcome : committed->outcomes) {
            outcomes.push_back(std::get<WriteOutcome>(std::move(outcome)));
        }
        return outcomes;
    }

    // A reader for one thread.
    [[nodiscard]] virtual Result<std::unique_ptr<StoreReader>> open_reader() = 0;

    // For the writer when no write is waiting: a backend with a write-ahead log folds it into
    // the database now, while that delays nothing (SQLite: a PASSIVE checkpoint; commit()
    // keeps the log bounded by itself, sqlite_store.h). An error is not fatal: nothing is
    // lost and the next call tries again.
    [[nodiscard]] virtual Status checkpoint() = 0;

    // Bytes used on disk (for /metrics), write-ahead log included.
    virtual uint64_t size_bytes() = 0;
    // Bytes of the write-ahead log on disk (for /metrics); 0 for a backend without one.
    virtual uint64_t wal_bytes() = 0;

    // The public half of the relay's own key (the one the store signs fork proofs and
    // receipts with), as NIP-11 `self` advertises it; the secret never leaves the store.
    virtual crypto::XOnlyPubKey relay_public_key() const = 0;
};

}  // namespace datt::relay
