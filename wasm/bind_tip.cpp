// core/tip for JavaScript (datt.tips): the author's payout-address event and the payer's
// tip event as unsigned templates and parsed objects, the commitment output script, SPV
// verification of a tip, and totals (docs/protocol.md "On-chain tips"). Events cross as
// JSON text (datt.mjs stringifies objects) and go through Event::parse; transactions,
// proofs, header-chain states and headers as Uint8Array; txids and block hashes as hex in
// display order; amounts out as BigInt.
#include <emscripten/bind.h>

#include "bitcoin/display_hash.h"
#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin_convert.h"
#include "convert.h"
#include "event/event.h"
#include "tip/commitment.h"
#include "tip/payout.h"
#include "tip/tip.h"
#include "tip/tip_total.h"
#include "tip/verify_tip.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

constexpr size_t kMaxEventText = 256 * 1024;
constexpr size_t kMaxProofBytes = 1 << 20;             // as btcVerifyMerkleProof
constexpr size_t kMaxHeaderBytes = kMaxBytesArgument;  // 209,715 headers
constexpr size_t kMaxTotalItems = 1'000'000;

val template_value(const event::Draft& draft) {
    val out = val::object();
    out.set("created_at", static_cast<double>(draft.created_at));
    out.set("kind", static_cast<int>(draft.kind));
    val tags = val::array();
    for (const event::Tag& tag : draft.tags) {
        val values = val::array();
        for (const std::string& value : tag) values.call<void>("push", value);
        tags.call<void>("push", values);
    }
    out.set("tags", tags);
    out.set("content", draft.content);
    return out;
}

Result<event::Event> event_argument(const std::string& json) {
    if (json.size() > kMaxEventText) return make_error("too_large", "event text is too long");
    return event::Event::parse(json);
}

// [{network, address}] -> the unsigned kind 10570 template.
val payout_template(val entries, val created_at_value) {
    if (!entries.isArray()) return fail(make_error("wrong_type", "entries must be an array"));
    const size_t count = entries["length"].as<size_t>();
    if (count > 16) return fail(make_error("too_large", "at most one address per network"));
    std::vector<tip::PayoutEntry> list;
    for (size_t i = 0; i < count; ++i) {
        const val entry = entries[i];
        if (!is_plain_object(entry)) {
            return fail(make_error("wrong_type", "each entry is {network, address}"));
        }
        auto network = text_argument(entry["network"], "network");
        if (!network) return fail(network.error());
        auto address = text_argument(entry["address"], "address");
        if (!address) return fail(address.error());
        list.push_back({*network, *address});
    }
    auto created_at = safe_integer_argument(created_at_value, "createdAt");
    if (!created_at) return fail(created_at.error());
    auto draft = tip::payout_draft(list, *created_at);
    return draft ? ok(template_value(*draft)) : fail(draft.error());
}

val payout_value(const tip::PayoutAddresses& payout) {
    val out = val::object();
    out.set("id", to_hex(payout.event().id()));
    out.set("author", to_hex(payout.author()));
    out.set("created_at", static_cast<double>(payout.event().created_at()));
    val addresses = val::array();
    for (const tip::PayoutAddress& entry : payout.addresses()) {
        val item = val::object();
        item.set("network", entry.network->name);
        item.set("address", entry.address.to_string());
        item.set("scriptPubKey", bytes_value(entry.address.script_pubkey()));
        addresses.call<void>("push", item);
    }
    out.set("addresses", addresses);
    return out;
}

val parse_payout(std::string json) {
    auto event = event_argument(json);
    if (!event) return fail(event.error());
    auto payout = tip::PayoutAddresses::parse(*event);
    return payout ? ok(payout_value(*payout)) : fail(payout.error());
}

// (payout event JSON, {target, network, txid, vout, sats, message?, createdAt}) -> template.
val tip_template(std::string payout_json, val request) {
    auto payout = event_argument(payout_json);
    if (!payout) return fail(payout.error());
    if (!is_plain_object(request))
        return fail(make_error("wrong_type", "request must be an object"));
    tip::TipRequest out;
    auto target = hex32_argument(request["target"], "target");
    if (!target) return fail(target.error());
    out.target = *target;
    auto network_name = text_argument(request["network"], "network");
    if (!network_name) return fail(network_name.error());
    for (const bitcoin::Network* network : bitcoin::known_networks()) {
        if (network->name == *network_name) out.payment.network = network;
    }
    if (out.payment.network == nullptr) {
        return fail(make_error("unknown_network", "unknown network '" + *network_name + "'"));
    }
    auto txid = display_hash_argument(request["txid"], "txid");
    if (!txid) return fail(txid.error());
    out.payment.txid = *txid;
    auto vout = uint32_argument(request["vout"], "vout");
    if (!vout) return fail(vout.error());
    out.payment.vout = *vout;
    auto sats = sats_argument(request["sats"], "sats", AmountRange::kMoney);
    if (!sats) return fail(sats.error());
    out.payment.sats = *sats;
    if (!is_absent(request["message"])) {
        auto message = text_argument(request["message"], "message");
        if (!message) return fail(message.error());
        out.message = *message;
    }
    auto created_at = safe_integer_argument(request["createdAt"], "createdAt");
    if (!created_at) return fail(created_at.error());
    out.created_at = *created_at;
    auto draft = tip::tip_draft(*payout, out);
    return draft ? ok(template_value(*draft)) : fail(draft.error());
}

val tip_value(const tip::Tip& tip) {
    val out = val::object();
    out.set("id", to_hex(tip.event().id()));
    out.set("payer", to_hex(tip.payer()));
    out.set("target", to_hex(tip.target()));
    out.set("author", to_hex(tip.author()));
    out.set("created_at", static_cast<double>(tip.event().created_at()));
    out.set("network", tip.payment().network->name);
    out.set("txid", bitcoin::to_display_hex(tip.payment().txid));
    out.set("vout", tip.payment().vout);
    out.set("sats", sats_value(tip.payment().sats));
    out.set("address", tip.paid_address().to_string());
    out.set("scriptPubKey", bytes_value(tip.paid_address().script_pubkey()));
    out.set("message", tip.message());
    out.set("payout", payout_value(tip.payout()));
    return out;
}

val parse_tip(std::string json) {
    auto event = event_argument(json);
    if (!event) return fail(event.error());
    auto tip = tip::Tip::parse(*event);
    return tip ? ok(tip_value(*tip)) : fail(tip.error());
}

// The OP_RETURN output script (Uint8Array, 34 bytes) a tip's transaction must carry.
val commitment_script(val target_hex, val payer_hex) {
    auto target = hex32_argument(target_hex, "target");
    if (!target) return fail(target.error());
    auto payer = hex32_argument(payer_hex, "payer");
    if (!payer) return fail(payer.error());
    return ok(bytes_value(tip::commitment_script(*target, *payer)));
}

const char* status_name(tip::TipStatus status) {
    switch (status) {
        case tip::TipStatus::kVerified:
            return "verified";
        case tip::TipStatus::kPending:
            return "pending";
        case tip::TipStatus::kInvalid:
            return "invalid";
    }
    return "invalid";
}

// (tip event JSON, {network, state, transaction, proof?, headers?, minConfirmations?}) ->
// {status, code?, message?, confirmations, height, blockHash?}. A malformed tip event or
// argument is an error (thrown); a tip that does not check out is a verdict.
val verify_tip(std::string json, val evidence) {
    auto event = event_argument(json);
    if (!event) return fail(event.error());
    auto tip = tip::Tip::parse(*event);
    if (!tip) return fail(tip.error());
    if (!is_plain_object(evidence))
        return fail(make_error("wrong_type", "evidence must be an object"));
    auto network = network_argument(evidence["network"]);
    if (!network) return fail(network.error());
    auto state_bytes = bytes_argument(evidence["state"], "state", 1024);
    if (!state_bytes) return fail(state_bytes.error());
    auto state = bitcoin::HeaderChainState::parse(*network, *state_bytes);
    if (!state) return fail(state.error());
    auto transaction =
        bytes_argument(evidence["transaction"], "transaction", bitcoin::kMaxTransactionSize + 1);
    if (!transaction) return fail(transaction.error());
    std::optional<Bytes> proof;
    if (!is_absent(evidence["proof"])) {
        auto bytes = bytes_argument(evidence["proof"], "proof", kMaxProofBytes);
        if (!bytes) return fail(bytes.error());
        proof = std::move(*bytes);
    }
    std::vector<bitcoin::BlockHeader> headers;
    if (!is_absent(evidence["headers"])) {
        auto bytes = bytes_argument(evidence["headers"], "headers", kMaxHeaderBytes);
        if (!bytes) return fail(bytes.error());
        auto parsed = bitcoin::parse_block_headers(*bytes);
        if (!parsed) return fail(parsed.error());
        headers = std::move(*parsed);
    }
    uint32_t min_confirmations = 1;
    if (!is_absent(evidence["minConfirmations"])) {
        auto min = uint32_argument(evidence["minConfirmations"], "minConfirmations");
        if (!min) return fail(min.error());
        min_confirmations = *min;
    }
    const tip::TipVerdict verdict = tip::verify_tip(
        *network, *state, *tip,
        tip::TipEvidence{*transaction, proof ? std::optional<ByteSpan>(*proof) : std::nullopt,
                         headers},
        min_confirmations);
    val out = val::object();
    out.set("status", std::string(status_name(verdict.status)));
    if (verdict.reason) {
        out.set("code", verdict.reason->code);
        out.set("message", verdict.reason->message);
    }
    out.set("confirmations", verdict.confirmations);
    out.set("height", verdict.height);
    if (verdict.block_hash != Hash256{}) {
        out.set("blockHash", bitcoin::to_display_hex(verdict.block_hash));
    }
    out.set("sats", sats_value(tip->payment().sats));
    return ok(out);
}

// [{txid, vout, sats}] of verified tips -> {sats (BigInt), payments}: each outpoint once.
val total_tips(val paid) {
    if (!paid.isArray()) return fail(make_error("wrong_type", "tips must be an array"));
    const size_t count = paid["length"].as<size_t>();
    if (count > kMaxTotalItems) return fail(make_error("too_large", "too many tips"));
    std::vector<tip::PaidOutput> list;
    list.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const val item = paid[i];
        if (!is_plain_object(item))
            return fail(make_error("wrong_type", "each tip is {txid, vout, sats}"));
        auto txid = display_hash_argument(item["txid"], "txid");
        if (!txid) return fail(txid.error());
        auto vout = uint32_argument(item["vout"], "vout");
        if (!vout) return fail(vout.error());
        auto sats = sats_argument(item["sats"], "sats", AmountRange::kMoney);
        if (!sats) return fail(sats.error());
        list.push_back({*txid, *vout, *sats});
    }
    const auto total = tip::total_tips(list);
    if (!total) return fail(make_error("amount_out_of_range", "the total passes 21,000,000 BTC"));
    val out = val::object();
    out.set("sats", sats_value(total->sats));
    out.set("payments", total->payments);
    return ok(out);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_tip) {
    emscripten::function("tipPayoutTemplate", &payout_template);
    emscripten::function("tipParsePayout", &parse_payout);
    emscripten::function("tipTemplate", &tip_template);
    emscripten::function("tipParse", &parse_tip);
    emscripten::function("tipCommitmentScript", &commitment_script);
    emscripten::function("tipVerify", &verify_tip);
    emscripten::function("tipTotal", &total_tips);
}

}  // namespace datt::wasm
