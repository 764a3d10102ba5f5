// One side of relay-to-relay sync, the relay as a NIP-77 client of a peer: reconcile a
// filter's events with the peer (this side is the initiator, core/sync's Initiator, over
// our store's (created_at, id) keys), then fetch what we lack with REQ by ids in batches,
// verifying every event (Event::parse) before handing it to a sink. Used by the one-shot
// `datt-relay sync` (sync_command.h) and by replication (replicator.h).
//
// Bounded: our set is at most Limits::max_items keys (40 bytes each); our messages are at
// most `frame_size_limit` bytes before hex (chosen to fit a Datt relay's default 256 KiB
// message limit); ids are fetched `batch_size` at a time, so at most one batch of events
// is held at once.
//
// Error codes: those of WsClient; neg_err (the peer answered NEG-ERR: the message says
// why), peer_protocol (a reply we cannot read), too_many_items (our side of the filter is
// larger than max_items), store (our store failed), and core/sync's message codes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "event/event.h"
#include "net/ws_client.h"
#include "proto/filter.h"
#include "store/store.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::relay {

struct PeerSyncOptions {
    uint64_t max_items = 1'000'000;
    uint64_t frame_size_limit = 120'000;
    size_t batch_size = 500;  // ids per REQ
    std::chrono::milliseconds reply_timeout{30'000};
};

struct Reconciliation {
    std::vector<Hash256> need;  // the peer has them, we do not
    std::vector<Hash256> have;  // we have them, the peer does not
    int round_trips = 0;
    uint64_t bytes_sent = 0;      // negentropy payload bytes (before hex) we sent
    uint64_t bytes_received = 0;  // and received
    size_t local_items = 0;
    double scan_seconds = 0;      // reading our keys and building our set
    double exchange_seconds = 0;  // NEG-OPEN to the last reply
};

struct PeerMessage;

// Messages of other subscriptions that arrive meanwhile (a live REQ) go to `other`.
// Reconciles `filter`'s events in `store` with the peer on `client` (sub id `sub`).
[[nodiscard]] Result<Reconciliation> reconcile_with_peer(
    WsClient& client, StoreReader& store, const proto::Filter& filter, const std::string& sub,
    const PeerSyncOptions& options, const std::function<void(PeerMessage&)>& other = {});

struct FetchReport {
    size_t received = 0;  // events the peer sent
    size_t invalid = 0;   // refused by Event::parse (bad id, signature, limits)
};

// Fetches `ids` from the peer with REQ {"ids": batch}; each verified batch goes to `sink`
// (which stores or ingests it), and a sink error stops the fetch.
[[nodiscard]] Result<FetchReport> fetch_by_ids(
    WsClient& client, const std::vector<Hash256>& ids, const std::string& sub,
    const PeerSyncOptions& options, const std::function<Status(std::vector<event::Event>)>& sink,
    const std::function<void(PeerMessage&)>& other = {});

// A relay->client message as the sync needs it: its type, subscription id and the rest.
struct PeerMessage {
    std::string type;  // "EVENT", "EOSE", "CLOSED", "NEG-MSG", "NEG-ERR", "NOTICE", "OK", ...
    std::string subscription;  // "" for NOTICE
    std::string payload;  // EVENT: the event JSON; NEG-MSG: hex; CLOSED/NEG-ERR/NOTICE: the text
};
[[nodiscard]] Result<PeerMessage> parse_peer_message(std::string_view text);

}  // namespace datt::relay
