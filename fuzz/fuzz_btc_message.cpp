// proto::parse_btc_message on untrusted bytes (a client's ["BTC", ...] frame).
//
// Invariants checked:
//   - a rejection or an InvalidBtcRequest carries a code documented in proto/btc_request.h
//     and a message, and the BTC-ERR reply built from it is valid JSON reading back the same
//     id, code and message;
//   - a request's id has 1..max_request_id_chars bytes and BTC-OK under it is valid JSON;
//   - parameters respect the limits: tx and scripts non-empty and bounded, txids 64
//     lowercase hex characters, header count 1..max_headers, watch lists 1..max_watch_items
//     (from_height only on a watch of outpoints, at most kMaxBtcHeight),
//     mine 1..max_mine_blocks, faucet sats > 0;
//   - re-serializing a request's parameters as JSON and parsing again gives the same call.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "check.h"
#include "proto/btc_request.h"
#include "util/hex.h"

namespace {

namespace proto = datt::proto;
using nlohmann::json;

json params_of(const proto::BtcCall& call) {
    json p = {{"method", std::string(proto::btc_method_name(call))}};
    std::visit(
        [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, proto::BtcBroadcast>) {
                p["tx"] = datt::to_hex(c.tx);
            } else if constexpr (std::is_same_v<T, proto::BtcHeaders>) {
                p["from"] = c.from;
                p["count"] = c.count;
            } else if constexpr (std::is_same_v<T, proto::BtcProof>) {
                p["txid"] = c.txid_hex;
            } else if constexpr (std::is_same_v<T, proto::BtcWatch>) {
                p["scripts"] = json::array();
                for (const auto& s : c.scripts) p["scripts"].push_back(datt::to_hex(s));
                p["outpoints"] = json::array();
                for (const auto& o : c.outpoints) p["outpoints"].push_back({{"txid", o.txid_hex}, {"vout", o.vout}});
                if (c.from_height) p["from_height"] = *c.from_height;
            } else if constexpr (std::is_same_v<T, proto::BtcFaucet>) {
                p["address"] = c.address;
                p["sats"] = c.sats;
            } else if constexpr (std::is_same_v<T, proto::BtcMine>) {
                p["blocks"] = c.blocks;
            }
        },
        call);
    return p;
}

bool same_call(const proto::BtcCall& a, const proto::BtcCall& b) {
    if (a.index() != b.index()) return false;
    return params_of(a) == params_of(b);
}

void check_err(const std::string& id, const datt::Error& error) {
    const json reply = json::parse(proto::format_btc_err(id, error.code, error.message), nullptr, false);
    DATT_FUZZ_CHECK(reply.is_array() && reply.size() == 3 && reply[0] == "BTC-ERR" && reply[1] == id);
    DATT_FUZZ_CHECK(reply[2]["code"] == error.code && reply[2]["message"] == error.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const proto::BtcLimits limits;
    auto message = proto::parse_btc_message(text, limits);
    if (!message) {
        DATT_FUZZ_CHECK(datt::fuzz::is_one_of(message.error().code, {"bad_request_id", "btc_syntax"}));
        DATT_FUZZ_CHECK(!message.error().message.empty());
        return 0;
    }
    if (auto* invalid = std::get_if<proto::InvalidBtcRequest>(&*message)) {
        DATT_FUZZ_CHECK(!invalid->request_id.empty() && invalid->request_id.size() <= limits.max_request_id_chars);
        DATT_FUZZ_CHECK(datt::fuzz::is_one_of(invalid->error.code,
                                              {"btc_syntax", "btc_unknown_method", "btc_bad_params"}));
        DATT_FUZZ_CHECK(!invalid->error.message.empty());
        check_err(invalid->request_id, invalid->error);
        return 0;
    }
    const auto& request = std::get<proto::BtcRequest>(*message);
    DATT_FUZZ_CHECK(!request.request_id.empty() && request.request_id.size() <= limits.max_request_id_chars);
    const json ok = json::parse(proto::format_btc_ok(request.request_id, "{}"), nullptr, false);
    DATT_FUZZ_CHECK(ok.is_array() && ok.size() == 3 && ok[1] == request.request_id);
    std::visit(
        [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, proto::BtcBroadcast>) {
                DATT_FUZZ_CHECK(!c.tx.empty() && c.tx.size() <= limits.max_tx_bytes);
            } else if constexpr (std::is_same_v<T, proto::BtcHeaders>) {
                DATT_FUZZ_CHECK(c.count >= 1 && c.count <= limits.max_headers);
            } else if constexpr (std::is_same_v<T, proto::BtcProof>) {
                DATT_FUZZ_CHECK(datt::is_lower_hex(c.txid_hex, 64));
            } else if constexpr (std::is_same_v<T, proto::BtcWatch>) {
                const size_t items = c.scripts.size() + c.outpoints.size();
                DATT_FUZZ_CHECK(items >= 1 && items <= limits.max_watch_items);
                for (const auto& s : c.scripts) DATT_FUZZ_CHECK(!s.empty() && s.size() <= limits.max_script_bytes);
                for (const auto& o : c.outpoints) DATT_FUZZ_CHECK(datt::is_lower_hex(o.txid_hex, 64));
                if (c.from_height) {
                    DATT_FUZZ_CHECK(c.add && !c.outpoints.empty() && *c.from_height <= proto::kMaxBtcHeight);
                }
            } else if constexpr (std::is_same_v<T, proto::BtcFaucet>) {
                DATT_FUZZ_CHECK(c.sats > 0 && !c.address.empty() && c.address.size() <= limits.max_address_chars);
            } else if constexpr (std::is_same_v<T, proto::BtcMine>) {
                DATT_FUZZ_CHECK(c.blocks >= 1 && c.blocks <= limits.max_mine_blocks);
            }
        },
        request.call);
    const json again_text = json::array({"BTC", request.request_id, params_of(request.call)});
    auto again = proto::parse_btc_message(again_text.dump(), limits);
    DATT_FUZZ_CHECK(again.ok());
    const auto* round = std::get_if<proto::BtcRequest>(&*again);
    DATT_FUZZ_CHECK(round && round->request_id == request.request_id && same_call(round->call, request.call));
    return 0;
}
