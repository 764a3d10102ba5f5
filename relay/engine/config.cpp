#include "engine/config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace datt::relay {
namespace {

struct Option {
    std::string help;
    std::function<Status(Config&, const std::string&)> set;
    std::function<std::string(const Config&)> get;
};

template <class T>
Status parse_number(const std::string& text, T& out, const std::string& name) {
    if constexpr (std::is_floating_point_v<T>) {
        try {
            size_t used = 0;
            double value = std::stod(text, &used);
            if (used != text.size() || value < 0) throw std::invalid_argument("bad");
            out = static_cast<T>(value);
            return Ok{};
        } catch (...) {
            return make_error("config", "--" + name + " needs a non-negative number, got '" + text + "'");
        }
    } else {
        T value{};
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            return make_error("config", "--" + name + " needs a whole number, got '" + text + "'");
        }
        out = value;
        return Ok{};
    }
}

std::map<std::string, Option> make_options() {
    std::map<std::string, Option> options;
    auto text = [&](const std::string& name, std::string Config::*field, std::string help) {
        options[name] = Option{std::move(help),
                               [field](Config& c, const std::string& v) -> Status {
                                   c.*field = v;
                                   return Ok{};
                               },
                               [field](const Config& c) { return c.*field; }};
    };
    auto num = [&](const std::string& name, auto field, std::string help) {
        options[name] = Option{std::move(help),
                               [field, name](Config& c, const std::string& v) -> Status {
                                   return parse_number(v, c.*field, name);
                               },
                               [field](const Config& c) {
                                   std::ostringstream out;
                                   out << c.*field;
                                   return out.str();
                               }};
    };
    text("listen-address", &Config::listen_address, "address to listen on (loopback by default)");
    num("port", &Config::port, "TCP port for HTTP and WebSocket; 0 picks a free one");
    text("database", &Config::database, "SQLite database file (created if missing)");
    text("web-root", &Config::web_root, "folder of static files served at /, read at startup (empty: none)");
    text("wasm-root", &Config::wasm_root, "the built wasm package served at /wasm/, read at startup (empty: none)");
    text("log-level", &Config::log_level, "error, warn, info or debug");
    text("name", &Config::name, "relay name (NIP-11)");
    text("description", &Config::description, "relay description (NIP-11)");
    text("contact", &Config::contact, "operator contact (NIP-11)");
    num("max-message-bytes", &Config::max_message_bytes, "largest client message accepted");
    num("max-event-bytes", &Config::max_event_bytes, "largest serialized event accepted");
    num("max-content-bytes", &Config::max_content_bytes, "largest event content accepted");
    num("max-event-tags", &Config::max_event_tags, "most tags in one event");
    num("max-filters", &Config::max_filters, "most filters in one REQ or COUNT");
    num("max-subscriptions", &Config::max_subscriptions, "open REQs per connection");
    num("max-limit", &Config::max_limit, "cap (and default) for a filter's limit");
    num("max-subscription-id-length", &Config::max_subscription_id_length, "longest subscription id");
    num("created-at-lower-limit", &Config::created_at_lower_limit,
        "seconds into the past an event's created_at may be (0: any)");
    num("created-at-upper-limit", &Config::created_at_upper_limit,
        "seconds into the future an event's created_at may be");
    num("events-per-second", &Config::events_per_second, "EVENTs per connection per second (burst 2x)");
    num("ip-events-per-second", &Config::ip_events_per_second, "EVENTs per client IP per second (burst 2x)");
    num("reqs-per-second", &Config::reqs_per_second, "REQ/COUNT per connection per second (burst 2x)");
    num("max-connections-per-ip", &Config::max_connections_per_ip, "simultaneous connections per IP");
    num("max-outgoing-bytes", &Config::max_outgoing_bytes,
        "bytes queued to one client before it is disconnected as a slow consumer");
    num("writer-batch-max", &Config::writer_batch_max, "most events per database commit");
    num("wal-checkpoint-mib", &Config::wal_checkpoint_mib,
        "MiB of write-ahead log written before a checkpoint runs while writes keep coming");
    num("wal-limit-mib", &Config::wal_limit_mib,
        "write-ahead log size that makes the writer wait for readers and empty it");
    num("worker-threads", &Config::worker_threads, "threads that parse, verify, query and fan out");
    num("neg-max-items", &Config::neg_max_items, "NIP-77: most events one NEG-OPEN may reconcile");
    num("neg-frame-size-limit", &Config::neg_frame_size_limit,
        "NIP-77: largest negentropy message the relay sends, in bytes before hex (0: none, else >= 4096)");
    num("neg-max-items-total", &Config::neg_max_items_total,
        "NIP-77: events held by all open sessions together (40 bytes each)");
    num("neg-idle-seconds", &Config::neg_idle_seconds, "NIP-77: a session idle this long is closed");
    text("peers", &Config::peers,
         "JSON file of peers to replicate from and what to take (docs/replication.md; empty: none)");
    num("peer-resync-seconds", &Config::peer_resync_seconds,
        "replication: reconcile with each connected peer again this often");
    text("bitcoin-rpc-url", &Config::bitcoin_rpc_url,
         "the Bitcoin node's JSON-RPC URL, http://host:port/ (empty: no bridge)");
    text("bitcoin-rpc-user", &Config::bitcoin_rpc_user, "RPC user name (with --bitcoin-rpc-password-file)");
    text("bitcoin-rpc-password-file", &Config::bitcoin_rpc_password_file,
         "file holding the RPC password (bcoin: its API key)");
    text("bitcoin-rpc-cookie-file", &Config::bitcoin_rpc_cookie_file,
         "bitcoind's .cookie file (user:password), instead of a password file");
    text("bitcoin-network", &Config::bitcoin_network,
         "mainnet, testnet3, signet, regtest or bcoin-regtest (the faucet exists only on the regtests)");
    num("bitcoin-rpc-timeout-ms", &Config::bitcoin_rpc_timeout_ms, "deadline of one RPC exchange");
    num("bitcoin-poll-ms", &Config::bitcoin_poll_ms, "how often the node's tip is polled");
    num("bitcoin-max-reply-bytes", &Config::bitcoin_max_reply_bytes, "largest RPC reply accepted");
    num("bitcoin-faucet-per-minute", &Config::bitcoin_faucet_per_minute,
        "regtest faucet and mine requests per minute, all clients together");
    options["hub"] = Option{"run the payment-channel hub (binary WebSocket frames; true or false)",
                            [](Config& c, const std::string& v) -> Status {
                                if (v != "true" && v != "false") {
                                    return make_error("config", "--hub needs true or false, got '" + v + "'");
                                }
                                c.hub = v == "true";
                                return Ok{};
                            },
                            [](const Config& c) { return std::string(c.hub ? "true" : "false"); }};
    num("hub-base-fee-msat", &Config::hub_base_fee_msat, "hub: base fee per forwarded payment (msat)");
    num("hub-fee-ppm", &Config::hub_fee_ppm, "hub: proportional fee, millionths of the amount (<= 1000000)");
    num("hub-cltv-delta", &Config::hub_cltv_delta, "hub: blocks between an incoming and an outgoing HTLC's expiry");
    num("hub-minimum-depth", &Config::hub_minimum_depth,
        "hub: confirmations a funding transaction needs (0: none; else the bridge must be on)");
    num("hub-funding-timeout-blocks", &Config::hub_funding_timeout_blocks,
        "hub: blocks (seen by this process) after which a funding not yet confirmed is forgotten");
    num("hub-min-funding-sats", &Config::hub_min_funding_sats, "hub: smallest channel accepted");
    num("hub-max-funding-sats", &Config::hub_max_funding_sats, "hub: largest channel accepted");
    num("hub-open-max-sats", &Config::hub_open_max_sats,
        "hub: largest channel the hub funds itself when a client asks for one to receive "
        "(hub_open_request; its wallet: GET /hub/wallet from 127.0.0.1 gives a deposit address)");
    num("hub-open-max-per-client", &Config::hub_open_max_per_client,
        "hub: channels the hub funds per client, an IP address or an IPv6 /64 (0: never)");
    num("hub-hold-seconds", &Config::hub_hold_seconds, "hub: longest a payment to an offline payee is held");
    num("hub-hold-margin-blocks", &Config::hub_hold_margin_blocks,
        "hub: a held payment is failed back this many blocks before its expiry at the latest");
    num("hub-offered-grace-blocks", &Config::hub_offered_grace_blocks,
        "hub: blocks after an offered HTLC's expiry at which the hub closes the channel on chain");
    num("hub-fulfilled-margin-blocks", &Config::hub_fulfilled_margin_blocks,
        "hub: blocks before the expiry of an HTLC it can fulfil at which the hub closes on chain");
    num("hub-onchain-final-depth", &Config::hub_onchain_final_depth,
        "hub: confirmations of its on-chain timeout of an HTLC before the payer's is failed back");
    num("hub-max-channels", &Config::hub_max_channels, "hub: channels per connection");
    num("hub-max-pending-htlcs", &Config::hub_max_pending_htlcs, "hub: HTLCs pending on one connection's channels");
    num("hub-messages-per-second", &Config::hub_messages_per_second, "hub: channel frames per connection per second (burst 2x)");
    return options;
}

const std::map<std::string, Option>& options() {
    static const std::map<std::string, Option> table = make_options();
    return table;
}

std::string trim(const std::string& s) {
    size_t start = s.find_first_not_of(" \t\r");
    if (start == std::string::npos) return "";
    size_t end = s.find_last_not_of(" \t\r");
    return s.substr(start, end - start + 1);
}

Status set_option(Config& config, const std::string& name, const std::string& value,
                  const std::string& where) {
    auto found = options().find(name);
    if (found == options().end()) {
        return make_error("config", where + "unknown option '" + name + "' (see --help)");
    }
    auto set = found->second.set(config, value);
    if (!set) return make_error("config", where + set.error().message);
    return Ok{};
}

Status load_file(Config& config, const std::string& path) {
    std::ifstream in(path);
    if (!in) return make_error("config", "cannot read config file " + path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        size_t eq = line.find('=');
        const std::string where = path + ":" + std::to_string(number) + ": ";
        if (eq == std::string::npos) return make_error("config", where + "expected 'name = value'");
        auto set = set_option(config, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), where);
        if (!set) return set;
    }
    return Ok{};
}

}  // namespace

Result<Config> parse_config(const std::vector<std::string>& args) {
    Config config;
    // The config file first, so that flags override it wherever they appear.
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") return make_error("help", config_help());
        if (args[i] == "--config") {
            if (i + 1 >= args.size()) return make_error("config", "--config needs a file");
            if (auto loaded = load_file(config, args[i + 1]); !loaded) return loaded.error();
        }
    }
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--config") {
            ++i;
            continue;
        }
        if (!arg.starts_with("--")) return make_error("config", "unexpected argument '" + arg + "'");
        std::string name = arg.substr(2), value;
        if (size_t eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        } else {
            if (i + 1 >= args.size()) return make_error("config", "--" + name + " needs a value");
            value = args[++i];
        }
        if (auto set = set_option(config, name, value, ""); !set) return set.error();
    }
    if (config.worker_threads == 0) return make_error("config", "--worker-threads must be at least 1");
    if (config.hub_fee_ppm > 1'000'000) return make_error("config", "--hub-fee-ppm must be at most 1000000");
    if (config.hub_minimum_depth > 144) return make_error("config", "--hub-minimum-depth must be at most 144");
    // The payer's HTLC expires cltv_delta blocks after the payee's: the hub's timeout on chain
    // must be final, and its own HTLC-success mined, within that room.
    if (config.hub_onchain_final_depth < 1 ||
        config.hub_offered_grace_blocks + config.hub_onchain_final_depth >= config.hub_cltv_delta ||
        config.hub_fulfilled_margin_blocks >= config.hub_cltv_delta) {
        return make_error("config",
                          "--hub-onchain-final-depth must be at least 1, and --hub-offered-grace-blocks plus it, "
                          "and --hub-fulfilled-margin-blocks, below --hub-cltv-delta");
    }
    if (config.hub_funding_timeout_blocks < 1) return make_error("config", "--hub-funding-timeout-blocks must be at least 1");
    if (config.hub_min_funding_sats < 1 || config.hub_max_funding_sats < config.hub_min_funding_sats) {
        return make_error("config", "--hub-min-funding-sats must be at least 1 and at most --hub-max-funding-sats");
    }
    if (config.hub_open_max_sats < config.hub_min_funding_sats || config.hub_open_max_sats > config.hub_max_funding_sats) {
        return make_error("config", "--hub-open-max-sats must be within --hub-min-funding-sats and --hub-max-funding-sats");
    }
    if (config.hub && config.hub_minimum_depth > 0 && config.bitcoin_rpc_url.empty()) {
        return make_error("config", "--hub with --hub-minimum-depth above 0 needs the bridge (--bitcoin-rpc-url)");
    }
    if (config.writer_batch_max == 0) return make_error("config", "--writer-batch-max must be at least 1");
    if (config.wal_checkpoint_mib == 0 || config.wal_limit_mib < config.wal_checkpoint_mib ||
        config.wal_limit_mib > 65536) {
        return make_error("config",
                          "--wal-checkpoint-mib must be at least 1 and at most "
                          "--wal-limit-mib, which must be at most 65536");
    }
    if (config.neg_frame_size_limit != 0 && config.neg_frame_size_limit < 4096) {
        return make_error("config", "--neg-frame-size-limit must be 0 or at least 4096");
    }
    return config;
}

std::string config_help() {
    std::ostringstream out;
    out << "usage: datt-relay [--config FILE] [--option value ...]\n\n"
           "A Datt relay: NIP-01 over WebSocket, NIP-11, NIP-45, NIP-50, NIP-77, the web app and\n"
           "/metrics on one port, events in SQLite. A config file holds 'option = value' lines.\n\n"
           "Also: datt-relay sync <peer-url> [filter-json] [options]   (datt-relay sync --help)\n\n"
           "Options (default in brackets):\n";
    const Config defaults;
    for (const auto& [name, option] : options()) {
        std::string left = "  --" + name;
        out << left << std::string(left.size() < 32 ? 32 - left.size() : 1, ' ') << option.help
            << " [" << option.get(defaults) << "]\n";
    }
    return out.str();
}

event::Limits event_limits(const Config& config, int64_t now) {
    event::Limits limits;
    limits.max_json_bytes = config.max_event_bytes;
    limits.max_content_bytes = config.max_content_bytes;
    limits.max_tags = config.max_event_tags;
    limits.min_created_at = config.created_at_lower_limit > 0 ? now - config.created_at_lower_limit : 0;
    limits.max_created_at = now + config.created_at_upper_limit;
    return limits;
}

proto::MessageLimits message_limits(const Config& config) {
    proto::MessageLimits limits;
    limits.max_message_bytes = config.max_message_bytes;
    limits.max_filters = config.max_filters;
    limits.max_subscription_id_chars = config.max_subscription_id_length;
    return limits;
}

}  // namespace datt::relay
