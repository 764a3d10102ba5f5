// Bitcoin bridge messages between a client and a relay (docs/protocol.md, "Bitcoin bridge"):
//
//   client -> relay   ["BTC", <request id>, {"method": <name>, ...params}]
//   relay -> client   ["BTC-OK", <request id>, <result object>]
//                     ["BTC-ERR", <request id>, {"code": <snake_case>, "message": <text>}]
//                     ["BTC-EVENT", <watch notification object>]
//
// The request id is the client's (1..64 characters, like a subscription id), echoed back, so
// a client can have several requests in flight. Parsing is pure and strict: unknown members
// are refused, hex is lowercase with the exact length, counts are bounded here, and the
// per-connection bounds (watch list size, requests in flight, faucet per minute) are the
// relay's.
//
// Error codes:
//   bad_request_id       (the message's) id missing, not a string, empty or too long
//   btc_syntax           (the message's) not ["BTC", <id>, <object>]
//   btc_unknown_method   method missing or not one of those below
//   btc_bad_params       a parameter is missing, of the wrong type, out of range or unknown
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace datt::proto {

struct BtcLimits {
    size_t max_request_id_chars = 64;
    size_t max_tx_bytes = 100'000;     // a standard transaction's weight limit / 4
    uint32_t max_headers = 500;        // per "headers" request
    size_t max_watch_items = 100;      // scripts + outpoints in one watch/unwatch request
    size_t max_script_bytes = 10'000;  // Bitcoin's script size limit
    uint32_t max_mine_blocks = 200;    // per "mine" request
    size_t max_address_chars = 100;
};

// {"method": "status"}: the node's state (network, height, tip, connected, last error).
struct BtcStatus {};
// {"method": "broadcast", "tx": <hex>}: the node's verdict on a raw transaction.
struct BtcBroadcast {
    Bytes tx;
};
// {"method": "headers", "from": <height>, "count": <1..max_headers>}: raw 80-byte headers.
struct BtcHeaders {
    uint32_t from = 0;
    uint32_t count = 0;
};
// {"method": "proof", "txid": <64 hex, display order>}: gettxoutproof's merkle block.
struct BtcProof {
    std::string txid_hex;  // display order, lowercase
};
struct BtcOutpoint {
    std::string txid_hex;  // display order, lowercase
    uint32_t vout = 0;
    bool operator==(const BtcOutpoint&) const = default;
};
// {"method": "watch"|"unwatch", "scripts": [<scriptPubKey hex>...],
//  "outpoints": [{"txid": <hex>, "vout": <n>}...], "from_height": <n>}: at least one item in
// all. from_height (watch with outpoints only, at most kMaxBtcHeight): the outpoints' spends
// mined since that height are told too (the relay scans those blocks once).
inline constexpr uint32_t kMaxBtcHeight = 10'000'000;
struct BtcWatch {
    bool add = true;  // false: unwatch
    std::vector<Bytes> scripts;
    std::vector<BtcOutpoint> outpoints;
    std::optional<uint32_t> from_height;
};
// {"method": "faucet", "address": <address>, "sats": <n>}: regtest only.
struct BtcFaucet {
    std::string address;
    uint64_t sats = 0;
};
// {"method": "mine", "blocks": <1..max_mine_blocks>}: regtest only.
struct BtcMine {
    uint32_t blocks = 0;
};

using BtcCall = std::variant<BtcStatus, BtcBroadcast, BtcHeaders, BtcProof, BtcWatch, BtcFaucet, BtcMine>;

struct BtcRequest {
    std::string request_id;
    BtcCall call;
};

// A BTC message whose id is fine but whose method or parameters are not: answered with
// BTC-ERR under that id.
struct InvalidBtcRequest {
    std::string request_id;
    Error error;
};

using BtcMessage = std::variant<BtcRequest, InvalidBtcRequest>;

// Parses a whole ["BTC", ...] message (as JSON text).
[[nodiscard]] Result<BtcMessage> parse_btc_message(std::string_view text, const BtcLimits& limits = {});

// The method's name as clients write it ("status", "broadcast", ...).
std::string_view btc_method_name(const BtcCall& call);

// Relay -> client. `result_json` / `event_json` must be serialized JSON objects.
std::string format_btc_ok(std::string_view request_id, std::string_view result_json);
std::string format_btc_err(std::string_view request_id, std::string_view code, std::string_view message);
std::string format_btc_event(std::string_view event_json);

}  // namespace datt::proto
