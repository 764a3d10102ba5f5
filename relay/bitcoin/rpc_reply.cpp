#include "bridge/rpc_reply.h"

#include <cmath>

#include "bitcoin/display_hash.h"
#include "util/hex.h"

namespace datt::relay::bitcoin_bridge {
namespace {

Error malformed(const std::string& message) { return make_error("rpc_reply_malformed", message); }
Error lied(const std::string& message) { return make_error("node_lied", message); }

// The node's own words, shortened and kept to printable ASCII (they go into logs and to
// clients).
std::string node_words(const json& error) {
    std::string text;
    if (error.is_object() && error.contains("message") && error["message"].is_string()) {
        text = error["message"].get<std::string>();
    } else {
        text = error.dump();
    }
    if (text.size() > kMaxNodeMessageChars) text = text.substr(0, kMaxNodeMessageChars) + "...";
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    }
    return text;
}

Result<json> one_result(const json& reply) {
    if (!reply.is_object() || !reply.contains("result") || !reply.contains("error")) {
        return malformed("the node's reply is not a JSON-RPC object with result and error");
    }
    if (!reply["error"].is_null()) return make_error("node_error", node_words(reply["error"]));
    return reply["result"];
}

Result<json> parse_body(std::string_view body, size_t max_bytes) {
    if (body.size() > max_bytes) {
        return make_error("rpc_reply_too_large", "the node's reply is over " + std::to_string(max_bytes) + " bytes");
    }
    json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return malformed("the node's reply is not JSON");
    return parsed;
}

}  // namespace

Result<json> rpc_result(std::string_view body, size_t max_bytes) {
    auto parsed = parse_body(body, max_bytes);
    if (!parsed) return parsed.error();
    return one_result(*parsed);
}

Result<std::vector<json>> rpc_batch_results(std::string_view body, size_t count, size_t max_bytes) {
    auto parsed = parse_body(body, max_bytes);
    if (!parsed) return parsed.error();
    if (!parsed->is_array() || parsed->size() != count) {
        // A node refusing the whole batch answers with one error object.
        if (parsed->is_object()) {
            auto single = one_result(*parsed);
            if (!single) return single.error();
        }
        return malformed("the node's batch reply does not have " + std::to_string(count) + " entries");
    }
    std::vector<json> out(count);
    std::vector<bool> seen(count, false);
    for (const json& entry : *parsed) {
        if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_unsigned()) {
            return malformed("a batch entry has no numeric id");
        }
        const uint64_t id = entry["id"].get<uint64_t>();
        if (id >= count || seen[id]) return malformed("a batch entry has an unknown or repeated id");
        seen[id] = true;
        auto result = one_result(entry);
        if (!result) return result.error();
        out[id] = std::move(*result);
    }
    return out;
}

Result<Hash256> hash_result(const json& result) {
    if (!result.is_string() || !is_lower_hex(result.get_ref<const std::string&>(), 64)) {
        return malformed("expected a 64-hex-digit hash from the node");
    }
    auto hash = bitcoin::from_display_hex(result.get_ref<const std::string&>());
    if (!hash) return malformed(hash.error().message);
    return *hash;
}

Result<ChainInfo> chain_info_result(const json& result) {
    if (!result.is_object() || !result.contains("chain") || !result["chain"].is_string() ||
        !result.contains("blocks") || !result["blocks"].is_number_unsigned() ||
        result["blocks"].get<uint64_t>() > UINT32_MAX || !result.contains("bestblockhash")) {
        return malformed("getblockchaininfo: expected chain, blocks and bestblockhash");
    }
    auto best = hash_result(result["bestblockhash"]);
    if (!best) return best.error();
    return ChainInfo{result["chain"].get<std::string>(), static_cast<uint32_t>(result["blocks"].get<uint64_t>()),
                     *best};
}

Result<std::vector<bitcoin::BlockHeader>> check_header_range(const std::vector<json>& hashes,
                                                            const std::vector<json>& raw,
                                                            const bitcoin::Network& network) {
    if (hashes.size() != raw.size()) return malformed("as many headers as hashes are needed");
    std::vector<bitcoin::BlockHeader> headers;
    headers.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        auto hash = hash_result(hashes[i]);
        if (!hash) return hash.error();
        if (!raw[i].is_string() || !is_lower_hex(raw[i].get_ref<const std::string&>(), 160)) {
            return malformed("getblockheader: expected 160 hex digits");
        }
        auto bytes = from_hex(raw[i].get_ref<const std::string&>());
        if (!bytes) return malformed("getblockheader: not hex");
        auto header = bitcoin::parse_block_header(*bytes);
        if (!header) return malformed(header.error().message);
        const Hash256 actual = bitcoin::block_hash(*header);
        if (actual != *hash) {
            return lied("the header given for block " + bitcoin::to_display_hex(*hash) + " hashes to " +
                        bitcoin::to_display_hex(actual));
        }
        if (auto pow = bitcoin::check_proof_of_work(actual, header->bits, network.pow_limit); !pow) {
            return lied("header " + bitcoin::to_display_hex(actual) + ": " + pow.error().message);
        }
        if (!headers.empty() && header->prev_block != bitcoin::block_hash(headers.back())) {
            return lied("header " + bitcoin::to_display_hex(actual) + " does not link to the header before it");
        }
        headers.push_back(*header);
    }
    return headers;
}

Result<CheckedProof> check_txout_proof(const json& result, const Hash256& txid, const bitcoin::Network& network) {
    if (!result.is_string()) return malformed("gettxoutproof: expected a hex string");
    const std::string& text = result.get_ref<const std::string&>();
    if (text.size() % 2 != 0 || !is_lower_hex(text, text.size())) return malformed("gettxoutproof: not hex");
    auto bytes = from_hex(text);
    if (!bytes) return malformed("gettxoutproof: not hex");
    auto block = bitcoin::MerkleBlock::parse(*bytes);
    if (!block) return lied("gettxoutproof: " + block.error().code + ": " + block.error().message);
    auto proof = bitcoin::verify_merkle_block(*block);
    if (!proof) return lied("gettxoutproof: " + proof.error().code + ": " + proof.error().message);
    if (auto pow = bitcoin::check_proof_of_work(proof->block_hash, proof->header.bits, network.pow_limit); !pow) {
        return lied("gettxoutproof: the header has no valid proof of work");
    }
    bool found = false;
    for (const auto& match : proof->matches) found = found || match.txid == txid;
    if (!found) return lied("gettxoutproof: the proof does not contain " + bitcoin::to_display_hex(txid));
    return CheckedProof{std::move(*bytes), std::move(*proof)};
}

Result<std::optional<UnspentOutput>> txout_result(const json& result) {
    if (result.is_null()) return std::optional<UnspentOutput>{};
    if (!result.is_object()) return malformed("gettxout: expected null or an object");
    const auto confirmations = result.find("confirmations");
    if (confirmations == result.end() || !confirmations->is_number_unsigned() ||
        confirmations->get<uint64_t>() > UINT32_MAX) {
        return malformed("gettxout: expected unsigned confirmations");
    }
    const auto value = result.find("value");
    if (value == result.end() || !value->is_number()) return malformed("gettxout: expected a numeric value");
    const double btc = value->get<double>();
    constexpr double kSatsPerBtc = 1e8;
    if (!std::isfinite(btc) || btc < 0 || btc > static_cast<double>(bitcoin::kMaxMoney.value()) / kSatsPerBtc) {
        return malformed("gettxout: value out of the money range");
    }
    // btc * 1e8 is within 0.5 sat of the amount meant (its errors are below 0.25 + 0.19 sat
    // up to 21e6 BTC), so rounding finds it; the double nearest to whole / 1e8 (an exact
    // division, correctly rounded) is then what the node's decimal text parsed to, or the
    // text had more than 8 decimals.
    const double whole = std::round(btc * kSatsPerBtc);
    if (whole / kSatsPerBtc != btc) return malformed("gettxout: value is not a whole number of satoshis");
    const auto script = result.find("scriptPubKey");
    if (script == result.end() || !script->is_object() || !script->contains("hex") || !(*script)["hex"].is_string()) {
        return malformed("gettxout: expected scriptPubKey.hex");
    }
    const std::string& text = (*script)["hex"].get_ref<const std::string&>();
    constexpr size_t kMaxScriptBytes = 10'000;
    if (text.size() % 2 != 0 || text.size() > 2 * kMaxScriptBytes || !is_lower_hex(text, text.size())) {
        return malformed("gettxout: scriptPubKey.hex is not a script's hex");
    }
    auto bytes = from_hex(text);
    if (!bytes) return malformed("gettxout: scriptPubKey.hex is not hex");
    return std::optional<UnspentOutput>{UnspentOutput{static_cast<uint32_t>(confirmations->get<uint64_t>()),
                                                      bitcoin::Sats{static_cast<int64_t>(whole)}, std::move(*bytes)}};
}

}  // namespace datt::relay::bitcoin_bridge
