#include "invoice/invoice_json.h"

#include <nlohmann/json.hpp>
#include <set>

#include "bitcoin/address.h"
#include "bitcoin/script_templates.h"
#include "util/hex.h"

namespace datt::invoice {
namespace {

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

// A small JSON writer: the shape is fixed and its strings are UTF-8 already (the
// description was checked), so nlohmann's serializer (tens of KB in the wasm module, which
// otherwise only parses) is not needed. Members in the order written, as Core Lightning's.
class JsonOut {
  public:
    explicit JsonOut(int indent) : indent_(indent) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view name) {
        separate();
        write_string(name);
        text_ += indent_ >= 0 ? ": " : ":";
        after_key_ = true;
    }
    void string(std::string_view value) {
        before_value();
        write_string(value);
    }
    void number(uint64_t value) {
        before_value();
        text_ += std::to_string(value);
    }
    void boolean(bool value) {
        before_value();
        text_ += value ? "true" : "false";
    }
    std::string take() { return std::move(text_); }

  private:
    void newline() {
        if (indent_ < 0) return;
        text_ += '\n';
        text_.append(static_cast<size_t>(indent_) * first_.size(), ' ');
    }
    void separate() {
        if (first_.empty()) return;
        if (!first_.back()) text_ += ',';
        first_.back() = false;
        newline();
    }
    void before_value() {
        if (after_key_) {
            after_key_ = false;
        } else {
            separate();
        }
    }
    void open(char bracket) {
        before_value();
        text_ += bracket;
        first_.push_back(true);
    }
    void close(char bracket) {
        const bool empty = first_.back();
        first_.pop_back();
        if (!empty) newline();
        text_ += bracket;
    }
    void write_string(std::string_view value) {
        static constexpr char kHex[] = "0123456789abcdef";
        text_ += '"';
        for (const char ch : value) {
            const auto byte = static_cast<unsigned char>(ch);
            switch (ch) {
                case '"':
                    text_ += "\\\"";
                    break;
                case '\\':
                    text_ += "\\\\";
                    break;
                case '\n':
                    text_ += "\\n";
                    break;
                case '\r':
                    text_ += "\\r";
                    break;
                case '\t':
                    text_ += "\\t";
                    break;
                case '\b':
                    text_ += "\\b";
                    break;
                case '\f':
                    text_ += "\\f";
                    break;
                default:
                    if (byte < 0x20) {
                        text_ += "\\u00";
                        text_ += kHex[byte >> 4];
                        text_ += kHex[byte & 15];
                    } else {
                        text_ += ch;
                    }
            }
        }
        text_ += '"';
    }

    int indent_;
    std::string text_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool after_key_ = false;
};

}  // namespace

std::string invoice_to_json(const InvoiceContents& c, const crypto::PubKey* payee,
                            const Error* signature_error, JsonStyle style) {
    JsonOut out(style.indent);
    auto big = [&](uint64_t value) {
        if (style.big_numbers_as_strings) {
            out.string(std::to_string(value));
        } else {
            out.number(value);
        }
    };
    out.begin_object();
    out.key("currency");
    out.string(currency_prefix(c.currency));
    out.key("network");
    out.string(currency_network_name(c.currency));
    out.key("created_at");
    out.number(c.timestamp);
    out.key("expiry");
    big(c.expiry_seconds());
    if (payee) {
        out.key("payee");
        out.string(to_hex(payee->compressed()));
    }
    out.key("include_payee");
    out.boolean(c.payee_field.has_value());
    if (c.amount) {
        out.key("amount_msat");
        big(c.amount->value());
    }
    if (c.description) {
        out.key("description");
        out.string(*c.description);
    }
    if (c.description_hash) {
        out.key("description_hash");
        out.string(to_hex(*c.description_hash));
    }
    out.key("min_final_cltv_expiry");
    big(c.min_final_cltv());
    out.key("payment_secret");
    out.string(to_hex(c.payment_secret));
    if (!c.features.empty()) {
        out.key("features");
        out.string(to_hex(c.features.to_bytes()));
        out.key("feature_bits");
        out.begin_array();
        for (const uint16_t bit : c.features.bits()) {
            out.begin_object();
            out.key("bit");
            out.number(bit);
            out.key("name");
            out.string(feature_name(bit));
            out.key("required");
            out.boolean(bit % 2 == 0);
            out.end_object();
        }
        out.end_array();
    }
    if (c.metadata) {
        out.key("payment_metadata");
        out.string(to_hex(*c.metadata));
    }
    if (!c.fallbacks.empty()) {
        const bitcoin::Network* network = currency_network(c.currency);
        out.key("fallbacks");
        out.begin_array();
        for (const auto& fallback : c.fallbacks) {
            out.begin_object();
            out.key("type");
            out.string(fallback_type(fallback));
            const Bytes script = fallback_script_pubkey(fallback);
            if (network) {
                if (auto address = bitcoin::Address::from_script_pubkey(*network, script)) {
                    out.key("addr");
                    out.string(address->to_string());
                }
            }
            out.key("hex");
            out.string(to_hex(script));
            out.end_object();
        }
        out.end_array();
    }
    if (!c.routes.empty()) {
        out.key("routes");
        out.begin_array();
        for (const auto& route : c.routes) {
            out.begin_array();
            for (const auto& hop : route) {
                out.begin_object();
                out.key("pubkey");
                out.string(to_hex(hop.pubkey));
                out.key("short_channel_id");
                out.string(scid_text(hop.short_channel_id));
                out.key("fee_base_msat");
                out.number(hop.fee_base_msat);
                out.key("fee_proportional_millionths");
                out.number(hop.fee_proportional_millionths);
                out.key("cltv_expiry_delta");
                out.number(hop.cltv_expiry_delta);
                out.end_object();
            }
            out.end_array();
        }
        out.end_array();
    }
    bool any_extra = false;
    for (const auto& field : c.fields) {
        if (field.used) continue;
        if (!any_extra) {
            out.key("extra");
            out.begin_array();
            any_extra = true;
        }
        std::string data;
        for (const uint8_t word : field.words) data += field_letter(word);
        out.begin_object();
        out.key("tag");
        out.string(std::string(1, field_letter(field.type)));
        out.key("data");
        out.string(data);
        out.end_object();
    }
    if (any_extra) out.end_array();
    out.key("payment_hash");
    out.string(to_hex(c.payment_hash));
    out.key("signature");
    out.string(to_hex(c.signature));
    out.key("recovery_id");
    out.number(c.recovery_id);
    out.key("signature_valid");
    out.boolean(signature_error == nullptr);
    if (signature_error) {
        out.key("signature_error");
        out.string(signature_error->code);
    }
    out.end_object();
    return out.take();
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
