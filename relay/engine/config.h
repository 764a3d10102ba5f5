// datt-relay configuration: every option is a command-line flag (--name value) and may
// also be set in a config file (--config FILE; lines "name = value", '#' comments).
// Flags override the file. `datt-relay --help` prints this table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "event/limits.h"
#include "proto/message.h"
#include "util/result.h"

namespace datt::relay {

struct Config {
    // Network and files.
    std::string listen_address = "127.0.0.1";
    uint16_t port = 8080;              // 0 picks a free port (printed on startup)
    std::string database = "./data/datt.sqlite3";
    std::string web_root = "";         // static files served at / ("" = none)
    std::string wasm_root = "";        // the wasm package served at /wasm/ ("" = none)
    std::string log_level = "info";    // error, warn, info, debug

    // Relay information (NIP-11).
    std::string name = "datt-relay";
    std::string description = "A Datt relay: communities, posts, comments and votes on Nostr.";
    std::string contact = "";

    // Limits (advertised in NIP-11 `limitation`).
    size_t max_message_bytes = 256 * 1024;
    size_t max_event_bytes = 128 * 1024;
    size_t max_content_bytes = 64 * 1024;
    size_t max_event_tags = 2000;
    size_t max_filters = 10;
    size_t max_subscriptions = 20;          // per connection
    size_t max_limit = 500;                 // cap on a filter's limit (and default)
    size_t max_subscription_id_length = 64;
    int64_t created_at_lower_limit = 0;     // seconds into the past accepted (0 = any)
    int64_t created_at_upper_limit = 900;   // seconds into the future accepted
    double events_per_second = 50;          // per connection (token bucket, burst 2x)
    double ip_events_per_second = 200;      // per client IP, all its connections together
    double reqs_per_second = 20;            // REQ/COUNT per connection (burst 2x)
    size_t max_connections_per_ip = 64;
    size_t max_outgoing_bytes = 8 * 1024 * 1024;  // queued to one slow client before it is closed
    size_t writer_batch_max = 2000;         // events per commit (one fsync)
    size_t wal_checkpoint_mib = 16;         // WAL written before a checkpoint while busy
    size_t wal_limit_mib = 64;              // WAL size that forces a TRUNCATE checkpoint
    size_t worker_threads = 2;              // parse/verify/query workers

    // NIP-77 reconciliation sessions (NEG-OPEN), advertised in NIP-11 `limitation`.
    // Sessions count against max_subscriptions. Defaults are strfry's where it has one.
    size_t neg_max_items = 1'000'000;        // events one session may reconcile (else NEG-ERR blocked)
    size_t neg_frame_size_limit = 500'000;   // largest negentropy message sent (bytes before hex; 0 = none)
    size_t neg_max_items_total = 8'000'000;  // items held by all open sessions together (40 bytes each)
    double neg_idle_seconds = 300;           // a session without NEG-MSG for this long is closed

    // Replication (relay/replication/replicator.h): a JSON file of peers and what to take
    // from each ("" = none), and how often to reconcile again while connected.
    std::string peers = "";
    double peer_resync_seconds = 300;

    // Bitcoin bridge (relay/bitcoin/): off unless bitcoin_rpc_url is set. Credentials come
    // from a file, never from the command line.
    std::string bitcoin_rpc_url = "";            // http://127.0.0.1:18443/
    std::string bitcoin_rpc_user = "datt";       // with bitcoin_rpc_password_file
    std::string bitcoin_rpc_password_file = "";  // bcoin: its API key
    std::string bitcoin_rpc_cookie_file = "";    // bitcoind: its .cookie ("user:password")
    std::string bitcoin_network = "regtest";     // mainnet, testnet3, signet, regtest, bcoin-regtest
    size_t bitcoin_rpc_timeout_ms = 10000;       // one RPC exchange
    size_t bitcoin_poll_ms = 1000;               // how often the node's tip is polled
    size_t bitcoin_max_reply_bytes = 8 * 1024 * 1024;
    size_t bitcoin_faucet_per_minute = 20;       // regtest faucet and mine requests, all clients

    // Payment-channel hub (relay/hub/hub.h, docs/protocol.md "Channels"): off unless `hub`.
    // Fees are advertised in NIP-11 `fees.channel`.
    bool hub = false;
    uint64_t hub_base_fee_msat = 1000;           // per forwarded payment
    uint32_t hub_fee_ppm = 1000;                 // proportional, millionths of the amount
    uint32_t hub_cltv_delta = 40;                // blocks kept between incoming and outgoing expiry
    uint32_t hub_minimum_depth = 3;              // confirmations of a funding tx (0: none; needs no bridge)
    uint32_t hub_funding_timeout_blocks = 2016;  // a funding not confirmed after this many blocks is forgotten
    int64_t hub_min_funding_sats = 20'000;
    int64_t hub_max_funding_sats = 16'777'215;   // BOLT-2's limit without option_support_large_channel
    // Channels the hub funds from its wallet when a client asks (relay/hub/open_policy.h).
    int64_t hub_open_max_sats = 1'000'000;
    size_t hub_open_max_per_client = 1;
    double hub_hold_seconds = 60;                // an offline payee's payment is held this long at most
    uint32_t hub_hold_margin_blocks = 20;        // ... and failed back this many blocks before it expires
    // Going on chain (relay/hub/onchain_deadlines.h, BOLT-2 "cltv_expiry_delta Selection"):
    uint32_t hub_offered_grace_blocks = 2;       // close this many blocks after an offered HTLC's expiry
    uint32_t hub_fulfilled_margin_blocks = 18;   // close this many blocks before a fulfilled HTLC's expiry
    uint32_t hub_onchain_final_depth = 6;        // confirmations before an HTLC timed out on chain is failed back
    size_t hub_max_channels = 4;                 // channels per connection
    size_t hub_max_pending_htlcs = 30;           // HTLCs pending on one connection's channels
    double hub_messages_per_second = 200;        // channel frames per connection (burst 2x)
};

// Parses argv (without argv[0]). Errors name the offending option.
// "help" is returned as an error code when --help was given.
[[nodiscard]] Result<Config> parse_config(const std::vector<std::string>& args);

// The --help text: every option with its default.
std::string config_help();

// Event limits derived from the config, for a given current time.
event::Limits event_limits(const Config& config, int64_t now);
proto::MessageLimits message_limits(const Config& config);

}  // namespace datt::relay
