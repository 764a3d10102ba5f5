// core/channel's state machine for JavaScript (the browser's side of a channel to the hub),
// kept small: one entry point runs one machine input and returns the next state as its
// stored bytes (channel_state_codec.h), the frames to send (channel_frame.h, ready for the
// WebSocket) and the events as JSON text; channelInfo reads a stored state. The caller
// stores the state (IndexedDB) before sending the frames. Secrets never cross: the 32-byte
// channel seed comes in each call (ChannelSecrets::from_seed) and is wiped.
//
// This file depends on nothing else in wasm/ but convert.h: it is the third module,
// datt_channel.wasm, loaded by datt.loadChannels() (wasm/CMakeLists.txt).
//
// channelCall(op, state, seed, args, bytes): `state` is a Uint8Array (null for "open"),
// `args` JSON text, `bytes` a Uint8Array or null:
//   open      args {chain_hash (hex, internal order), temporary_channel_id (hex),
//             funding_sats, push_msat (decimal string), feerate_per_kw, dust_limit_sats,
//             max_htlc_value_in_flight_msat (string), channel_reserve_sats,
//             htlc_minimum_msat (string), to_self_delay, max_accepted_htlcs,
//             shutdown_script (hex), closing_min_fee_sats, closing_max_fee_sats}
//   accept    bytes: the hub's open_channel frame (answering our hub_open_request); args
//             {chain_hash, funding_sats (the amount asked: any other is refused),
//             minimum_depth, max_feerate_per_kw, max_to_self_delay, and open's
//             dust_limit_sats ... closing_max_fee_sats}: accept_channel; a nonzero push_msat
//             is refused. funding_created then comes through "receive" (funding_signed out).
//   funding   args {txid (hex, display order), vout}: funding_created
//   receive   bytes: one frame from the hub
//   ready     channel_ready
//   add       args {amount_msat (string), payment_hash (hex), cltv_expiry, block_height,
//             hop: {final (bool), channel_id (hex), amount_msat (string), cltv_expiry}}
//   fulfill   args {id (string), preimage (hex)}
//   fail      args {id (string), reason (text)}
//   sign      commitment_signed
//   shutdown  BOLT-2 shutdown to the script fixed at open (shutdown_script); the funder's
//             closing_signed follows once no update or HTLC is pending (the machine waits for
//             in-flight HTLCs to settle), then the `closed` event carries the signed tx
//   disconnected / connected   the link dropped / came back (our channel_reestablish)
//   attach    bytes: the hub's hub_challenge frame; frames: [channel_attach] (hub_attach.h),
//             to send before the channel_reestablish of "connected"; the state is unchanged
// Result value: {state: Uint8Array, frames: [Uint8Array], events: JSON text}. Events:
// funding_needed {script, sats}, funding_may_broadcast, operational, htlc_received {id,
// amount_msat, payment_hash, cltv_expiry, hop?}, htlc_fulfilled {id, preimage}, htlc_failed
// {id, reason}, remote_commitment_revoked {number}, updates_dropped {count, adds [{id,
// payment_hash, amount_msat}]: our unsigned updates a disconnect erased}, closed {tx (hex), txid (display
// order), outputs [{script, sats}]}: the closing transaction signed by both, to broadcast. msat
// amounts and ids are decimal strings (they pass 2^53).
// channelChallengeRequest(): the hub_challenge_request frame (67 bytes), to send once per
// connection before attaching stored channels. channelOpenRequest(sats): the
// hub_open_request frame (75 bytes) asking the hub to fund a channel of `sats` to us.
// A frame from the hub that is a warning/error comes back as the error
// {code: "hub_error", message: its data}; the state is unchanged then.
#include <emscripten/bind.h>

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "bitcoin/display_hash.h"
#include "bitcoin/tx.h"
#include "channel/channel_frame.h"
#include "channel/channel_machine.h"
#include "channel/channel_state_codec.h"
#include "channel/hop_payload.h"
#include "channel/hub_attach.h"
#include "channel/hub_fees.h"
#include "channel_args.h"
#include "channel_resolve.h"
#include "convert.h"

namespace datt::wasm {
namespace {

using nlohmann::json;
constexpr size_t kMaxArgsJson = 64 * 1024;
constexpr size_t kMaxState = 4 * 1024 * 1024;
constexpr size_t kMaxSpendTx = 100000;  // as the bridge's `spend` notification carries

// hop.receipt, if present: {target, payer, payer_sig, invoice} as datt.receipts.request()
// returns it (docs/protocol.md "Receipts"), checked to fit a 0xd3 payload (hop_receipt_*).
Result<std::optional<channel::HopReceiptRequest>> hop_receipt_argument(const json& hop) {
    const auto found = hop.find("receipt");
    if (found == hop.end() || found->is_null()) return std::optional<channel::HopReceiptRequest>{};
    if (!found->is_object()) return bad_args("hop.receipt must be an object");
    auto target = text_field(*found, "target");
    auto payer = text_field(*found, "payer");
    auto sig = text_field(*found, "payer_sig");
    auto invoice = text_field(*found, "invoice");
    if (!target) return target.error();
    if (!payer) return payer.error();
    if (!sig) return sig.error();
    if (!invoice) return invoice.error();
    auto target_bytes = hex_argument<32>(*target, "target");
    auto payer_bytes = hex_argument<32>(*payer, "payer");
    auto sig_bytes = hex_argument<64>(*sig, "payer_sig");
    if (!target_bytes) return target_bytes.error();
    if (!payer_bytes) return payer_bytes.error();
    if (!sig_bytes) return sig_bytes.error();
    channel::HopReceiptRequest request{*target_bytes, *payer_bytes, *sig_bytes, *invoice};
    if (auto fits = channel::check_hop_receipt_request(request); !fits) return fits.error();
    return std::optional<channel::HopReceiptRequest>(std::move(request));
}

// The agreed closing transaction, signed by both: what the caller broadcasts.
json closing_json(const bitcoin::Transaction& tx) {
    json outputs = json::array();
    for (const auto& out : tx.outputs) outputs.push_back({{"script", to_hex(out.script_pubkey)}, {"sats", out.value.value()}});
    return {{"tx", to_hex(bitcoin::serialize(tx))}, {"txid", bitcoin::to_display_hex(bitcoin::txid(tx))}, {"outputs", outputs}};
}

json closed_json(const bitcoin::Transaction& tx) {
    json out = closing_json(tx);
    out["type"] = "closed";
    return out;
}

json event_json(const channel::ChannelEvent& event) {
    return std::visit(
        [](const auto& e) -> json {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, channel::FundingNeeded>) {
                return {{"type", "funding_needed"}, {"script", to_hex(e.output.script_pubkey)},
                        {"sats", e.output.value.value()}};
            } else if constexpr (std::is_same_v<T, channel::FundingMayBroadcast>) {
                return {{"type", "funding_may_broadcast"}};
            } else if constexpr (std::is_same_v<T, channel::ChannelOperational>) {
                return {{"type", "operational"}};
            } else if constexpr (std::is_same_v<T, channel::HtlcReceived>) {
                json out = {{"type", "htlc_received"}, {"id", std::to_string(e.add.id)},
                            {"amount_msat", std::to_string(e.add.amount_msat.value())},
                            {"payment_hash", to_hex(e.add.payment_hash)}, {"cltv_expiry", e.add.cltv_expiry}};
                if (auto hop = channel::parse_hop_payload(e.add.onion_routing_packet)) {
                    out["hop"] = {{"final", hop->is_final}, {"channel_id", to_hex(hop->channel_id)},
                                  {"amount_msat", std::to_string(hop->amount.value())},
                                  {"cltv_expiry", hop->cltv_expiry}};
                }
                return out;
            } else if constexpr (std::is_same_v<T, channel::HtlcFulfilled>) {
                return {{"type", "htlc_fulfilled"}, {"id", std::to_string(e.id)}, {"preimage", to_hex(e.payment_preimage)}};
            } else if constexpr (std::is_same_v<T, channel::HtlcFailed>) {
                return {{"type", "htlc_failed"}, {"id", std::to_string(e.id)},
                        {"reason", std::string(e.reason.begin(), e.reason.end())}};
            } else if constexpr (std::is_same_v<T, channel::RemoteCommitmentRevoked>) {
                json out = {{"type", "remote_commitment_revoked"}, {"number", std::to_string(e.number)}};
                // With HTLCs, the justice tx needs them: the client stores this record.
                if (!e.spec.htlcs.empty()) out["record"] = revoked_json(e);
                return out;
            } else if constexpr (std::is_same_v<T, channel::UpdatesDropped>) {
                // The adds the disconnect erased: the caller's payments that never left (their
                // ids are taken again by the next adds).
                json adds = json::array();
                for (const channel::Update& update : e.updates) {
                    if (const auto* add = std::get_if<channel::UpdateAddHtlc>(&update)) {
                        adds.push_back({{"id", std::to_string(add->id)}, {"payment_hash", to_hex(add->payment_hash)},
                                        {"amount_msat", std::to_string(add->amount_msat.value())}});
                    }
                }
                return {{"type", "updates_dropped"}, {"count", e.updates.size()}, {"adds", std::move(adds)}};
            } else {
                return closed_json(e.closing_tx);
            }
        },
        event);
}

// The incoming HTLCs in both current commitments that we have not settled. After a
// reconnect they are reported again as htlc_received: a client that reloaded between
// storing an htlc_received and settling it, or whose unsigned fulfil or fail the disconnect
// dropped, settles them then (else the hub holds them until they expire, and the payee's
// sats go with them). The hub's own machine is not changed: it keeps its forwards.
std::vector<channel::ChannelEvent> unsettled_incoming(const channel::Channel& c) {
    std::vector<channel::ChannelEvent> out;
    if (!c.local_commit || !c.remote_commit) return out;
    const auto settled = [&](uint64_t id) {
        for (const auto* list : {&c.local_proposed, &c.local_signed, &c.local_acked}) {
            for (const channel::Update& u : *list) {
                if (const auto* f = std::get_if<channel::UpdateFulfillHtlc>(&u); f && f->id == id) return true;
                if (const auto* f = std::get_if<channel::UpdateFailHtlc>(&u); f && f->id == id) return true;
            }
        }
        return false;
    };
    const auto in_remote = [&](uint64_t id) {
        for (const channel::HtlcEntry& h : c.remote_commit->spec.htlcs) {
            if (h.direction == channel::HtlcDirection::kOffered && h.id == id) return true;
        }
        return false;
    };
    for (const channel::HtlcEntry& h : c.local_commit->spec.htlcs) {
        if (h.direction != channel::HtlcDirection::kReceived || !in_remote(h.id) || settled(h.id)) continue;
        channel::UpdateAddHtlc add;
        add.channel_id = c.channel_id;
        add.id = h.id;
        add.amount_msat = h.amount;
        add.payment_hash = h.payment_hash;
        add.cltv_expiry = h.cltv_expiry;
        out.push_back(channel::HtlcReceived{std::move(add)});
    }
    return out;
}

// What open and accept share: our channel config, shutdown script and closing fee range.
struct OwnTerms {
    channel::ChannelConfig config;
    Bytes shutdown_script;
    channel::ClosingFeeRange closing_fees;
};

Result<OwnTerms> own_terms(const json& args) {
    auto dust = field<int64_t>(args, "dust_limit_sats");
    auto in_flight = u64_field(args, "max_htlc_value_in_flight_msat");
    auto reserve = field<int64_t>(args, "channel_reserve_sats");
    auto minimum = u64_field(args, "htlc_minimum_msat");
    auto delay = field<uint16_t>(args, "to_self_delay");
    auto accepted = field<uint16_t>(args, "max_accepted_htlcs");
    auto script = field<std::string>(args, "shutdown_script");
    auto min_fee = field<int64_t>(args, "closing_min_fee_sats");
    auto max_fee = field<int64_t>(args, "closing_max_fee_sats");
    for (const Error* e : {dust ? nullptr : &dust.error(),
                           in_flight ? nullptr : &in_flight.error(), reserve ? nullptr : &reserve.error(),
                           minimum ? nullptr : &minimum.error(), delay ? nullptr : &delay.error(),
                           accepted ? nullptr : &accepted.error(), script ? nullptr : &script.error(),
                           min_fee ? nullptr : &min_fee.error(), max_fee ? nullptr : &max_fee.error()}) {
        if (e) return *e;
    }
    auto script_bytes = from_hex(*script);
    if (!script_bytes) return script_bytes.error();
    return OwnTerms{channel::ChannelConfig{bitcoin::Sats{*dust}, bitcoin::Msats{*in_flight}, bitcoin::Sats{*reserve},
                                           bitcoin::Msats{*minimum}, *delay, *accepted},
                    *script_bytes, channel::ClosingFeeRange{bitcoin::Sats{*min_fee}, bitcoin::Sats{*max_fee}}};
}

Result<channel::Step> run(const std::string& op, const std::optional<channel::Channel>& state,
                          const channel::ChannelSecrets& secrets, const json& args, const Bytes& bytes) {
    if (op == "open" || op == "accept") {
        auto terms = own_terms(args);
        auto chain = hex32_field(args, "chain_hash");
        auto funding = field<int64_t>(args, "funding_sats");
        if (!terms) return terms.error();
        if (!chain) return chain.error();
        if (!funding) return funding.error();
        if (op == "accept") {  // the hub funds: exactly the amount asked for, nothing pushed
            auto depth = field<uint32_t>(args, "minimum_depth");
            auto feerate = field<uint32_t>(args, "max_feerate_per_kw");
            auto delay = field<uint16_t>(args, "max_to_self_delay");
            if (!depth) return depth.error();
            if (!feerate) return feerate.error();
            if (!delay) return delay.error();
            auto frame = channel::parse_frame(bytes);
            if (!frame) return frame.error();
            const auto* open = std::get_if<channel::OpenChannel>(&frame->message());
            if (!open) return bad_args("accept needs the hub's open_channel frame");
            if (open->push_msat.value() != 0) return bad_args("the hub pushed an amount: refused");
            channel::AcceptPolicy policy{*chain,         terms->config, *depth,
                                         bitcoin::Sats{*funding}, bitcoin::Sats{*funding},
                                         channel::kFloorFeeratePerKw, *feerate, *delay,
                                         terms->shutdown_script, terms->closing_fees};
            return channel::accept_channel(secrets, policy, *open);
        }
        auto temp = hex32_field(args, "temporary_channel_id");
        auto push = u64_field(args, "push_msat");
        auto feerate = field<uint32_t>(args, "feerate_per_kw");
        if (!temp) return temp.error();
        if (!push) return push.error();
        if (!feerate) return feerate.error();
        channel::OpenParams params{*chain,         *temp, bitcoin::Sats{*funding}, bitcoin::Msats{*push}, *feerate,
                                   terms->config, terms->shutdown_script, terms->closing_fees};
        return channel::open_channel(secrets, params);
    }
    if (!state) return bad_args("a state is needed");
    const channel::Channel& c = *state;
    if (op == "funding") {
        auto txid = field<std::string>(args, "txid");
        auto vout = field<uint32_t>(args, "vout");
        if (!txid) return txid.error();
        if (!vout) return vout.error();
        auto hash = bitcoin::from_display_hex(*txid);
        if (!hash) return hash.error();
        return channel::funding_created(c, secrets, bitcoin::OutPoint{*hash, *vout});
    }
    if (op == "receive") {
        auto frame = channel::parse_frame(bytes);
        if (!frame) return frame.error();
        if (const auto* error = std::get_if<channel::ErrorMessage>(&frame->message())) {
            return make_error("hub_error", std::string(error->data.begin(), error->data.end()));
        }
        return channel::receive(c, secrets, frame->message());
    }
    if (op == "attach") {
        auto frame = channel::parse_frame(bytes);
        if (!frame) return frame.error();
        const auto* challenge = std::get_if<channel::HubChallenge>(&frame->message());
        if (!challenge) return bad_args("attach needs the hub's hub_challenge frame");
        auto attach = channel::make_channel_attach(c, secrets, challenge->challenge);
        if (!attach) return attach.error();
        return channel::Step{c, {channel::Message{std::move(*attach)}}, {}};
    }
    if (op == "ready") return channel::send_channel_ready(c, secrets);
    if (op == "sign") return channel::sign_commitment(c, secrets);
    if (op == "shutdown") return channel::shutdown(c, secrets);
    if (op == "disconnected") return channel::peer_disconnected(c);
    if (op == "connected") return channel::peer_connected(c, secrets);
    if (op == "add") {
        auto amount = u64_field(args, "amount_msat");
        auto hash = hex32_field(args, "payment_hash");
        auto cltv = field<uint32_t>(args, "cltv_expiry");
        auto height = field<uint32_t>(args, "block_height");
        auto hop = field<json>(args, "hop");
        if (!amount) return amount.error();
        if (!hash) return hash.error();
        if (!cltv) return cltv.error();
        if (!height) return height.error();
        if (!hop) return hop.error();
        auto is_final = field<bool>(*hop, "final");
        auto hop_channel = hex32_field(*hop, "channel_id");
        auto hop_amount = u64_field(*hop, "amount_msat");
        auto hop_cltv = field<uint32_t>(*hop, "cltv_expiry");
        if (!is_final) return is_final.error();
        if (!hop_channel) return hop_channel.error();
        if (!hop_amount) return hop_amount.error();
        if (!hop_cltv) return hop_cltv.error();
        auto receipt = hop_receipt_argument(*hop);  // hop.receipt: a 0xd3 forward
        if (!receipt) return receipt.error();
        if (*is_final && *receipt) return bad_args("a final hop carries no receipt request");
        const auto onion = channel::serialize_hop_payload(
            {*is_final, *hop_channel, bitcoin::Msats{*hop_amount}, *hop_cltv, std::move(*receipt)});
        return channel::add_htlc(c, bitcoin::Msats{*amount}, *hash, *cltv, onion, *height);
    }
    if (op == "fulfill") {
        auto id = u64_field(args, "id");
        auto preimage = hex32_field(args, "preimage");
        if (!id) return id.error();
        if (!preimage) return preimage.error();
        return channel::fulfill_htlc(c, *id, *preimage);
    }
    if (op == "fail") {
        auto id = u64_field(args, "id");
        auto reason = field<std::string>(args, "reason");
        if (!id) return id.error();
        if (!reason) return reason.error();
        return channel::fail_htlc(c, *id, Bytes(reason->begin(), reason->end()));
    }
    return bad_args("unknown op " + op);
}

Result<channel::ChannelSecrets> secrets_argument(const val& seed) {
    auto seed_bytes = fixed_bytes_argument<32>(seed, "seed");
    if (!seed_bytes) return seed_bytes.error();
    auto secrets = channel::ChannelSecrets::from_seed(*seed_bytes);
    seed_bytes->fill(0);
    return secrets;
}

Result<std::optional<channel::Channel>> state_argument(const val& state) {
    if (is_absent(state)) return std::optional<channel::Channel>{};
    auto stored = bytes_argument(state, "state", kMaxState);
    if (!stored) return stored.error();
    auto parsed = channel::parse_channel_state(*stored);
    if (!parsed) return parsed.error();
    return std::optional<channel::Channel>(std::move(*parsed));
}

Result<json> args_argument(const val& args) {
    if (is_absent(args)) return json::object();
    auto text = text_argument(args, "args");
    if (!text) return text.error();
    if (text->size() > kMaxArgsJson) return make_error("too_large", "args over 64 KiB");
    json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return bad_args("args must be a JSON object");
    return parsed;
}

val channel_call(val op, val state, val seed, val args, val bytes) {
    if (!op.isString()) return fail(make_error("wrong_type", "op must be a string"));
    const std::string name = op.as<std::string>();
    auto secrets = secrets_argument(seed);
    if (!secrets) return fail(secrets.error());
    auto current = state_argument(state);
    if (!current) return fail(current.error());
    auto parsed_args = args_argument(args);
    if (!parsed_args) return fail(parsed_args.error());
    Bytes frame;
    if (!is_absent(bytes)) {
        auto got = bytes_argument(bytes, "bytes", channel::kMaxFrameSize);
        if (!got) return fail(got.error());
        frame = std::move(*got);
    }
    auto step = run(name, *current, *secrets, *parsed_args, frame);
    if (!step) return fail(step.error());
    if (name == "receive" && *current && (*current)->link != channel::LinkState::kConnected &&
        step->channel.link == channel::LinkState::kConnected && step->channel.phase == channel::ChannelPhase::kOpen) {
        for (auto& event : unsettled_incoming(step->channel)) step->events.push_back(std::move(event));
    }
    val frames = val::array();
    for (const channel::Message& m : step->to_send) frames.call<void>("push", bytes_value(channel::frame_bytes(m)));
    json events = json::array();
    for (const auto& e : step->events) events.push_back(event_json(e));
    val out = val::object();
    out.set("state", bytes_value(channel::serialize_channel_state(step->channel)));
    out.set("frames", frames);
    out.set("events", val(events.dump(-1, ' ', false, json::error_handler_t::replace)));
    return ok(out);
}

// JSON text of channel_resolve.h's resolve_spend for the transaction `tx` (Uint8Array, at
// most kMaxSpendTx bytes) seen spending the channel's funding output.
val channel_resolve(val state, val seed, val args, val tx) {
    auto secrets = secrets_argument(seed);
    if (!secrets) return fail(secrets.error());
    auto current = state_argument(state);
    if (!current) return fail(current.error());
    if (!*current) return fail(bad_args("a state is needed"));
    auto parsed_args = args_argument(args);
    if (!parsed_args) return fail(parsed_args.error());
    auto raw = bytes_argument(tx, "tx", kMaxSpendTx);
    if (!raw) return fail(raw.error());
    auto spend = bitcoin::parse_transaction(*raw);
    if (!spend) return fail(spend.error());
    auto resolved = resolve_spend(**current, *secrets, *parsed_args, *spend);
    if (!resolved) return fail(resolved.error());
    return ok(val(resolved->dump()));
}

val channel_challenge_request() {
    return ok(bytes_value(channel::frame_bytes(channel::HubChallengeRequest{})));
}

// The hub_open_request frame asking the hub to fund a channel of `sats` to us.
val channel_open_request(val sats) {
    auto amount = safe_integer_argument(sats, "sats");
    if (!amount) return fail(amount.error());
    if (*amount <= 0) return fail(make_error("wrong_type", "sats must be positive"));
    return ok(bytes_value(channel::frame_bytes(channel::HubOpenRequest{{}, bitcoin::Sats{*amount}, {}})));
}

// The payment hashes of every HTLC the channel still holds: in either commitment or in an
// add not yet in both (the web app keeps an invoice's preimage while its hash is here).
json htlc_hashes(const channel::Channel& c) {
    std::vector<std::string> hashes;
    const auto note = [&](const Hash256& h) {
        std::string text = to_hex(h);
        if (std::find(hashes.begin(), hashes.end(), text) == hashes.end()) hashes.push_back(std::move(text));
    };
    for (const auto* commit : {c.local_commit ? &c.local_commit->spec : nullptr,
                               c.remote_commit ? &c.remote_commit->spec : nullptr}) {
        if (commit) for (const channel::HtlcEntry& h : commit->htlcs) note(h.payment_hash);
    }
    for (const auto* list : {&c.local_proposed, &c.local_signed, &c.local_acked, &c.remote_proposed, &c.remote_acked,
                             &c.remote_signed}) {
        for (const channel::Update& u : *list) {
            if (const auto* add = std::get_if<channel::UpdateAddHtlc>(&u)) note(add->payment_hash);
        }
    }
    return hashes;
}

// JSON text: {phase, link, channel_id, funder, to_local_msat, to_remote_msat, htlcs,
// htlc_hashes, can_update, has_changes_to_sign, shutdown_sent, remote_shutdown, shutdown_script} of a
// stored state; once funded {funding_txid, funding_vout, funding_sats, peer_to_self_delay};
// while negotiating closing_fee_sats (our last proposal); once closed closing {tx, txid,
// outputs} (as the `closed` event).
val channel_info(val state) {
    auto stored = bytes_argument(state, "state", kMaxState);
    if (!stored) return fail(stored.error());
    auto c = channel::parse_channel_state(*stored);
    if (!c) return fail(c.error());
    json out = {{"phase", static_cast<int>(c->phase)},
                {"link", static_cast<int>(c->link)},
                {"channel_id", to_hex(c->channel_id)},
                {"funder", c->we_are_funder},
                {"can_update", channel::can_update(*c)},
                {"has_changes_to_sign", channel::has_changes_to_sign(*c)}};
    out["shutdown_sent"] = c->shutdown_sent;
    out["htlc_hashes"] = htlc_hashes(*c);
    out["remote_shutdown"] = c->remote_shutdown_script.has_value();
    out["shutdown_script"] = to_hex(c->local_shutdown_script);
    if (c->phase == channel::ChannelPhase::kOpen || c->phase == channel::ChannelPhase::kClosed) {
        out["funding_txid"] = bitcoin::to_display_hex(c->funding_outpoint.txid);
        out["funding_vout"] = c->funding_outpoint.index;
        out["funding_sats"] = c->funding_amount.value();
        // How long the peer's to_local waits on its commitment (we asked for it at open): the
        // time we have to see a revoked commitment of the peer and punish it.
        out["peer_to_self_delay"] = c->local_config.to_self_delay;
    }
    if (c->last_sent_closing_fee) out["closing_fee_sats"] = c->last_sent_closing_fee->value();
    if (c->closing_tx) out["closing"] = closing_json(*c->closing_tx);
    if (const auto* spec = channel::current_local_spec(*c)) {
        out["to_local_msat"] = std::to_string(spec->to_local.value());
        out["to_remote_msat"] = std::to_string(spec->to_remote.value());
        out["htlcs"] = spec->htlcs.size();
    }
    return ok(val(out.dump()));
}

// The amount to send the hub so that the payee gets `amount` (decimal strings).
val hub_amount_with_fee(val base_msat, val ppm, val amount_msat) {
    if (!base_msat.isString() || !amount_msat.isString()) return fail(make_error("wrong_type", "amounts are decimal strings"));
    auto fees_ppm = safe_integer_argument(ppm, "ppm");
    if (!fees_ppm || *fees_ppm < 0 || *fees_ppm > UINT32_MAX) return fail(make_error("wrong_type", "ppm must be a u32"));
    const json args = {{"b", base_msat.as<std::string>()}, {"a", amount_msat.as<std::string>()}};
    auto base = u64_field(args, "b");
    auto amount = u64_field(args, "a");
    if (!base) return fail(base.error());
    if (!amount) return fail(amount.error());
    auto total = channel::amount_with_fee({bitcoin::Msats{*base}, static_cast<uint32_t>(*fees_ppm)}, bitcoin::Msats{*amount});
    if (!total) return fail(total.error());
    return ok(val(std::to_string(total->value())));
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_channel) {
    emscripten::function("channelCall", &channel_call);
    emscripten::function("channelInfo", &channel_info);
    emscripten::function("channelResolve", &channel_resolve);
    emscripten::function("channelChallengeRequest", &channel_challenge_request);
    emscripten::function("channelOpenRequest", &channel_open_request);
    emscripten::function("hubAmountWithFee", &hub_amount_with_fee);
}

}  // namespace datt::wasm
