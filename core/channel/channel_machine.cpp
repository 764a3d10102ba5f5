#include "channel/channel_machine.h"

#include <algorithm>

#include "bitcoin/script_templates.h"
#include "channel/channel_commitments.h"
#include "channel/channel_signatures.h"
#include "channel/closing_tx.h"
#include "channel/commitment_number.h"
#include "channel/htlc_tx.h"
#include "channel/key_derivation.h"
#include "channel/per_commitment_secret.h"
#include "crypto/sha256.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::channel {
namespace {

using bitcoin::Msats;
using bitcoin::Sats;

// BOLT-2 bounds.
constexpr uint16_t kMaxAcceptedHtlcsLimit = 483;
constexpr Sats kMinDustLimit{354};
constexpr uint32_t kMaxCltvExpiry = 500'000'000;

#define CHANNEL_TRY(var, expr)                 \
    auto var##_result = (expr);                \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

#define CHANNEL_CHECK(expr)                 \
    do {                                    \
        auto check_result_ = (expr);        \
        if (!check_result_) return check_result_.error(); \
    } while (0)

Error fail(const char* code, const char* message) { return make_error(code, message); }

// ---------------------------------------------------------------------------------------
// Keys and commitments.

// Our signatures of the remote's commitment `number` (commitment_signed's fields).
Result<CommitmentSigned> sign_remote_commitment(const Channel& c, const ChannelSecrets& secrets,
                                                const crypto::PubKey& point, uint64_t number,
                                                const BalanceSpec& balances) {
    CHANNEL_TRY(spec, remote_commitment_spec(c, secrets, point, number, balances));
    CHANNEL_TRY(tx, build_commitment_tx(spec));
    const bitcoin::Script script = funding_script(c);
    const crypto::EcdsaSignature signature =
        sign_commitment(tx, script, c.funding_amount, secrets.funding_key);
    CHANNEL_TRY(htlc_txs, build_htlc_txs(tx, spec));
    std::vector<crypto::EcdsaSignature> htlc_signatures;
    htlc_signatures.reserve(htlc_txs.size());
    if (!htlc_txs.empty()) {  // no key to derive when every HTLC is trimmed
        CHANNEL_TRY(htlc_key, derive_privkey(secrets.htlc_basepoint_secret,
                                             c.local_basepoints.htlc, point));
        for (const HtlcTx& h : htlc_txs) htlc_signatures.push_back(sign_htlc_tx(h, htlc_key));
    }
    return CommitmentSigned{c.channel_id, signature, std::move(htlc_signatures), {}};
}

// Our point for local_commit->number + 1 (what our last revoke_and_ack or channel_ready
// sent): kept in the channel so it is computed once; states stored before it was kept lack
// it, and then it is computed again.
Result<crypto::PubKey> next_local_point(const Channel& c, const ChannelSecrets& secrets) {
    if (c.local_next_point) return *c.local_next_point;
    return local_point(secrets, c.local_commit->number + 1);
}

// The remote's signatures of our commitment `number`, whose secret is `secret` and point
// `point`.
Status verify_local_commitment(const Channel& c, const ChannelSecrets& secrets, uint64_t number,
                               const Hash256& secret, const crypto::PubKey& point,
                               const BalanceSpec& balances, const crypto::EcdsaSignature& signature,
                               const std::vector<crypto::EcdsaSignature>& htlc_signatures) {
    CHANNEL_TRY(spec, local_commitment_spec(c, secrets, secret, point, number, balances));
    CHANNEL_TRY(tx, build_commitment_tx(spec));
    if (!verify_commitment_signature(tx, funding_script(c), c.funding_amount,
                                     *c.remote_funding_pubkey, signature)) {
        return fail("channel_bad_signature", "the commitment signature does not verify");
    }
    CHANNEL_TRY(htlc_txs, build_htlc_txs(tx, spec));
    if (htlc_txs.size() != htlc_signatures.size()) {
        return fail("channel_wrong_htlc_signature_count",
                    "one HTLC signature per untrimmed HTLC output is required");
    }
    for (size_t i = 0; i < htlc_txs.size(); ++i) {
        if (!verify_htlc_signature(htlc_txs[i], spec.htlc_keys->remote_htlc, htlc_signatures[i])) {
            return fail("channel_bad_htlc_signature", "an HTLC signature does not verify");
        }
    }
    return Ok{};
}

// ---------------------------------------------------------------------------------------
// Balances.

const UpdateAddHtlc* as_add(const Update& u) { return std::get_if<UpdateAddHtlc>(&u); }

uint64_t settled_id(const Update& u) {
    if (const auto* f = std::get_if<UpdateFulfillHtlc>(&u)) return f->id;
    return std::get<UpdateFailHtlc>(u).id;
}

Status credit(Msats& balance, Msats amount) {
    const auto sum = balance.checked_add(amount);
    if (!sum) return fail("channel_balance_mismatch", "a balance overflows");
    balance = *sum;
    return Ok{};
}

// Removes the HTLC of `direction` and `id` from `spec`, returning its amount.
Result<Msats> take_htlc(BalanceSpec& spec, HtlcDirection direction, uint64_t id) {
    for (auto it = spec.htlcs.begin(); it != spec.htlcs.end(); ++it) {
        if (it->direction == direction && it->id == id) {
            const Msats amount = it->amount;
            spec.htlcs.erase(it);
            return amount;
        }
    }
    return fail("channel_unknown_htlc", "no such HTLC in the commitment");
}

// The commitment after `owner_updates` (sent by the commitment's owner) and `other_updates`.
Result<BalanceSpec> reduce(const BalanceSpec& base, const std::vector<Update>& owner_updates,
                           const std::vector<Update>& other_updates) {
    BalanceSpec spec = base;
    for (const Update& u : owner_updates) {
        if (const auto* add = as_add(u)) {
            const auto rest = spec.to_local.checked_sub(add->amount_msat);
            if (!rest) return fail("channel_insufficient_funds", "the sender cannot pay the HTLC");
            spec.to_local = *rest;
            spec.htlcs.push_back(HtlcEntry{HtlcDirection::kOffered, add->id, add->amount_msat,
                                           add->payment_hash, add->cltv_expiry});
        }
    }
    for (const Update& u : other_updates) {
        if (const auto* add = as_add(u)) {
            const auto rest = spec.to_remote.checked_sub(add->amount_msat);
            if (!rest) return fail("channel_insufficient_funds", "the sender cannot pay the HTLC");
            spec.to_remote = *rest;
            spec.htlcs.push_back(HtlcEntry{HtlcDirection::kReceived, add->id, add->amount_msat,
                                           add->payment_hash, add->cltv_expiry});
        }
    }
    for (const Update& u : owner_updates) {
        if (as_add(u)) continue;
        CHANNEL_TRY(amount, take_htlc(spec, HtlcDirection::kReceived, settled_id(u)));
        const bool fulfilled = std::holds_alternative<UpdateFulfillHtlc>(u);
        CHANNEL_CHECK(credit(fulfilled ? spec.to_local : spec.to_remote, amount));
    }
    for (const Update& u : other_updates) {
        if (as_add(u)) continue;
        CHANNEL_TRY(amount, take_htlc(spec, HtlcDirection::kOffered, settled_id(u)));
        const bool fulfilled = std::holds_alternative<UpdateFulfillHtlc>(u);
        CHANNEL_CHECK(credit(fulfilled ? spec.to_remote : spec.to_local, amount));
    }
    return spec;
}

// BOLT-2's limits on the HTLCs a commitment's owner receives: `spec` is the receiver's
// commitment, `receiver` its announced config, `receiver_dust` its dust limit.
Status check_received_htlcs(const BalanceSpec& spec, const ChannelConfig& receiver,
                            bool sender_is_funder, uint32_t feerate_per_kw) {
    size_t count = 0;
    Msats in_flight{0};
    size_t untrimmed = 0;
    for (const HtlcEntry& h : spec.htlcs) {
        if (!is_htlc_trimmed(h.direction, h.amount, feerate_per_kw, receiver.dust_limit)) {
            ++untrimmed;
        }
        if (h.direction != HtlcDirection::kReceived) continue;
        ++count;
        const auto sum = in_flight.checked_add(h.amount);
        if (!sum) return fail("channel_htlc_in_flight_too_high", "HTLC amounts overflow");
        in_flight = *sum;
    }
    if (count > receiver.max_accepted_htlcs) {
        return fail("channel_too_many_htlcs", "more HTLCs than max_accepted_htlcs");
    }
    if (in_flight > receiver.max_htlc_value_in_flight) {
        return fail("channel_htlc_in_flight_too_high", "over max_htlc_value_in_flight_msat");
    }
    auto need = bitcoin::to_msats(receiver.channel_reserve);
    if (!need) return fail("channel_insufficient_funds", "the reserve is out of range");
    if (sender_is_funder) {
        const auto fee = bitcoin::to_msats(commitment_base_fee(feerate_per_kw, untrimmed));
        const auto total = fee ? need->checked_add(*fee) : std::nullopt;
        if (!total) return fail("channel_insufficient_funds", "the fee is out of range");
        need = total;
    }
    if (spec.to_remote < *need) {
        return fail("channel_insufficient_funds",
                    "the sender would go below its reserve or could not pay the fee");
    }
    return Ok{};
}

// ---------------------------------------------------------------------------------------
// Phases and lookups.

bool operational(const Channel& c) {
    return c.phase == ChannelPhase::kOpen && c.channel_ready_sent && c.channel_ready_received;
}

Status require_updates_allowed(const Channel& c) {
    if (!operational(c)) return fail("channel_wrong_phase", "the channel is not operational");
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    return Ok{};
}

bool htlc_in(const BalanceSpec& spec, HtlcDirection direction, uint64_t id,
             const HtlcEntry** found = nullptr) {
    for (const HtlcEntry& h : spec.htlcs) {
        if (h.direction == direction && h.id == id) {
            if (found) *found = &h;
            return true;
        }
    }
    return false;
}

bool settles(const std::vector<Update>& updates, uint64_t id) {
    return std::any_of(updates.begin(), updates.end(),
                       [&](const Update& u) { return !as_add(u) && settled_id(u) == id; });
}

// An HTLC in both current commitments: offered by `offerer_is_local`'s side.
Result<HtlcEntry> cross_signed_htlc(const Channel& c, bool offered_by_us, uint64_t id) {
    const HtlcEntry* in_local = nullptr;
    const HtlcDirection local_dir = offered_by_us ? HtlcDirection::kOffered : HtlcDirection::kReceived;
    const HtlcDirection remote_dir = offered_by_us ? HtlcDirection::kReceived : HtlcDirection::kOffered;
    if (!htlc_in(c.local_commit->spec, local_dir, id, &in_local) ||
        !htlc_in(c.remote_commit->spec, remote_dir, id)) {
        return fail("channel_unknown_htlc", "the HTLC is not committed on both sides");
    }
    return *in_local;
}

Status check_channel_id(const Channel& c, const ChannelId& id) {
    if (id != c.channel_id) return fail("channel_wrong_channel_id", "a message for another channel");
    return Ok{};
}

bool is_standard_shutdown_script(const Bytes& script) {
    return bitcoin::match_p2wpkh(script) || bitcoin::match_p2wsh(script) ||
           bitcoin::match_p2pkh(script) || bitcoin::match_p2sh(script);
}

Step step_of(const Channel& c) { return Step{c, {}, {}}; }

// ---------------------------------------------------------------------------------------
// Cooperative close.

Result<bitcoin::Transaction> closing_tx_for(const Channel& c, Sats fee) {
    const BalanceSpec& spec = c.local_commit->spec;
    return build_closing_tx(ClosingTxSpec{
        .funding_outpoint = c.funding_outpoint,
        .funder = c.we_are_funder ? Side::kLocal : Side::kRemote,
        .local_balance = spec.to_local,
        .remote_balance = spec.to_remote,
        .local_script = c.local_shutdown_script,
        .remote_script = *c.remote_shutdown_script,
        .dust_limit = std::max(c.local_config.dust_limit, c.remote_config.dust_limit),
        .fee = fee});
}

bool ready_to_close(const Channel& c) {
    return c.phase == ChannelPhase::kOpen && c.shutdown_sent && c.remote_shutdown_script &&
           c.local_proposed.empty() && c.local_signed.empty() && c.local_acked.empty() &&
           c.remote_proposed.empty() && c.remote_acked.empty() && c.remote_signed.empty() &&
           !c.remote_next_commit && c.local_commit->spec.htlcs.empty() &&
           c.remote_commit->spec.htlcs.empty() && c.link == LinkState::kConnected;
}

Bytes fee_range_tlv(const ClosingFeeRange& range) {
    ByteWriter w;
    w.write_u64_be(static_cast<uint64_t>(range.min_fee.value()));
    w.write_u64_be(static_cast<uint64_t>(range.max_fee.value()));
    return std::move(w).take();
}

Result<ClosingSigned> make_closing_signed(const Channel& c, const ChannelSecrets& secrets,
                                          Sats fee) {
    CHANNEL_TRY(tx, closing_tx_for(c, fee));
    ClosingSigned msg{c.channel_id, fee,
                      sign_funding_spend(tx, funding_script(c), c.funding_amount,
                                         secrets.funding_key),
                      {}};
    msg.tlvs.set(tlv::kFeeRange, fee_range_tlv(c.local_closing_fees));
    return msg;
}

// The funder opens the fee negotiation once nothing is pending.
Status maybe_start_closing(Step& step, const ChannelSecrets& secrets) {
    Channel& c = step.channel;
    if (!ready_to_close(c) || !c.we_are_funder || c.last_sent_closing_fee) return Ok{};
    const Sats fee{(c.local_closing_fees.min_fee.value() + c.local_closing_fees.max_fee.value()) /
                   2};
    CHANNEL_TRY(msg, make_closing_signed(c, secrets, fee));
    c.last_sent_closing_fee = fee;
    step.to_send.push_back(std::move(msg));
    return Ok{};
}

Result<Step> finish_close(Step step, const ChannelSecrets& secrets, Sats fee,
                          const crypto::EcdsaSignature& remote_signature, bool send_ours) {
    Channel& c = step.channel;
    CHANNEL_TRY(tx, closing_tx_for(c, fee));
    const crypto::EcdsaSignature ours =
        sign_funding_spend(tx, funding_script(c), c.funding_amount, secrets.funding_key);
    if (send_ours) {
        CHANNEL_TRY(msg, make_closing_signed(c, secrets, fee));
        step.to_send.push_back(std::move(msg));
    }
    CommitmentTx wrapper{tx, {}, Sats{0}};
    bitcoin::Transaction signed_tx =
        signed_commitment_tx(wrapper, funding_script(c), c.local_funding_pubkey, ours,
                             *c.remote_funding_pubkey, remote_signature);
    c.closing_tx = signed_tx;
    c.last_sent_closing_fee = fee;  // retransmitted after a reconnect
    c.phase = ChannelPhase::kClosed;
    step.events.push_back(ChannelClosed{std::move(signed_tx)});
    return step;
}

// ---------------------------------------------------------------------------------------
// Message handlers.

Status check_peer_config(const ChannelConfig& theirs, const ChannelConfig& ours,
                         Sats funding_amount) {
    if (theirs.max_accepted_htlcs > kMaxAcceptedHtlcsLimit || theirs.max_accepted_htlcs == 0) {
        return fail("channel_bad_open_params", "max_accepted_htlcs must be 1..483");
    }
    if (theirs.dust_limit < kMinDustLimit) {
        return fail("channel_bad_open_params", "dust_limit_satoshis below 354");
    }
    if (theirs.channel_reserve < ours.dust_limit || ours.channel_reserve < theirs.dust_limit) {
        return fail("channel_bad_open_params", "a channel reserve is below a dust limit");
    }
    if (theirs.channel_reserve > funding_amount || theirs.dust_limit > funding_amount) {
        return fail("channel_bad_open_params", "the reserve or dust limit exceed the funding");
    }
    if (theirs.to_self_delay > 2016) {
        return fail("channel_bad_open_params", "to_self_delay over 2016 blocks");
    }
    return Ok{};
}

ChannelConfig config_of(const OpenChannel& m) {
    return ChannelConfig{m.dust_limit_satoshis, m.max_htlc_value_in_flight_msat,
                         m.channel_reserve_satoshis, m.htlc_minimum_msat, m.to_self_delay,
                         m.max_accepted_htlcs};
}

ChannelConfig config_of(const AcceptChannel& m) {
    return ChannelConfig{m.dust_limit_satoshis, m.max_htlc_value_in_flight_msat,
                         m.channel_reserve_satoshis, m.htlc_minimum_msat, m.to_self_delay,
                         m.max_accepted_htlcs};
}

Result<Step> on_accept(const Channel& c, const AcceptChannel& m) {
    if (c.phase != ChannelPhase::kAwaitingAccept) {
        return fail("channel_wrong_phase", "accept_channel was not expected");
    }
    if (m.temporary_channel_id != c.temporary_channel_id) {
        return fail("channel_wrong_channel_id", "accept_channel for another channel");
    }
    const ChannelConfig theirs = config_of(m);
    CHANNEL_CHECK(check_peer_config(theirs, c.local_config, c.funding_amount));
    if (m.minimum_depth > 144) {
        return fail("channel_bad_open_params", "minimum_depth over 144 blocks");
    }
    Step step = step_of(c);
    Channel& n = step.channel;
    n.remote_config = theirs;
    n.minimum_depth = m.minimum_depth;
    n.remote_basepoints = ChannelBasepoints{m.revocation_basepoint, m.payment_basepoint,
                                           m.delayed_payment_basepoint, m.htlc_basepoint};
    n.remote_funding_pubkey = m.funding_pubkey;
    n.remote_next_point = m.first_per_commitment_point;
    n.obscuring_factor = commitment_obscuring_factor(n.local_basepoints.payment,
                                                     n.remote_basepoints->payment);
    n.phase = ChannelPhase::kAwaitingFundingOutpoint;
    step.events.push_back(FundingNeeded{
        funding_output(n.funding_amount, n.local_funding_pubkey, *n.remote_funding_pubkey)});
    return step;
}

// Both first commitments: the funder's view first.
BalanceSpec initial_spec(const Channel& c) {
    const Msats total = *bitcoin::to_msats(c.funding_amount);
    const Msats funder = *total.checked_sub(c.push_amount);
    if (c.we_are_funder) return BalanceSpec{funder, c.push_amount, {}};
    return BalanceSpec{c.push_amount, funder, {}};
}

BalanceSpec mirrored(const BalanceSpec& spec) {
    BalanceSpec out{spec.to_remote, spec.to_local, spec.htlcs};
    for (HtlcEntry& h : out.htlcs) {
        h.direction = h.direction == HtlcDirection::kOffered ? HtlcDirection::kReceived
                                                             : HtlcDirection::kOffered;
    }
    return out;
}

Result<Step> on_funding_created(const Channel& c, const ChannelSecrets& secrets,
                                const FundingCreated& m) {
    if (c.phase != ChannelPhase::kAwaitingFundingCreated) {
        return fail("channel_wrong_phase", "funding_created was not expected");
    }
    if (m.temporary_channel_id != c.temporary_channel_id) {
        return fail("channel_wrong_channel_id", "funding_created for another channel");
    }
    Step step = step_of(c);
    Channel& n = step.channel;
    n.funding_outpoint = bitcoin::OutPoint{m.funding_txid, m.funding_output_index};
    n.channel_id = channel_id_of(n.funding_outpoint);
    const BalanceSpec local = initial_spec(n);
    CHANNEL_TRY(first_secret, local_secret(secrets, 0));
    CHANNEL_TRY(first_point, per_commitment_point(first_secret));
    CHANNEL_CHECK(
        verify_local_commitment(n, secrets, 0, first_secret, first_point, local, m.signature, {}));
    CHANNEL_TRY(signed_remote,
                sign_remote_commitment(n, secrets, *n.remote_next_point, 0, mirrored(local)));
    n.local_commit = LocalCommit{0, local, m.signature, {}};
    n.remote_commit = RemoteCommit{0, mirrored(local), *n.remote_next_point};
    n.remote_next_point.reset();
    n.phase = ChannelPhase::kOpen;
    step.to_send.push_back(FundingSigned{n.channel_id, signed_remote.signature, {}});
    return step;
}

Result<Step> on_funding_signed(const Channel& c, const ChannelSecrets& secrets,
                               const FundingSigned& m) {
    if (c.phase != ChannelPhase::kAwaitingFundingSigned) {
        return fail("channel_wrong_phase", "funding_signed was not expected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    const BalanceSpec local = initial_spec(c);
    CHANNEL_TRY(first_secret, local_secret(secrets, 0));
    CHANNEL_TRY(first_point, per_commitment_point(first_secret));
    CHANNEL_CHECK(
        verify_local_commitment(c, secrets, 0, first_secret, first_point, local, m.signature, {}));
    Step step = step_of(c);
    step.channel.local_commit = LocalCommit{0, local, m.signature, {}};
    step.channel.phase = ChannelPhase::kOpen;
    step.events.push_back(FundingMayBroadcast{});
    return step;
}

Result<Step> on_channel_ready(const Channel& c, const ChannelReady& m) {
    if (c.phase != ChannelPhase::kOpen) {
        return fail("channel_wrong_phase", "channel_ready was not expected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (c.channel_ready_received) {
        // A retransmission after a reconnect is ignored (BOLT-2); anything else is not.
        const crypto::PubKey* second = c.remote_next_commit
                                           ? &c.remote_next_commit->commit.per_commitment_point
                                           : (c.remote_next_point ? &*c.remote_next_point : nullptr);
        const bool same = c.remote_commit->number == 0 && second &&
                          *second == m.second_per_commitment_point;
        if (same) return step_of(c);
        return fail("channel_wrong_phase", "a second, different channel_ready");
    }
    Step step = step_of(c);
    step.channel.remote_next_point = m.second_per_commitment_point;
    step.channel.channel_ready_received = true;
    if (step.channel.channel_ready_sent) step.events.push_back(ChannelOperational{});
    return step;
}

Result<Step> on_add(const Channel& c, const UpdateAddHtlc& m) {
    CHANNEL_CHECK(require_updates_allowed(c));
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (c.remote_shutdown_script) {
        return fail("channel_shutting_down", "update_add_htlc after the peer's shutdown");
    }
    if (m.id != c.remote_next_htlc_id) {
        return fail("channel_wrong_htlc_id", "HTLC ids must be sequential");
    }
    if (m.amount_msat == Msats{0} || m.amount_msat < c.local_config.htlc_minimum) {
        return fail("channel_htlc_below_minimum", "the HTLC is below htlc_minimum_msat");
    }
    if (m.cltv_expiry >= kMaxCltvExpiry) {
        return fail("channel_bad_cltv_expiry", "cltv_expiry must be a block height");
    }
    std::vector<Update> theirs = c.remote_proposed;
    theirs.push_back(m);
    CHANNEL_TRY(next, reduce(c.local_commit->spec, c.local_acked, theirs));
    CHANNEL_CHECK(check_received_htlcs(next, c.local_config, !c.we_are_funder, c.feerate_per_kw));
    Step step = step_of(c);
    step.channel.remote_proposed = std::move(theirs);
    ++step.channel.remote_next_htlc_id;
    return step;
}

template <class Settle>
Result<Step> on_settle(const Channel& c, const Settle& m) {
    CHANNEL_CHECK(require_updates_allowed(c));
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    CHANNEL_TRY(htlc, cross_signed_htlc(c, true, m.id));
    if (settles(c.remote_proposed, m.id) || settles(c.remote_acked, m.id) ||
        settles(c.remote_signed, m.id)) {
        return fail("channel_htlc_already_settled", "the HTLC is already fulfilled or failed");
    }
    Step step = step_of(c);
    if constexpr (std::is_same_v<Settle, UpdateFulfillHtlc>) {
        if (crypto::sha256(m.payment_preimage) != htlc.payment_hash) {
            return fail("channel_bad_preimage", "the preimage does not hash to the payment hash");
        }
        step.events.push_back(HtlcFulfilled{m.id, m.payment_preimage});
    }
    step.channel.remote_proposed.push_back(m);
    return step;
}

Result<Step> on_commitment_signed(const Channel& c, const ChannelSecrets& secrets,
                                  const CommitmentSigned& m) {
    if (c.phase != ChannelPhase::kOpen || !c.channel_ready_received || !c.channel_ready_sent) {
        return fail("channel_wrong_phase", "commitment_signed was not expected");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (c.local_acked.empty() && c.remote_proposed.empty()) {
        return fail("channel_commitment_without_changes", "commitment_signed without updates");
    }
    const uint64_t number = c.local_commit->number + 1;
    CHANNEL_TRY(spec, reduce(c.local_commit->spec, c.local_acked, c.remote_proposed));
    CHANNEL_TRY(point, next_local_point(c, secrets));
    // The secrets of commitments number - 1 (revoked now), number (verified) and number + 1
    // (its point sent), generated together.
    CHANNEL_TRY(around, local_secrets(secrets, number - 1, 3));
    CHANNEL_CHECK(verify_local_commitment(c, secrets, number, around[1], point, spec, m.signature,
                                          m.htlc_signatures));
    const Hash256& old_secret = around[0];
    CHANNEL_TRY(next_point, per_commitment_point(around[2]));
    Step step = step_of(c);
    Channel& n = step.channel;
    n.local_commit = LocalCommit{number, std::move(spec), m.signature, m.htlc_signatures};
    n.local_next_point = next_point;
    n.remote_acked.insert(n.remote_acked.end(), n.remote_proposed.begin(), n.remote_proposed.end());
    n.remote_proposed.clear();
    n.local_acked.clear();
    step.to_send.push_back(RevokeAndAck{n.channel_id, old_secret, next_point, {}});
    CHANNEL_CHECK(maybe_start_closing(step, secrets));
    return step;
}

Result<Step> on_revoke_and_ack(const Channel& c, const ChannelSecrets& secrets,
                               const RevokeAndAck& m) {
    if (c.phase != ChannelPhase::kOpen) {
        return fail("channel_wrong_phase", "revoke_and_ack was not expected");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (!c.remote_next_commit) {
        return fail("channel_unexpected_revocation", "no commitment waits for a revocation");
    }
    CHANNEL_TRY(point, per_commitment_point(m.per_commitment_secret));
    if (!(point == c.remote_commit->per_commitment_point)) {
        return fail("channel_bad_revocation_secret",
                    "the secret is not the revoked commitment's");
    }
    CHANNEL_TRY(index, commitment_index(c.remote_commit->number));
    Step step = step_of(c);
    Channel& n = step.channel;
    CHANNEL_CHECK(n.remote_secrets.insert(index, m.per_commitment_secret));
    step.events.push_back(
        RemoteCommitmentRevoked{c.remote_commit->number, m.per_commitment_secret,
                                c.remote_commit->spec});
    n.remote_commit = n.remote_next_commit->commit;
    n.remote_next_commit.reset();
    n.remote_next_point = m.next_per_commitment_point;
    n.local_acked.insert(n.local_acked.end(), n.local_signed.begin(), n.local_signed.end());
    n.local_signed.clear();
    for (const Update& u : n.remote_signed) {
        if (const auto* add = as_add(u)) {
            step.events.push_back(HtlcReceived{*add});
        } else if (const auto* failed = std::get_if<UpdateFailHtlc>(&u)) {
            step.events.push_back(HtlcFailed{failed->id, failed->reason});
        }
    }
    n.remote_signed.clear();
    CHANNEL_CHECK(maybe_start_closing(step, secrets));
    return step;
}

Shutdown shutdown_message(const Channel& c) {
    return Shutdown{c.channel_id, c.local_shutdown_script, {}};
}

Result<Step> on_shutdown(const Channel& c, const ChannelSecrets& secrets, const Shutdown& m) {
    if (c.phase != ChannelPhase::kOpen) {
        return fail("channel_wrong_phase", "shutdown was not expected");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (c.remote_shutdown_script) {
        // Retransmitted after a reconnect: the same script changes nothing.
        if (*c.remote_shutdown_script == m.scriptpubkey) return step_of(c);
        return fail("channel_wrong_phase", "a second shutdown with another script");
    }
    if (!is_standard_shutdown_script(m.scriptpubkey)) {
        return fail("channel_bad_shutdown_script", "the shutdown script is not standard");
    }
    // Their updates sent before it still get signed: shutdown only stops new HTLCs.
    Step step = step_of(c);
    step.channel.remote_shutdown_script = m.scriptpubkey;
    if (!step.channel.shutdown_sent) {
        step.channel.shutdown_sent = true;
        step.to_send.push_back(shutdown_message(step.channel));
    }
    CHANNEL_CHECK(maybe_start_closing(step, secrets));
    return step;
}

Result<Step> on_closing_signed(const Channel& c, const ChannelSecrets& secrets,
                               const ClosingSigned& m) {
    if (!ready_to_close(c)) {
        return fail("channel_closing_not_ready", "closing_signed while updates are pending");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    CHANNEL_TRY(tx, closing_tx_for(c, m.fee_satoshis));
    if (!verify_funding_spend(tx, funding_script(c), c.funding_amount, *c.remote_funding_pubkey,
                              m.signature)) {
        return fail("channel_bad_signature", "the closing signature does not verify");
    }
    const ClosingFeeRange& ours = c.local_closing_fees;
    const bool in_ours = m.fee_satoshis >= ours.min_fee && m.fee_satoshis <= ours.max_fee;
    if (c.last_sent_closing_fee && *c.last_sent_closing_fee == m.fee_satoshis) {
        return finish_close(step_of(c), secrets, m.fee_satoshis, m.signature, false);
    }
    if (in_ours) return finish_close(step_of(c), secrets, m.fee_satoshis, m.signature, true);
    if (c.last_sent_closing_fee) {
        return fail("channel_closing_fee_out_of_range", "the counter-proposal is not ours");
    }
    ClosingFeeRange theirs{m.fee_satoshis, m.fee_satoshis};
    if (const auto range = m.tlvs.find(tlv::kFeeRange); range && range->size() == 16) {
        ByteReader r(*range);
        theirs.min_fee = Sats{static_cast<int64_t>(*r.read_u64_be())};
        theirs.max_fee = Sats{static_cast<int64_t>(*r.read_u64_be())};
    }
    const Sats low = std::max(ours.min_fee, theirs.min_fee);
    const Sats high = std::min(ours.max_fee, theirs.max_fee);
    if (low > high) {
        return fail("channel_closing_fee_out_of_range", "the fee ranges do not overlap");
    }
    const Sats counter = std::clamp(m.fee_satoshis, low, high);
    Step step = step_of(c);
    CHANNEL_TRY(msg, make_closing_signed(c, secrets, counter));
    step.channel.last_sent_closing_fee = counter;
    step.to_send.push_back(std::move(msg));
    return step;
}

RevokeAndAck last_revocation(const Channel& c, const Hash256& secret, const crypto::PubKey& next) {
    return RevokeAndAck{c.channel_id, secret, next, {}};
}

Result<Step> on_reestablish(const Channel& c, const ChannelSecrets& secrets,
                            const ChannelReestablish& m) {
    if (c.link != LinkState::kAwaitingReestablish ||
        (c.phase != ChannelPhase::kOpen && c.phase != ChannelPhase::kClosed)) {
        return fail("channel_wrong_phase", "channel_reestablish was not expected");
    }
    CHANNEL_CHECK(check_channel_id(c, m.channel_id));
    if (c.phase == ChannelPhase::kClosed) {
        // BOLT-2: retransmit our last closing_signed; the peer may have missed it.
        Step step = step_of(c);
        step.channel.link = LinkState::kConnected;
        CHANNEL_TRY(msg, make_closing_signed(c, secrets, *c.last_sent_closing_fee));
        step.to_send.push_back(std::move(msg));
        return step;
    }
    const uint64_t local_number = c.local_commit->number;
    const uint64_t remote_number = c.remote_commit->number;
    const bool waiting = c.remote_next_commit.has_value();
    const uint64_t their_next_commit = m.next_commitment_number;
    const uint64_t their_next_revocation = m.next_revocation_number;

    // The peer has seen a state of ours we do not have: is its proof real?
    const uint64_t newest_remote_expected = remote_number + (waiting ? 2 : 1);
    if (their_next_revocation > local_number || their_next_commit > newest_remote_expected) {
        if (their_next_revocation > 0) {
            const auto secret = local_secret(secrets, their_next_revocation - 1);
            if (secret && *secret == m.your_last_per_commitment_secret) {
                return fail("channel_we_are_behind",
                            "the peer proved that this channel state is old");
            }
        }
        return fail("channel_reestablish_mismatch", "the peer's numbers are ahead of ours");
    }
    if (their_next_revocation + 1 < local_number || their_next_commit < remote_number + 1) {
        return fail("channel_peer_behind", "the peer has lost channel state");
    }
    if (their_next_revocation > 0) {
        CHANNEL_TRY(expected, local_secret(secrets, their_next_revocation - 1));
        if (expected != m.your_last_per_commitment_secret) {
            return fail("channel_reestablish_mismatch",
                        "your_last_per_commitment_secret is not ours");
        }
    }

    Step step = step_of(c);
    Channel& n = step.channel;
    n.link = LinkState::kConnected;
    n.last_sent_closing_fee.reset();
    if (local_number == 0 && their_next_commit == 1 && n.channel_ready_sent) {
        CHANNEL_TRY(point, next_local_point(c, secrets));
        step.to_send.push_back(ChannelReady{n.channel_id, point, {}});
    }
    std::optional<RevokeAndAck> revocation;
    if (their_next_revocation + 1 == local_number) {
        CHANNEL_TRY(secret, local_secret(secrets, local_number - 1));
        CHANNEL_TRY(next, next_local_point(c, secrets));
        revocation = last_revocation(n, secret, next);
    }
    const bool resend_commit = waiting && their_next_commit == remote_number + 1;
    const bool revocation_first =
        !resend_commit || n.remote_next_commit->sent_at_local_number == local_number;
    if (revocation && revocation_first) step.to_send.push_back(*revocation);
    if (resend_commit) {
        for (const Update& u : n.local_signed) {
            std::visit([&](const auto& update) { step.to_send.push_back(update); }, u);
        }
        step.to_send.push_back(n.remote_next_commit->sent);
    }
    if (revocation && !revocation_first) step.to_send.push_back(*revocation);
    if (n.shutdown_sent) step.to_send.push_back(shutdown_message(n));
    CHANNEL_CHECK(maybe_start_closing(step, secrets));
    return step;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public entry points.

Result<Step> open_channel(const ChannelSecrets& secrets, const OpenParams& p) {
    if (!p.funding_amount.in_money_range() || p.funding_amount == Sats{0}) {
        return fail("channel_bad_open_params", "the funding amount is out of range");
    }
    const auto total = bitcoin::to_msats(p.funding_amount);
    if (!total || p.push_amount > *total) {
        return fail("channel_bad_open_params", "push_msat exceeds the funding amount");
    }
    if (!is_standard_shutdown_script(p.shutdown_script) ||
        p.closing_fees.min_fee > p.closing_fees.max_fee || p.closing_fees.min_fee < Sats{0}) {
        return fail("channel_bad_open_params", "bad shutdown script or closing fee range");
    }
    CHANNEL_TRY(first_point, local_point(secrets, 0));
    Channel c(secrets.basepoints(), secrets.funding_pubkey());
    c.phase = ChannelPhase::kAwaitingAccept;
    c.we_are_funder = true;
    c.chain_hash = p.chain_hash;
    c.temporary_channel_id = p.temporary_channel_id;
    c.funding_amount = p.funding_amount;
    c.push_amount = p.push_amount;
    c.feerate_per_kw = p.feerate_per_kw;
    c.local_config = p.config;
    c.local_shutdown_script = p.shutdown_script;
    c.local_closing_fees = p.closing_fees;
    const ChannelBasepoints& b = c.local_basepoints;
    OpenChannel msg{p.chain_hash, p.temporary_channel_id, p.funding_amount, p.push_amount,
                    p.config.dust_limit, p.config.max_htlc_value_in_flight,
                    p.config.channel_reserve, p.config.htlc_minimum, p.feerate_per_kw,
                    p.config.to_self_delay, p.config.max_accepted_htlcs,
                    c.local_funding_pubkey, b.revocation, b.payment, b.delayed_payment, b.htlc,
                    first_point, 0, {}};
    Step step{c, {}, {}};
    step.to_send.push_back(std::move(msg));
    return step;
}

Result<Step> accept_channel(const ChannelSecrets& secrets, const AcceptPolicy& policy,
                            const OpenChannel& m) {
    if (m.chain_hash != policy.chain_hash) {
        return fail("channel_bad_open_params", "open_channel for another chain");
    }
    if (m.funding_satoshis < policy.min_funding || m.funding_satoshis > policy.max_funding ||
        !m.funding_satoshis.in_money_range()) {
        return fail("channel_bad_open_params", "funding_satoshis out of policy");
    }
    const auto total = bitcoin::to_msats(m.funding_satoshis);
    if (!total || m.push_msat > *total) {
        return fail("channel_bad_open_params", "push_msat exceeds the funding amount");
    }
    if (m.feerate_per_kw < policy.min_feerate_per_kw ||
        m.feerate_per_kw > policy.max_feerate_per_kw) {
        return fail("channel_bad_open_params", "feerate_per_kw out of policy");
    }
    if (m.to_self_delay > policy.max_to_self_delay) {
        return fail("channel_bad_open_params", "to_self_delay too long");
    }
    const ChannelConfig theirs = config_of(m);
    CHANNEL_CHECK(check_peer_config(theirs, policy.config, m.funding_satoshis));
    const auto fee = bitcoin::to_msats(commitment_base_fee(m.feerate_per_kw, 0));
    const auto reserve = bitcoin::to_msats(policy.config.channel_reserve);
    const auto need = fee && reserve ? fee->checked_add(*reserve) : std::nullopt;
    if (!need || *total->checked_sub(m.push_msat) < *need) {
        return fail("channel_bad_open_params", "the funder cannot pay the first commitment");
    }
    if (!is_standard_shutdown_script(policy.shutdown_script)) {
        return fail("channel_bad_open_params", "bad shutdown script");
    }
    CHANNEL_TRY(first_point, local_point(secrets, 0));
    Channel c(secrets.basepoints(), secrets.funding_pubkey());
    c.phase = ChannelPhase::kAwaitingFundingCreated;
    c.we_are_funder = false;
    c.chain_hash = m.chain_hash;
    c.temporary_channel_id = m.temporary_channel_id;
    c.funding_amount = m.funding_satoshis;
    c.push_amount = m.push_msat;
    c.feerate_per_kw = m.feerate_per_kw;
    c.minimum_depth = policy.minimum_depth;
    c.local_config = policy.config;
    c.remote_config = theirs;
    c.remote_basepoints = ChannelBasepoints{m.revocation_basepoint, m.payment_basepoint,
                                           m.delayed_payment_basepoint, m.htlc_basepoint};
    c.remote_funding_pubkey = m.funding_pubkey;
    c.remote_next_point = m.first_per_commitment_point;
    c.obscuring_factor =
        commitment_obscuring_factor(c.remote_basepoints->payment, c.local_basepoints.payment);
    c.local_shutdown_script = policy.shutdown_script;
    c.local_closing_fees = policy.closing_fees;
    const ChannelBasepoints& b = c.local_basepoints;
    AcceptChannel msg{m.temporary_channel_id, policy.config.dust_limit,
                      policy.config.max_htlc_value_in_flight, policy.config.channel_reserve,
                      policy.config.htlc_minimum, policy.minimum_depth,
                      policy.config.to_self_delay, policy.config.max_accepted_htlcs,
                      c.local_funding_pubkey, b.revocation, b.payment, b.delayed_payment, b.htlc,
                      first_point, {}};
    Step step{c, {}, {}};
    step.to_send.push_back(std::move(msg));
    return step;
}

Result<Step> funding_created(const Channel& c, const ChannelSecrets& secrets,
                             const bitcoin::OutPoint& outpoint) {
    if (c.phase != ChannelPhase::kAwaitingFundingOutpoint) {
        return fail("channel_wrong_phase", "the funding outpoint was not expected");
    }
    if (outpoint.index > 0xffff) {
        return fail("channel_bad_open_params", "the funding output index must fit 16 bits");
    }
    Step step = step_of(c);
    Channel& n = step.channel;
    n.funding_outpoint = outpoint;
    n.channel_id = channel_id_of(outpoint);
    const BalanceSpec local = initial_spec(n);
    CHANNEL_TRY(signed_remote,
                sign_remote_commitment(n, secrets, *n.remote_next_point, 0, mirrored(local)));
    n.remote_commit = RemoteCommit{0, mirrored(local), *n.remote_next_point};
    n.remote_next_point.reset();
    n.phase = ChannelPhase::kAwaitingFundingSigned;
    step.to_send.push_back(FundingCreated{n.temporary_channel_id, outpoint.txid,
                                          static_cast<uint16_t>(outpoint.index),
                                          signed_remote.signature, {}});
    return step;
}

Result<Step> send_channel_ready(const Channel& c, const ChannelSecrets& secrets) {
    if (c.phase != ChannelPhase::kOpen || c.channel_ready_sent) {
        return fail("channel_wrong_phase", "channel_ready is not due");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    CHANNEL_TRY(point, next_local_point(c, secrets));
    Step step = step_of(c);
    step.channel.channel_ready_sent = true;
    step.channel.local_next_point = point;
    step.to_send.push_back(ChannelReady{c.channel_id, point, {}});
    if (step.channel.channel_ready_received) step.events.push_back(ChannelOperational{});
    return step;
}

Result<Step> receive(const Channel& c, const ChannelSecrets& secrets, const Message& message) {
    if (c.phase == ChannelPhase::kClosed && !std::holds_alternative<ChannelReestablish>(message)) {
        // What crossed our final closing_signed or comes again after a reconnect (the
        // peer's channel_ready, shutdown, closing_signed) changes nothing; anything else
        // is refused.
        if (c.link == LinkState::kConnected && (std::holds_alternative<ClosingSigned>(message) ||
                                                std::holds_alternative<Shutdown>(message) ||
                                                std::holds_alternative<ChannelReady>(message))) {
            return step_of(c);
        }
        return fail("channel_wrong_phase", "the channel is closed");
    }
    const bool is_reestablish = std::holds_alternative<ChannelReestablish>(message);
    if (c.link != LinkState::kConnected && !is_reestablish &&
        !std::holds_alternative<ErrorMessage>(message)) {
        return fail("channel_not_connected", "channel_reestablish must come first");
    }
    return std::visit(
        [&](const auto& m) -> Result<Step> {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, ErrorMessage>) {
                return fail("channel_peer_error", "the peer sent an error or a warning");
            } else if constexpr (std::is_same_v<M, OpenChannel>) {
                return fail("channel_wrong_phase", "open_channel on an existing channel");
            } else if constexpr (std::is_same_v<M, AcceptChannel>) {
                return on_accept(c, m);
            } else if constexpr (std::is_same_v<M, FundingCreated>) {
                return on_funding_created(c, secrets, m);
            } else if constexpr (std::is_same_v<M, FundingSigned>) {
                return on_funding_signed(c, secrets, m);
            } else if constexpr (std::is_same_v<M, ChannelReady>) {
                return on_channel_ready(c, m);
            } else if constexpr (std::is_same_v<M, Shutdown>) {
                return on_shutdown(c, secrets, m);
            } else if constexpr (std::is_same_v<M, ClosingSigned>) {
                return on_closing_signed(c, secrets, m);
            } else if constexpr (std::is_same_v<M, UpdateAddHtlc>) {
                return on_add(c, m);
            } else if constexpr (std::is_same_v<M, UpdateFulfillHtlc> ||
                                 std::is_same_v<M, UpdateFailHtlc>) {
                return on_settle(c, m);
            } else if constexpr (std::is_same_v<M, CommitmentSigned>) {
                return on_commitment_signed(c, secrets, m);
            } else if constexpr (std::is_same_v<M, RevokeAndAck>) {
                return on_revoke_and_ack(c, secrets, m);
            } else if constexpr (std::is_same_v<M, HubChallengeRequest> ||
                                 std::is_same_v<M, HubChallenge> || std::is_same_v<M, ChannelAttach> ||
                                 std::is_same_v<M, HubOpenRequest>) {
                // The connection's business (hub_attach.h), never a channel's.
                return fail("channel_not_a_channel_message", "a hub connection message is not for a channel");
            } else {
                static_assert(std::is_same_v<M, ChannelReestablish>);
                return on_reestablish(c, secrets, m);
            }
        },
        message);
}

Result<Step> add_htlc(const Channel& c, Msats amount, const Hash256& payment_hash,
                      uint32_t cltv_expiry, const ByteArray<kOnionPacketSize>& onion,
                      uint32_t block_height) {
    CHANNEL_CHECK(require_updates_allowed(c));
    if (c.shutdown_sent || c.remote_shutdown_script) {
        return fail("channel_shutting_down", "no new HTLC after shutdown");
    }
    if (amount == Msats{0} || amount < c.remote_config.htlc_minimum) {
        return fail("channel_htlc_below_minimum", "the HTLC is below htlc_minimum_msat");
    }
    if (cltv_expiry >= kMaxCltvExpiry || cltv_expiry <= block_height) {
        return fail("channel_bad_cltv_expiry", "cltv_expiry must be a future block height");
    }
    UpdateAddHtlc add{c.channel_id, c.local_next_htlc_id, amount, payment_hash, cltv_expiry,
                      onion, {}};
    std::vector<Update> ours = c.local_proposed;
    ours.push_back(add);
    // The remote's next commitment, seen from the remote: our adds are what it receives.
    // It builds on the commitment we signed last (pending or current), as eclair does.
    const BalanceSpec& base =
        c.remote_next_commit ? c.remote_next_commit->commit.spec : c.remote_commit->spec;
    CHANNEL_TRY(next, reduce(base, c.remote_acked, ours));
    CHANNEL_CHECK(check_received_htlcs(next, c.remote_config, c.we_are_funder, c.feerate_per_kw));
    Step step = step_of(c);
    step.channel.local_proposed = std::move(ours);
    ++step.channel.local_next_htlc_id;
    step.to_send.push_back(std::move(add));
    return step;
}

namespace {
template <class Settle>
Result<Step> settle(const Channel& c, const Settle& m) {
    CHANNEL_CHECK(require_updates_allowed(c));
    CHANNEL_TRY(htlc, cross_signed_htlc(c, false, m.id));
    if (settles(c.local_proposed, m.id) || settles(c.local_signed, m.id) ||
        settles(c.local_acked, m.id)) {
        return fail("channel_htlc_already_settled", "the HTLC is already fulfilled or failed");
    }
    if constexpr (std::is_same_v<Settle, UpdateFulfillHtlc>) {
        if (crypto::sha256(m.payment_preimage) != htlc.payment_hash) {
            return fail("channel_bad_preimage", "the preimage does not hash to the payment hash");
        }
    }
    Step step = step_of(c);
    step.channel.local_proposed.push_back(m);
    step.to_send.push_back(m);
    return step;
}
}  // namespace

Result<Step> fulfill_htlc(const Channel& c, uint64_t id, const Hash256& payment_preimage) {
    return settle(c, UpdateFulfillHtlc{c.channel_id, id, payment_preimage, {}});
}

Result<Step> fail_htlc(const Channel& c, uint64_t id, const Bytes& reason) {
    return settle(c, UpdateFailHtlc{c.channel_id, id, reason, {}});
}

bool has_changes_to_sign(const Channel& c) {
    return c.phase == ChannelPhase::kOpen && c.link == LinkState::kConnected &&
           !c.remote_next_commit && (!c.local_proposed.empty() || !c.remote_acked.empty());
}

Result<Step> sign_commitment(const Channel& c, const ChannelSecrets& secrets) {
    if (c.phase != ChannelPhase::kOpen || !c.channel_ready_sent || !c.channel_ready_received) {
        return fail("channel_wrong_phase", "the channel is not operational");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    if (c.remote_next_commit) {
        return fail("channel_awaiting_revocation", "the previous commitment is not revoked yet");
    }
    if (c.local_proposed.empty() && c.remote_acked.empty()) {
        return fail("channel_nothing_to_sign", "no update to sign");
    }
    const uint64_t number = c.remote_commit->number + 1;
    CHANNEL_TRY(spec, reduce(c.remote_commit->spec, c.remote_acked, c.local_proposed));
    CHANNEL_TRY(msg, sign_remote_commitment(c, secrets, *c.remote_next_point, number, spec));
    Step step = step_of(c);
    Channel& n = step.channel;
    n.remote_next_commit = PendingRemoteCommit{
        RemoteCommit{number, std::move(spec), *c.remote_next_point}, msg, c.local_commit->number};
    n.local_signed = std::move(n.local_proposed);
    n.local_proposed.clear();
    n.remote_signed = std::move(n.remote_acked);
    n.remote_acked.clear();
    step.to_send.push_back(std::move(msg));
    return step;
}

Result<Step> shutdown(const Channel& c, const ChannelSecrets& secrets) {
    if (c.phase != ChannelPhase::kOpen || c.shutdown_sent) {
        return fail("channel_wrong_phase", "shutdown is not possible now");
    }
    if (c.link != LinkState::kConnected) {
        return fail("channel_not_connected", "the peer is not connected");
    }
    if (!c.local_proposed.empty()) {
        return fail("channel_shutdown_pending_updates", "sign our updates before shutdown");
    }
    Step step = step_of(c);
    step.channel.shutdown_sent = true;
    step.to_send.push_back(shutdown_message(c));
    CHANNEL_CHECK(maybe_start_closing(step, secrets));
    return step;
}

Step peer_disconnected(const Channel& c) {
    Step step = step_of(c);
    // Before the first commitments a disconnect abandons the open (BOLT-2: forget it).
    if (c.phase != ChannelPhase::kOpen && c.phase != ChannelPhase::kClosed) return step;
    Channel& n = step.channel;
    n.link = LinkState::kDisconnected;
    const auto adds = [](const std::vector<Update>& list) {
        return static_cast<uint64_t>(
            std::count_if(list.begin(), list.end(), [](const Update& u) { return as_add(u); }));
    };
    n.local_next_htlc_id -= adds(n.local_proposed);
    n.remote_next_htlc_id -= adds(n.remote_proposed);
    if (!n.local_proposed.empty()) step.events.push_back(UpdatesDropped{n.local_proposed});
    n.local_proposed.clear();
    n.remote_proposed.clear();
    if (n.phase == ChannelPhase::kOpen) n.last_sent_closing_fee.reset();
    return step;
}

Result<Step> peer_connected(const Channel& c, const ChannelSecrets& secrets) {
    if (c.phase != ChannelPhase::kOpen && c.phase != ChannelPhase::kClosed) {
        return fail("channel_wrong_phase", "only an open channel is reestablished");
    }
    if (c.link != LinkState::kDisconnected) {
        return fail("channel_wrong_phase", "the peer is already connected");
    }
    const uint64_t remote_number = c.remote_commit->number;
    Hash256 last_secret{};
    if (remote_number > 0) {
        CHANNEL_TRY(index, commitment_index(remote_number - 1));
        CHANNEL_TRY(secret, c.remote_secrets.derive(index));
        last_secret = secret;
    }
    CHANNEL_TRY(point, local_point(secrets, c.local_commit->number));
    Step step = step_of(c);
    step.channel.link = LinkState::kAwaitingReestablish;
    step.to_send.push_back(ChannelReestablish{c.channel_id, c.local_commit->number + 1,
                                              remote_number, last_secret, point, {}});
    return step;
}

const BalanceSpec* current_local_spec(const Channel& c) {
    return c.local_commit ? &c.local_commit->spec : nullptr;
}

bool can_update(const Channel& c) {
    return operational(c) && c.link == LinkState::kConnected && !c.shutdown_sent &&
           !c.remote_shutdown_script;
}

}  // namespace datt::channel
