// What the relay's single writer commits: typed commands, several of any types in one
// transaction (one fsync), so that state that must change together commits together.
//
// Today there is one command, PutEvent. Durable state that comes later (channel and hub
// state, chain state, the name index, pins) is added the same way, and then commits in the
// same batches as events, under the same single writer:
//   1. a schema migration with its tables (sqlite_schema.cpp, appended, never edited);
//   2. a struct here with its fields and `using Outcome = ...`, appended to WriteCommand
//      (CommandOutcome follows by itself);
//   3. `Result<X::Outcome> apply(const X&)` in each Store implementation: the std::visit in
//      SqliteStore::commit does not compile until it exists, so no command is silently
//      ignored, and it runs inside the batch's transaction (an error rolls back the batch);
//   4. in relay/engine/writer.h, a writer message carrying the command, and what the
//      writer does once it is committed (reply, hand over to a monitor or a service).
// Reads of that state go through StoreReader methods of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chain/chain_state.h"
#include "event/event.h"
#include "store/serialized_event.h"
#include "util/bytes.h"

namespace datt::relay {

enum class WriteStatus {
    kStored,         // committed (possibly replacing an older version)
    kDuplicate,      // the same id is already stored
    kReplacedNewer,  // a newer replaceable/addressable version is stored: not kept
    kDeleted,        // a deletion request by its author forbids it: not kept
    kPending,        // committed as a pending chain entry: its predecessor is missing (gaps)
    kRefused,        // a Datt rule refuses it (code, message): not kept
};

struct WriteOutcome {
    WriteStatus status;
    // Ids removed by this write: older versions of a replaceable/addressable event or
    // targets of a deletion (for metrics and tests).
    std::vector<Hash256> removed;
    // kRefused: the rule's stable code (a core code such as "fork", "banned", "pow_too_low",
    // "chain_seq_invalid") and the OK message, which starts with its NIP-01 prefix.
    std::string code{};
    std::string message{};
    // kPending: the positions missing before the highest pending entry of its chain.
    std::vector<chain::SeqRange> gaps{};
    // kRefused for a fork: the kind 4560 proof committed in the same transaction (absent
    // when one was already stored for that position, or the other event was deleted).
    std::optional<event::Event> fork_proof{};
};

// Stores one event with the NIP-01/NIP-09 semantics of store.h and Datt's ingest rules
// (community admission, then content chains; sqlite_store.h). Ephemeral kinds are refused
// (store_ephemeral_kind): they are forwarded, never stored. The JSON stored is the one the
// event carries (serialized_event.h), made before the writer takes it.
struct PutEvent {
    SerializedEvent event;
    using Outcome = WriteOutcome;
};

// The hub (relay/hub/hub.h): a channel's stored state (channel_state_codec.h) with its seed,
// inserted or replaced (the seed of an existing row is kept: it never changes).
struct PutChannelState {
    Hash256 channel_id{};
    Hash256 seed{};
    Bytes state;
    struct Done {};  // one empty outcome type per command: CommandOutcome must be unambiguous
    using Outcome = Done;
};

// The hub: an incoming HTLC it forwards (sqlite_schema.h hub_forwards), inserted or replaced.
struct HubForward {
    Hash256 in_channel{};
    uint64_t in_htlc = 0;
    Hash256 payment_hash{};
    uint32_t in_cltv = 0;
    Hash256 out_channel{};
    uint64_t out_amount_msat = 0;
    uint32_t out_cltv = 0;
    int64_t deadline = 0;              // unix seconds
    std::optional<uint64_t> out_htlc;  // once offered to the payee
    std::optional<Hash256> preimage;   // the payee fulfilled it
    bool failed = false;               // the payee failed it, or it was never offered in time
    bool operator==(const HubForward&) const = default;
};
struct PutHubForward {
    HubForward forward;
    struct Done {};
    using Outcome = Done;
};
// The hub: a forward's receipt request (docs/protocol.md "Receipts"), stored once when the
// forward is created (sqlite_schema.h hub_receipt_requests): the incoming HTLC's 0xd3 onion
// as it arrived, so a restart before the payee fulfils still publishes the receipt.
struct PutHubReceiptRequest {
    Hash256 in_channel{};
    uint64_t in_htlc = 0;
    Bytes onion;
    struct Done {};
    using Outcome = Done;
};
// The hub: the incoming HTLC is settled (fulfilled or failed back); its row goes, and its
// receipt request's with it.
struct DeleteHubForward {
    Hash256 in_channel{};
    uint64_t in_htlc = 0;
    struct Done {};
    using Outcome = Done;
};

// The hub: a channel it forgets (its funding never confirmed; hub.h "Funding"): its row goes.
struct DeleteChannelState {
    Hash256 channel_id{};
    struct Done {};
    using Outcome = Done;
};

// The hub: a payment's receipt (core/receipt, docs/protocol.md "Receipts"), committed with the
// forward whose preimage it holds. The store signs it with the relay's key (relay_key: the
// key never leaves the store, as for fork proofs) and stores it as an event.
struct PutHubReceipt {
    event::Draft draft;
    struct Done {
        std::optional<event::Event> receipt;  // the signed receipt; absent: already stored
    };
    using Outcome = Done;
};

// The hub's chain watch: a channel's on-chain record (relay/hub/onchain_record.h),
// inserted or replaced.
struct PutHubOnchain {
    Hash256 channel_id{};
    Bytes record;
    struct Done {};
    using Outcome = Done;
};

// The hub: a client's revoked commitment that held HTLCs (onchain_record.h), inserted once.
struct PutHubRevoked {
    Hash256 channel_id{};
    uint64_t number = 0;
    Bytes revoked;
    struct Done {};
    using Outcome = Done;
};

// The hub: its decision to close a channel on chain itself (relay/hub/force_close.h) and the
// signed commitment it broadcasts, stored before the broadcast (inserted once per channel).
struct PutHubForceClose {
    Hash256 channel_id{};
    uint8_t reason = 0;   // hub::ForceReason
    uint32_t height = 0;  // the tip when it was decided
    Bytes commitment;     // the signed commitment transaction (bitcoin::serialize)
    struct Done {};
    using Outcome = Done;
};

// The hub: a channel's revoked commitments are no longer needed (its funding spend is
// final): its hub_revoked rows go.
struct DeleteHubRevoked {
    Hash256 channel_id{};
    struct Done {};
    using Outcome = Done;
};

// The hub's wallet (relay/hub/hub_wallet.h): its seed, stored once (a second one is ignored).
struct PutHubWalletSeed {
    Hash256 seed{};
    uint32_t birth_height = 0;  // the node's tip when it was drawn
    struct Done {};
    using Outcome = Done;
};

// The hub's wallet: receive indexes below `next` were given out (closing outputs), so the
// next one given out or shown is fresh. Only ever raised.
struct PutHubWalletNextReceive {
    uint32_t next = 0;
    struct Done {};
    using Outcome = Done;
};

// The hub's wallet: a withdrawal, signed (stored before it is broadcast), and its end.
struct PutHubWalletTx {
    Hash256 txid{};
    Bytes tx;  // bitcoin::serialize
    struct Done {};
    using Outcome = Done;
};
struct DeleteHubWalletTx {
    Hash256 txid{};
    struct Done {};
    using Outcome = Done;
};

// The hub's wallet: a coin, inserted or replaced (seen again in a block; spent by the hub).
struct PutHubWalletCoin {
    Hash256 txid{};
    uint32_t vout = 0;
    int64_t value = 0;
    uint32_t chain = 0;  // BIP-84 chain (0 receive, 1 change)
    uint32_t index = 0;
    uint32_t height = 0;  // 0: unconfirmed
    std::optional<Hash256> spent_by;
    struct Done {};
    using Outcome = Done;
};

// The hub: the signed funding transaction of a channel it funds (stored with the channel
// before funding_created is sent); deleted with it (DeleteHubFundingTx).
struct PutHubFundingTx {
    Hash256 channel_id{};
    Bytes tx;  // bitcoin::serialize
    struct Done {};
    using Outcome = Done;
};
struct DeleteHubFundingTx {
    Hash256 channel_id{};
    struct Done {};
    using Outcome = Done;
};

// The hub's wallet: the change of a funding transaction it gave up before broadcasting it.
struct DeleteHubWalletCoin {
    Hash256 txid{};
    uint32_t vout = 0;
    struct Done {};
    using Outcome = Done;
};

using WriteCommand = std::variant<PutEvent, PutChannelState, PutHubForward, DeleteHubForward,
                                  DeleteChannelState, PutHubReceipt, PutHubOnchain, PutHubRevoked,
                                  PutHubReceiptRequest, PutHubForceClose, DeleteHubRevoked,
                                  PutHubWalletSeed, PutHubWalletCoin, DeleteHubWalletCoin,
                                  PutHubFundingTx, DeleteHubFundingTx, PutHubWalletNextReceive,
                                  PutHubWalletTx, DeleteHubWalletTx>;

// The outcome of each command: the alternative of the same index as the command's.
template <class Variant>
struct OutcomesOf;
template <class... Commands>
struct OutcomesOf<std::variant<Commands...>> {
    using type = std::variant<typename Commands::Outcome...>;
};
using CommandOutcome = OutcomesOf<WriteCommand>::type;

}  // namespace datt::relay
