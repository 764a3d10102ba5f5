#include "invoice/invoice_json.h"

#include <nlohmann/json.hpp>
#include <set>

#include "bitcoin/address.h"
#include "bitcoin/script_templates.h"
#include "util/hex.h"

namespace datt::invoice {
namespace {

using nlohmann::ordered_json;
using Json = nlohmann::json;

std::string scid_text(uint64_t scid) {
    return std::to_string(scid >> 40) + "x" + std::to_string((scid >> 16) & 0xffffff) + "x" +
           std::to_string(scid & 0xffff);
}

std::string fallback_type(const Fallback& f) {
    if (f.version == 17) return "P2PKH";
    if (f.version == 18) return "P2SH";
    if (f.version == 0) return f.program.size() == 20 ? "P2WPKH" : "P2WSH";
    if (f.version == 1 && f.program.size() == 32) return "P2TR";
    return "witness_v" + std::to_string(f.version);
}

ordered_json big_number(uint64_t value, const JsonStyle& style) {
    if (style.big_numbers_as_strings) return std::to_string(value);
    return value;
}

}  // namespace

std::string invoice_to_json(const InvoiceContents& c, const crypto::PubKey* payee,
                            const Error* signature_error, JsonStyle style) {
    ordered_json out;
    out["currency"] = std::string(currency_prefix(c.currency));
    out["network"] = std::string(currency_network_name(c.currency));
    out["created_at"] = c.timestamp;
    out["expiry"] = big_number(c.expiry_seconds(), style);
    if (payee) out["payee"] = to_hex(payee->compressed());
    out["include_payee"] = c.payee_field.has_value();
    if (c.amount) out["amount_msat"] = big_number(c.amount->value(), style);
    if (c.description) out["description"] = *c.description;
    if (c.description_hash) out["description_hash"] = to_hex(*c.description_hash);
    out["min_final_cltv_expiry"] = big_number(c.min_final_cltv(), style);
    out["payment_secret"] = to_hex(c.payment_secret);
    if (!c.features.empty()) {
        out["features"] = to_hex(c.features.to_bytes());
        ordered_json bits = ordered_json::array();
        for (const uint16_t bit : c.features.bits()) {
            ordered_json entry;
            entry["bit"] = bit;
            entry["name"] = std::string(feature_name(bit));
            entry["required"] = bit % 2 == 0;
            bits.push_back(std::move(entry));
        }
        out["feature_bits"] = std::move(bits);
    }
    if (c.metadata) out["payment_metadata"] = to_hex(*c.metadata);
    if (!c.fallbacks.empty()) {
        const bitcoin::Network* network = currency_network(c.currency);
        ordered_json list = ordered_json::array();
        for (const auto& fallback : c.fallbacks) {
            ordered_json entry;
            entry["type"] = fallback_type(fallback);
            const Bytes script = fallback_script_pubkey(fallback);
            if (network) {
                if (auto address = bitcoin::Address::from_script_pubkey(*network, script)) {
                    entry["addr"] = address->to_string();
                }
            }
            entry["hex"] = to_hex(script);
            list.push_back(std::move(entry));
        }
        out["fallbacks"] = std::move(list);
    }
    if (!c.routes.empty()) {
        ordered_json routes = ordered_json::array();
        for (const auto& route : c.routes) {
            ordered_json hops = ordered_json::array();
            for (const auto& hop : route) {
                ordered_json entry;
                entry["pubkey"] = to_hex(hop.pubkey);
                entry["short_channel_id"] = scid_text(hop.short_channel_id);
                entry["fee_base_msat"] = hop.fee_base_msat;
                entry["fee_proportional_millionths"] = hop.fee_proportional_millionths;
                entry["cltv_expiry_delta"] = hop.cltv_expiry_delta;
                hops.push_back(std::move(entry));
            }
            routes.push_back(std::move(hops));
        }
        out["routes"] = std::move(routes);
    }
    ordered_json extra = ordered_json::array();
    for (const auto& field : c.fields) {
        if (field.used) continue;
        std::string data;
        for (const uint8_t word : field.words) data += field_letter(word);
        extra.push_back({{"tag", std::string(1, field_letter(field.type))}, {"data", data}});
    }
    if (!extra.empty()) out["extra"] = std::move(extra);
    out["payment_hash"] = to_hex(c.payment_hash);
    out["signature"] = to_hex(c.signature);
    out["recovery_id"] = c.recovery_id;
    out["signature_valid"] = signature_error == nullptr;
    if (signature_error) out["signature_error"] = signature_error->code;
    return out.dump(style.indent, ' ', false, ordered_json::error_handler_t::replace);
}

namespace {

Error bad(const std::string& key, const std::string& why) {
    return make_error("invoice_json_bad_field", key + ": " + why);
}

Result<uint64_t> uint_value(const Json& value, const std::string& key) {
    if (value.is_number_unsigned()) return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0) {
        return static_cast<uint64_t>(value.get<int64_t>());
    }
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text.empty() || text.size() > 20 ||
            text.find_first_not_of("0123456789") != std::string::npos) {
            return bad(key, "not a non-negative integer");
        }
        uint64_t out = 0;
        for (const char ch : text) {
            const uint64_t digit = static_cast<uint64_t>(ch - '0');
            if (out > (UINT64_MAX - digit) / 10) return bad(key, "exceeds 2^64-1");
            out = out * 10 + digit;
        }
        return out;
    }
    return bad(key, "not a non-negative integer");
}

Result<uint64_t> bounded(const Json& value, const std::string& key, uint64_t max) {
    auto number = uint_value(value, key);
    if (!number) return number;
    if (*number > max) return bad(key, "exceeds " + std::to_string(max));
    return number;
}

Result<Bytes> hex_value(const Json& value, const std::string& key) {
    if (!value.is_string()) return bad(key, "not a hex string");
    auto bytes = from_hex(value.get<std::string>());
    if (!bytes) return bad(key, "not a hex string");
    return std::move(*bytes);
}

Result<Hash256> hash_value(const Json& value, const std::string& key) {
    auto bytes = hex_value(value, key);
    if (!bytes) return bytes.error();
    if (bytes->size() != 32) return bad(key, "not 32 bytes of hex");
    Hash256 out;
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

Result<uint64_t> scid_value(const Json& value) {
    if (!value.is_string()) return uint_value(value, "short_channel_id");
    const std::string text = value.get<std::string>();
    if (text.find('x') == std::string::npos) return uint_value(value, "short_channel_id");
    uint64_t parts[3] = {0, 0, 0};
    size_t part = 0, digits = 0;
    for (const char ch : text) {
        if (ch == 'x' && digits > 0 && part < 2) {
            ++part;
            digits = 0;
        } else if (ch >= '0' && ch <= '9' && digits < 9) {
            parts[part] = parts[part] * 10 + static_cast<uint64_t>(ch - '0');
            ++digits;
        } else {
            return bad("short_channel_id", "not BLOCKxTXxOUTPUT");
        }
    }
    if (part != 2 || digits == 0 || parts[0] > 0xffffff || parts[1] > 0xffffff ||
        parts[2] > 0xffff) {
        return bad("short_channel_id", "not BLOCKxTXxOUTPUT");
    }
    return (parts[0] << 40) | (parts[1] << 16) | parts[2];
}

// A scriptPubKey that a fallback field can hold.
std::optional<Fallback> fallback_from_script(ByteSpan script) {
    if (auto hash = bitcoin::match_p2pkh(script))
        return Fallback{17, Bytes(hash->begin(), hash->end())};
    if (auto hash = bitcoin::match_p2sh(script))
        return Fallback{18, Bytes(hash->begin(), hash->end())};
    if (script.size() >= 4 && script.size() <= 42 && script[1] + 2u == script.size() &&
        (script[0] == 0x00 || (script[0] >= 0x51 && script[0] <= 0x60))) {
        const uint8_t version = script[0] == 0 ? 0 : static_cast<uint8_t>(script[0] - 0x50);
        Fallback out{version, Bytes(script.begin() + 2, script.end())};
        if (version == 0 && out.program.size() != 20 && out.program.size() != 32)
            return std::nullopt;
        return out;
    }
    return std::nullopt;
}

Result<Fallback> fallback_value(const Json& value, Currency currency) {
    const Json* addr = &value;
    if (value.is_object()) {
        if (value.contains("hex")) {
            auto script = hex_value(value["hex"], "fallbacks[].hex");
            if (!script) return script.error();
            auto fallback = fallback_from_script(*script);
            if (!fallback) return bad("fallbacks[].hex", "not a P2PKH, P2SH or witness script");
            return *fallback;
        }
        if (!value.contains("addr")) return bad("fallbacks[]", "needs addr or hex");
        addr = &value["addr"];
    }
    if (!addr->is_string()) return bad("fallbacks[]", "an address string or {addr} or {hex}");
    const bitcoin::Network* network = currency_network(currency);
    if (!network) return bad("fallbacks[]", "this network has no address format: give hex");
    auto address = bitcoin::Address::parse(*network, addr->get<std::string>());
    if (!address) return bad("fallbacks[]", address.error().code + ": " + address.error().message);
    auto fallback = fallback_from_script(address->script_pubkey());
    if (!fallback) return bad("fallbacks[]", "not a fallback address");
    return *fallback;
}

Result<RouteHop> hop_value(const Json& value) {
    if (!value.is_object()) return bad("routes", "each hop is an object");
    for (const char* key : {"pubkey", "short_channel_id", "fee_base_msat",
                            "fee_proportional_millionths", "cltv_expiry_delta"}) {
        if (!value.contains(key)) return bad(std::string("routes[][].") + key, "missing");
    }
    RouteHop hop{};
    auto key = hex_value(value["pubkey"], "routes[][].pubkey");
    if (!key) return key.error();
    if (key->size() != 33) return bad("routes[][].pubkey", "not a 33-byte public key");
    std::copy(key->begin(), key->end(), hop.pubkey.begin());
    auto scid = scid_value(value["short_channel_id"]);
    if (!scid) return scid.error();
    hop.short_channel_id = *scid;
    auto base = bounded(value["fee_base_msat"], "routes[][].fee_base_msat", UINT32_MAX);
    if (!base) return base.error();
    auto proportional = bounded(value["fee_proportional_millionths"],
                                "routes[][].fee_proportional_millionths", UINT32_MAX);
    if (!proportional) return proportional.error();
    auto cltv = bounded(value["cltv_expiry_delta"], "routes[][].cltv_expiry_delta", UINT16_MAX);
    if (!cltv) return cltv.error();
    hop.fee_base_msat = static_cast<uint32_t>(*base);
    hop.fee_proportional_millionths = static_cast<uint32_t>(*proportional);
    hop.cltv_expiry_delta = static_cast<uint16_t>(*cltv);
    return hop;
}

Result<FeatureBits> features_value(const Json& value) {
    std::vector<uint16_t> bits;
    if (value.is_array()) {
        for (const auto& bit : value) {
            auto number = bounded(bit, "features[]", kMaxFeatureBit);
            if (!number) return number.error();
            bits.push_back(static_cast<uint16_t>(*number));
        }
    } else {
        // Core Lightning's hex: big-endian bytes, bit 0 the last byte's lowest.
        auto bytes = hex_value(value, "features");
        if (!bytes) return bad("features", "an array of bit numbers or big-endian hex");
        if (bytes->size() * 8 > kMaxFeatureBit + 1u) return bad("features", "too many bits");
        for (size_t i = 0; i < bytes->size(); ++i) {
            const uint8_t byte = (*bytes)[bytes->size() - 1 - i];
            for (unsigned b = 0; b < 8; ++b) {
                if (byte & (1u << b)) bits.push_back(static_cast<uint16_t>(i * 8 + b));
            }
        }
    }
    auto features = FeatureBits::from_bits(std::move(bits));
    if (!features) return bad("features", "a bit above 5114");
    return std::move(*features);
}

// Keys only a decoder knows: accepted and ignored, so decode's output encodes again.
const std::set<std::string>& output_only_keys() {
    static const std::set<std::string> keys{"payee",          "feature_bits", "extra",
                                            "signature",      "recovery_id",  "signature_valid",
                                            "signature_error"};
    return keys;
}

}  // namespace

Result<InvoiceFields> invoice_fields_from_json(std::string_view text,
                                               std::optional<uint64_t> default_timestamp) {
    const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        return make_error("invoice_json_invalid", "the invoice fields must be a JSON object");
    }
    static const std::set<std::string> known{"currency",
                                             "network",
                                             "created_at",
                                             "amount_msat",
                                             "payment_hash",
                                             "payment_secret",
                                             "description",
                                             "description_hash",
                                             "include_payee",
                                             "expiry",
                                             "min_final_cltv_expiry",
                                             "fallbacks",
                                             "routes",
                                             "features",
                                             "payment_metadata"};
    for (const auto& [key, value] : json.items()) {
        if (!known.count(key) && !output_only_keys().count(key)) {
            return make_error("invoice_json_unknown_field", "unknown field \"" + key + "\"");
        }
    }
    InvoiceFields f;
    // network and currency may both be given (decode prints both): they must agree.
    for (const char* key : {"network", "currency"}) {
        if (!json.contains(key)) continue;
        if (!json[key].is_string()) return bad(key, "not a string");
        const auto currency = currency_by_name(json[key].get<std::string>());
        if (!currency) return bad(key, "unknown (mainnet, testnet3, signet, regtest, simnet)");
        if (std::string(key) == "currency" && json.contains("network") && *currency != f.currency) {
            return bad("currency", "disagrees with network");
        }
        f.currency = *currency;
    }
    if (json.contains("created_at")) {
        auto timestamp = bounded(json["created_at"], "created_at", kMaxTimestamp);
        if (!timestamp) return timestamp.error();
        f.timestamp = *timestamp;
    } else if (default_timestamp) {
        f.timestamp = *default_timestamp;
    } else {
        return make_error("invoice_json_missing_field", "created_at is missing");
    }
    if (json.contains("amount_msat") && !json["amount_msat"].is_null()) {
        auto amount = uint_value(json["amount_msat"], "amount_msat");
        if (!amount) return amount.error();
        f.amount = bitcoin::Msats{*amount};
    }
    for (const char* key : {"payment_hash", "payment_secret"}) {
        if (!json.contains(key)) {
            return make_error("invoice_json_missing_field", std::string(key) + " is missing");
        }
        auto hash = hash_value(json[key], key);
        if (!hash) return hash.error();
        (std::string(key) == "payment_hash" ? f.payment_hash : f.payment_secret) = *hash;
    }
    if (json.contains("description")) {
        if (!json["description"].is_string()) return bad("description", "not a string");
        f.description = json["description"].get<std::string>();
    }
    if (json.contains("description_hash")) {
        auto hash = hash_value(json["description_hash"], "description_hash");
        if (!hash) return hash.error();
        f.description_hash = *hash;
    }
    if (json.contains("include_payee")) {
        if (!json["include_payee"].is_boolean()) return bad("include_payee", "not true or false");
        f.include_payee = json["include_payee"].get<bool>();
    }
    if (json.contains("expiry")) {
        auto expiry = uint_value(json["expiry"], "expiry");
        if (!expiry) return expiry.error();
        // The default is what readers assume without the field: not written.
        if (*expiry != kDefaultExpirySeconds) f.expiry = *expiry;
    }
    if (json.contains("min_final_cltv_expiry")) {
        auto cltv = uint_value(json["min_final_cltv_expiry"], "min_final_cltv_expiry");
        if (!cltv) return cltv.error();
        if (*cltv != kDefaultMinFinalCltvExpiry) f.min_final_cltv_expiry = *cltv;
    }
    if (json.contains("fallbacks")) {
        if (!json["fallbacks"].is_array()) return bad("fallbacks", "not an array");
        for (const auto& entry : json["fallbacks"]) {
            auto fallback = fallback_value(entry, f.currency);
            if (!fallback) return fallback.error();
            f.fallbacks.push_back(std::move(*fallback));
        }
    }
    if (json.contains("routes")) {
        if (!json["routes"].is_array()) return bad("routes", "not an array of arrays of hops");
        for (const auto& route : json["routes"]) {
            if (!route.is_array()) return bad("routes", "not an array of arrays of hops");
            std::vector<RouteHop> hops;
            for (const auto& entry : route) {
                auto hop = hop_value(entry);
                if (!hop) return hop.error();
                hops.push_back(*hop);
            }
            f.routes.push_back(std::move(hops));
        }
    }
    if (json.contains("features")) {
        auto features = features_value(json["features"]);
        if (!features) return features.error();
        f.features = std::move(*features);
    } else {
        // var_onion_optin and payment_secret, required (the spec's examples' b100000100000000).
        f.features = *FeatureBits::from_bits({8, 14});
    }
    if (json.contains("payment_metadata")) {
        auto metadata = hex_value(json["payment_metadata"], "payment_metadata");
        if (!metadata) return metadata.error();
        f.metadata = std::move(*metadata);
    }
    return f;
}

}  // namespace datt::invoice
