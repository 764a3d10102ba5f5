#include "proto/btc_request.h"

#include <nlohmann/json.hpp>

#include "util/hex.h"
#include "util/json_string.h"

namespace datt::proto {
namespace {

using nlohmann::json;

Error bad(const std::string& message) { return make_error("btc_bad_params", message); }

bool is_lower_hex_any(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// Only `allowed` members (and "method") may appear.
Status only_members(const json& params, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : params.items()) {
        if (key == "method") continue;
        bool known = false;
        for (std::string_view name : allowed) known = known || key == name;
        if (!known) {
            return bad("unknown member \"" + key.substr(0, 32) + "\"");
        }
    }
    return Ok{};
}

Result<uint64_t> unsigned_member(const json& params, const char* name, uint64_t min, uint64_t max) {
    auto found = params.find(name);
    if (found == params.end() || !found->is_number_integer() ||
        (!found->is_number_unsigned() && found->get<int64_t>() < 0)) {
        return bad(std::string(name) + " must be a non-negative integer");
    }
    const uint64_t value = found->get<uint64_t>();
    if (value < min || value > max) {
        return bad(std::string(name) + " must be between " + std::to_string(min) + " and " +
                   std::to_string(max));
    }
    return value;
}

Result<std::string> txid_member(const json& value, const char* name) {
    if (!value.is_string() || !is_lower_hex(value.get_ref<const std::string&>(), 64)) {
        return bad(std::string(name) + " must be 64 lowercase hex characters");
    }
    return value.get<std::string>();
}

Result<Bytes> hex_bytes(const json& value, const char* name, size_t max_bytes) {
    if (!value.is_string()) return bad(std::string(name) + " must be a hex string");
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty() || text.size() % 2 != 0 || text.size() > 2 * max_bytes || !is_lower_hex_any(text)) {
        return bad(std::string(name) + " must be 1 to " + std::to_string(max_bytes) +
                   " bytes of lowercase hex");
    }
    auto bytes = from_hex(text);
    if (!bytes) return bad(std::string(name) + " is not hex");
    return std::move(*bytes);
}

Result<BtcWatch> watch(const json& params, bool add, const BtcLimits& limits) {
    if (auto members = only_members(params, {"scripts", "outpoints", "from_height"}); !members) return members.error();
    BtcWatch out;
    out.add = add;
    if (auto scripts = params.find("scripts"); scripts != params.end()) {
        if (!scripts->is_array()) return bad("scripts must be an array");
        if (scripts->size() > limits.max_watch_items) return bad("too many scripts");
        for (const json& item : *scripts) {
            auto script = hex_bytes(item, "scripts entries", limits.max_script_bytes);
            if (!script) return script.error();
            out.scripts.push_back(std::move(*script));
        }
    }
    if (auto outpoints = params.find("outpoints"); outpoints != params.end()) {
        if (!outpoints->is_array()) return bad("outpoints must be an array");
        if (outpoints->size() > limits.max_watch_items) return bad("too many outpoints");
        for (const json& item : *outpoints) {
            if (!item.is_object() || item.size() != 2 || !item.contains("txid") || !item.contains("vout")) {
                return bad("outpoints entries must be {\"txid\": <hex>, \"vout\": <n>}");
            }
            auto txid = txid_member(item["txid"], "outpoint txid");
            if (!txid) return txid.error();
            auto vout = unsigned_member(item, "vout", 0, UINT32_MAX);
            if (!vout) return vout.error();
            out.outpoints.push_back({std::move(*txid), static_cast<uint32_t>(*vout)});
        }
    }
    const size_t items = out.scripts.size() + out.outpoints.size();
    if (items == 0) return bad("give at least one script or outpoint");
    if (params.contains("from_height")) {
        if (!add || out.outpoints.empty()) return bad("from_height goes with a watch of outpoints");
        auto from = unsigned_member(params, "from_height", 0, kMaxBtcHeight);
        if (!from) return from.error();
        out.from_height = static_cast<uint32_t>(*from);
    }
    if (items > limits.max_watch_items) {
        return bad("at most " + std::to_string(limits.max_watch_items) + " scripts and outpoints");
    }
    return out;
}

Result<BtcCall> call(const json& params, const BtcLimits& limits) {
    auto method = params.find("method");
    if (method == params.end() || !method->is_string()) {
        return make_error("btc_unknown_method", "method must be a string");
    }
    const std::string& name = method->get_ref<const std::string&>();
    if (name == "status") {
        if (auto m = only_members(params, {}); !m) return m.error();
        return BtcCall{BtcStatus{}};
    }
    if (name == "broadcast") {
        if (auto m = only_members(params, {"tx"}); !m) return m.error();
        if (!params.contains("tx")) return bad("tx is required");
        auto tx = hex_bytes(params["tx"], "tx", limits.max_tx_bytes);
        if (!tx) return tx.error();
        return BtcCall{BtcBroadcast{std::move(*tx)}};
    }
    if (name == "headers") {
        if (auto m = only_members(params, {"from", "count"}); !m) return m.error();
        auto from = unsigned_member(params, "from", 0, UINT32_MAX);
        if (!from) return from.error();
        auto count = unsigned_member(params, "count", 1, limits.max_headers);
        if (!count) return count.error();
        return BtcCall{BtcHeaders{static_cast<uint32_t>(*from), static_cast<uint32_t>(*count)}};
    }
    if (name == "proof") {
        if (auto m = only_members(params, {"txid"}); !m) return m.error();
        if (!params.contains("txid")) return bad("txid is required");
        auto txid = txid_member(params["txid"], "txid");
        if (!txid) return txid.error();
        return BtcCall{BtcProof{std::move(*txid)}};
    }
    if (name == "watch" || name == "unwatch") {
        auto w = watch(params, name == "watch", limits);
        if (!w) return w.error();
        return BtcCall{std::move(*w)};
    }
    if (name == "faucet") {
        if (auto m = only_members(params, {"address", "sats"}); !m) return m.error();
        auto address = params.find("address");
        if (address == params.end() || !address->is_string() || address->get_ref<const std::string&>().empty() ||
            address->get_ref<const std::string&>().size() > limits.max_address_chars) {
            return bad("address must be a string of 1 to " + std::to_string(limits.max_address_chars) +
                       " characters");
        }
        auto sats = unsigned_member(params, "sats", 1, 21'000'000ULL * 100'000'000ULL);
        if (!sats) return sats.error();
        return BtcCall{BtcFaucet{address->get<std::string>(), *sats}};
    }
    if (name == "mine") {
        if (auto m = only_members(params, {"blocks"}); !m) return m.error();
        auto blocks = unsigned_member(params, "blocks", 1, limits.max_mine_blocks);
        if (!blocks) return blocks.error();
        return BtcCall{BtcMine{static_cast<uint32_t>(*blocks)}};
    }
    std::string shown = name.substr(0, 32);
    // Quoted back to the client: keep it printable ASCII so the reply stays valid UTF-8.
    for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    }
    return make_error("btc_unknown_method", "unknown method \"" + shown + "\"");
}

}  // namespace

Result<BtcMessage> parse_btc_message(std::string_view text, const BtcLimits& limits) {
    json message = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded() || !message.is_array() || message.empty() || message[0] != "BTC") {
        return make_error("btc_syntax", "BTC message must be [\"BTC\", <request id>, {\"method\": ...}]");
    }
    if (message.size() < 2 || !message[1].is_string() || message[1].get_ref<const std::string&>().empty() ||
        message[1].get_ref<const std::string&>().size() > limits.max_request_id_chars) {
        return make_error("bad_request_id", "the request id must be a string of 1 to " +
                                                std::to_string(limits.max_request_id_chars) + " characters");
    }
    std::string id = message[1].get<std::string>();
    if (message.size() != 3 || !message[2].is_object()) {
        return BtcMessage{InvalidBtcRequest{
            std::move(id), make_error("btc_syntax", "BTC message must be [\"BTC\", <request id>, {\"method\": ...}]")}};
    }
    auto parsed = call(message[2], limits);
    if (!parsed) return BtcMessage{InvalidBtcRequest{std::move(id), parsed.error()}};
    return BtcMessage{BtcRequest{std::move(id), std::move(*parsed)}};
}

std::string_view btc_method_name(const BtcCall& call) {
    return std::visit(
        [](const auto& c) -> std::string_view {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, BtcStatus>) return "status";
            if constexpr (std::is_same_v<T, BtcBroadcast>) return "broadcast";
            if constexpr (std::is_same_v<T, BtcHeaders>) return "headers";
            if constexpr (std::is_same_v<T, BtcProof>) return "proof";
            if constexpr (std::is_same_v<T, BtcWatch>) return c.add ? "watch" : "unwatch";
            if constexpr (std::is_same_v<T, BtcFaucet>) return "faucet";
            if constexpr (std::is_same_v<T, BtcMine>) return "mine";
        },
        call);
}

std::string format_btc_ok(std::string_view request_id, std::string_view result_json) {
    std::string out = "[\"BTC-OK\",";
    append_json_string(out, request_id);
    out += ',';
    out += result_json;
    out += ']';
    return out;
}

std::string format_btc_err(std::string_view request_id, std::string_view code, std::string_view message) {
    std::string out = "[\"BTC-ERR\",";
    append_json_string(out, request_id);
    out += ",{\"code\":";
    append_json_string(out, code);
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}]";
    return out;
}

std::string format_btc_event(std::string_view event_json) {
    std::string out = "[\"BTC-EVENT\",";
    out += event_json;
    out += ']';
    return out;
}

}  // namespace datt::proto
