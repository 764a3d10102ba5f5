// core/receipt for JavaScript (datt.receipts, docs/protocol.md "Receipts"): the payer's
// receipt request for a 0xd3 hop payload, the hub's kind 4571 receipts parsed and verified
// against their target event, and verified sats per target (core/feed paid_total.h). Events
// cross as JSON text; arguments and results of the other calls as JSON text too (amounts as
// decimal strings: the JavaScript wrapper turns them into BigInt).
#include <emscripten/bind.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "bitcoin/display_hash.h"
#include "channel/hop_payload.h"
#include "convert.h"
#include "event/event.h"
#include "feed/paid_total.h"
#include "receipt/receipt.h"
#include "receipt/receipt_request.h"
#include "receipt/verify_receipt.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

using nlohmann::json;

constexpr size_t kMaxEventText = 256 * 1024;
constexpr size_t kMaxArgsJson = 16 * 1024 * 1024;  // paid_sats lists
constexpr size_t kMaxPayments = 1'000'000;

Error bad_args(const std::string& what) {
    return make_error("receipt_bad_args", what);
}

Result<std::string> string_field(const json& args, const char* name) {
    const auto found = args.find(name);
    if (found == args.end() || !found->is_string())
        return bad_args(std::string(name) + " must be a string");
    return found->get<std::string>();
}

template <size_t N>
Result<ByteArray<N>> hex_field(const json& args, const char* name) {
    auto text = string_field(args, name);
    if (!text) return text.error();
    return hex_argument<N>(*text, name);
}

Result<uint64_t> decimal_field(const json& args, const char* name) {
    auto text = string_field(args, name);
    if (!text) return text.error();
    uint64_t value = 0;
    if (text->empty() || text->size() > 20)
        return bad_args(std::string(name) + " is not a decimal u64");
    for (char c : *text) {
        if (c < '0' || c > '9' || value > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) {
            return bad_args(std::string(name) + " is not a decimal u64");
        }
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
}

Result<json> json_argument(const val& input, const char* name) {
    auto text = text_argument(input, name);
    if (!text) return text.error();
    if (text->size() > kMaxArgsJson)
        return make_error("too_large", std::string(name) + " is too long");
    json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return bad_args(std::string(name) + " must be a JSON object");
    return parsed;
}

Result<event::Event> event_argument(const val& input, const char* name) {
    auto text = text_argument(input, name);
    if (!text) return text.error();
    if (text->size() > kMaxEventText) return make_error("too_large", "event text is too long");
    return event::Event::parse(*text);
}

val json_value(const json& value) {
    return ok(val(value.dump()));
}

// (secretKey, {payment_hash, target, amount_msat, invoice}, auxRand) -> the hop's receipt
// request {target, payer, payer_sig, invoice}, after the checks the hub will make.
val receipt_request(val secret_key, val args_json, val aux_rand) {
    auto key = secret_key_argument(secret_key);
    if (!key) return fail(key.error());
    auto aux = fixed_bytes_argument<32>(aux_rand, "auxRand");
    if (!aux) return fail(aux.error());
    auto args = json_argument(args_json, "args");
    if (!args) return fail(args.error());
    auto hash = hex_field<32>(*args, "payment_hash");
    auto target = hex_field<32>(*args, "target");
    auto amount = decimal_field(*args, "amount_msat");
    auto invoice = string_field(*args, "invoice");
    if (!hash) return fail(hash.error());
    if (!target) return fail(target.error());
    if (!amount) return fail(amount.error());
    if (!invoice) return fail(invoice.error());
    receipt::ReceiptRequest request{*target, crypto::xonly_pubkey(*key).bytes(), {}, *invoice};
    request.payer_sig =
        receipt::sign_receipt_request(*key, *hash, *target, bitcoin::Msats{*amount}, *aux);
    auto checked = receipt::check_receipt_request(request, *hash, bitcoin::Msats{*amount});
    if (!checked) return fail(checked.error());
    if (auto fits = channel::check_hop_receipt_request(
            {request.target, request.payer, request.payer_sig, request.invoice});
        !fits) {
        return fail(fits.error());
    }
    return json_value({{"target", to_hex(request.target)},
                       {"payer", to_hex(request.payer)},
                       {"payer_sig", to_hex(request.payer_sig)},
                       {"invoice", request.invoice}});
}

val receipt_parse(val event_json) {
    auto event = event_argument(event_json, "receipt");
    if (!event) return fail(event.error());
    auto parsed = receipt::Receipt::parse(*event);
    if (!parsed) return fail(parsed.error());
    const receipt::ReceiptFields& f = parsed->fields();
    return json_value({{"id", to_hex(event->id())},
                       {"hub", to_hex(parsed->hub())},
                       {"created_at", event->created_at()},
                       {"target", to_hex(f.target)},
                       {"payee", to_hex(f.payee)},
                       {"payer", to_hex(f.payer)},
                       {"amount_msat", std::to_string(f.amount.value())},
                       {"invoice", f.invoice},
                       {"preimage", to_hex(f.preimage)},
                       {"payer_sig", to_hex(f.payer_sig)}});
}

// (receipt, target event, hub hex or null) -> what the receipt proves, or its receipt_* code.
val receipt_verify(val receipt_json, val target_json, val hub) {
    auto event = event_argument(receipt_json, "receipt");
    if (!event) return fail(event.error());
    auto target = event_argument(target_json, "target");
    if (!target) return fail(target.error());
    std::optional<ByteArray<32>> trusted;
    if (!is_absent(hub)) {
        auto text = text_argument(hub, "hub");
        if (!text) return fail(text.error());
        auto key = hex_argument<32>(*text, "hub");
        if (!key) return fail(key.error());
        trusted = *key;
    }
    auto parsed = receipt::Receipt::parse(*event);
    if (!parsed) return fail(parsed.error());
    auto verified = receipt::verify_receipt(*parsed, *target, trusted);
    if (!verified) return fail(verified.error());
    return json_value({{"id", to_hex(event->id())},
                       {"hub", to_hex(verified->hub)},
                       {"target", to_hex(verified->target)},
                       {"payee", to_hex(verified->payee)},
                       {"payer", to_hex(verified->payer)},
                       {"amount_msat", std::to_string(verified->amount.value())},
                       {"payment_hash", to_hex(verified->payment_hash)}});
}

// {chain: [{target, txid (display hex), vout, sats}], channel: [{target, payment_hash,
// amount_msat}]} of verified payments -> [{target, sats}] (feed/paid_total.h).
val paid_sats(val args_json) {
    auto args = json_argument(args_json, "payments");
    if (!args) return fail(args.error());
    const json chain = args->value("chain", json::array());
    const json channel = args->value("channel", json::array());
    if (!chain.is_array() || !channel.is_array())
        return fail(bad_args("chain and channel are arrays"));
    if (chain.size() + channel.size() > kMaxPayments)
        return fail(make_error("too_large", "too many payments"));
    std::vector<feed::ChainPayment> onchain;
    for (const json& item : chain) {
        if (!item.is_object()) return fail(bad_args("each chain payment is an object"));
        auto target = hex_field<32>(item, "target");
        auto txid = string_field(item, "txid");
        auto vout = decimal_field(item, "vout");
        auto sats = decimal_field(item, "sats");
        if (!target) return fail(target.error());
        if (!txid) return fail(txid.error());
        if (!vout) return fail(vout.error());
        if (!sats) return fail(sats.error());
        auto txid_bytes = bitcoin::from_display_hex(*txid);
        if (!txid_bytes || *vout > UINT32_MAX ||
            *sats > static_cast<uint64_t>(bitcoin::kMaxMoney.value())) {
            return fail(bad_args("txid, vout or sats out of range"));
        }
        onchain.push_back({*target, *txid_bytes, static_cast<uint32_t>(*vout),
                           bitcoin::Sats(static_cast<int64_t>(*sats))});
    }
    std::vector<feed::ChannelPayment> receipts;
    for (const json& item : channel) {
        if (!item.is_object()) return fail(bad_args("each channel payment is an object"));
        auto target = hex_field<32>(item, "target");
        auto hash = hex_field<32>(item, "payment_hash");
        auto amount = decimal_field(item, "amount_msat");
        if (!target) return fail(target.error());
        if (!hash) return fail(hash.error());
        if (!amount) return fail(amount.error());
        receipts.push_back({*target, *hash, bitcoin::Msats{*amount}});
    }
    const auto totals = feed::paid_sats(onchain, receipts);
    if (!totals) return fail(make_error("amount_out_of_range", "the totals pass 21,000,000 BTC"));
    json out = json::array();
    for (const auto& [target, sats] : *totals) {
        out.push_back({{"target", to_hex(target)}, {"sats", std::to_string(sats.value())}});
    }
    return json_value(out);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_receipt) {
    emscripten::function("receiptRequest", &receipt_request);
    emscripten::function("receiptParse", &receipt_parse);
    emscripten::function("receiptVerify", &receipt_verify);
    emscripten::function("receiptPaidSats", &paid_sats);
}

}  // namespace datt::wasm
