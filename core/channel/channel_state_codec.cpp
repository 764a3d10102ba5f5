#include "channel/channel_state_codec.h"

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::channel {
namespace {

using bitcoin::Msats;
using bitcoin::Sats;

constexpr ByteArray<4> kMagic{'D', 'C', 'H', 'S'};
constexpr uint8_t kChannelStateVersionWithoutLocalPoint = 1;
constexpr size_t kMaxHtlcsPerSpec = 2 * 483;
constexpr size_t kMaxUpdatesPerList = 4 * 483;

// ---- writing -------------------------------------------------------------------------

void write_point(ByteWriter& w, const crypto::PubKey& p) { w.write_bytes(p.compressed()); }
void write_sig(ByteWriter& w, const crypto::EcdsaSignature& s) {
    w.write_bytes(s.serialize_compact());
}
void write_bool(ByteWriter& w, bool b) { w.write_u8(b ? 1 : 0); }
void write_sats(ByteWriter& w, Sats s) { w.write_u64_be(static_cast<uint64_t>(s.value())); }

void write_config(ByteWriter& w, const ChannelConfig& c) {
    write_sats(w, c.dust_limit);
    w.write_u64_be(c.max_htlc_value_in_flight.value());
    write_sats(w, c.channel_reserve);
    w.write_u64_be(c.htlc_minimum.value());
    w.write_u16_be(c.to_self_delay);
    w.write_u16_be(c.max_accepted_htlcs);
}

void write_basepoints(ByteWriter& w, const ChannelBasepoints& b) {
    write_point(w, b.revocation);
    write_point(w, b.payment);
    write_point(w, b.delayed_payment);
    write_point(w, b.htlc);
}

void write_spec(ByteWriter& w, const BalanceSpec& s) {
    w.write_u64_be(s.to_local.value());
    w.write_u64_be(s.to_remote.value());
    w.write_u16_be(static_cast<uint16_t>(s.htlcs.size()));
    for (const HtlcEntry& h : s.htlcs) {
        w.write_u8(static_cast<uint8_t>(h.direction));
        w.write_u64_be(h.id);
        w.write_u64_be(h.amount.value());
        w.write_bytes(h.payment_hash);
        w.write_u32_be(h.cltv_expiry);
    }
}

void write_remote_commit(ByteWriter& w, const RemoteCommit& r) {
    w.write_u64_be(r.number);
    write_spec(w, r.spec);
    write_point(w, r.per_commitment_point);
}

void write_updates(ByteWriter& w, const std::vector<Update>& list) {
    w.write_u16_be(static_cast<uint16_t>(list.size()));
    for (const Update& u : list) {
        const Bytes bytes = std::visit([](const auto& m) { return serialize_message(m); }, u);
        w.write_u16_be(static_cast<uint16_t>(bytes.size()));
        w.write_bytes(bytes);
    }
}

// ---- reading -------------------------------------------------------------------------

Error invalid(const char* message) { return make_error("channel_state_invalid", message); }

#define STATE_READ(var, expr)                                                      \
    auto var##_r = (expr);                                                         \
    if (!var##_r) {                                                                \
        return make_error("channel_state_truncated", "the stored channel ends early"); \
    }                                                                              \
    auto var = std::move(var##_r).value()

#define STATE_TRY(var, expr)                   \
    auto var##_r = (expr);                     \
    if (!var##_r) return var##_r.error();      \
    auto var = std::move(var##_r).value()

Result<bool> read_bool(ByteReader& r) {
    STATE_READ(b, r.read_u8());
    if (b > 1) return invalid("a flag byte is not 0 or 1");
    return b == 1;
}

Result<crypto::PubKey> read_point(ByteReader& r) {
    STATE_READ(bytes, r.read_array<33>());
    auto key = crypto::PubKey::parse(bytes);
    if (!key || !key->is_compressed()) return invalid("a point is not on the curve");
    return *key;
}

Result<crypto::EcdsaSignature> read_sig(ByteReader& r) {
    STATE_READ(bytes, r.read_array<64>());
    auto sig = crypto::EcdsaSignature::parse_compact(bytes);
    if (!sig) return invalid("a signature is out of range");
    return *sig;
}

Result<Sats> read_sats(ByteReader& r) {
    STATE_READ(v, r.read_u64_be());
    const Sats s{static_cast<int64_t>(v)};
    if (v > static_cast<uint64_t>(INT64_MAX) || !s.in_money_range()) {
        return invalid("an amount is out of range");
    }
    return s;
}

Result<ChannelConfig> read_config(ByteReader& r) {
    STATE_TRY(dust, read_sats(r));
    STATE_READ(in_flight, r.read_u64_be());
    STATE_TRY(reserve, read_sats(r));
    STATE_READ(minimum, r.read_u64_be());
    STATE_READ(delay, r.read_u16_be());
    STATE_READ(max_accepted, r.read_u16_be());
    if (max_accepted > 483) return invalid("max_accepted_htlcs over 483");
    return ChannelConfig{dust, Msats{in_flight}, reserve, Msats{minimum}, delay, max_accepted};
}

Result<ChannelBasepoints> read_basepoints(ByteReader& r) {
    STATE_TRY(revocation, read_point(r));
    STATE_TRY(payment, read_point(r));
    STATE_TRY(delayed, read_point(r));
    STATE_TRY(htlc, read_point(r));
    return ChannelBasepoints{revocation, payment, delayed, htlc};
}

Result<BalanceSpec> read_spec(ByteReader& r, Sats funding) {
    BalanceSpec s;
    STATE_READ(to_local, r.read_u64_be());
    STATE_READ(to_remote, r.read_u64_be());
    STATE_READ(count, r.read_u16_be());
    if (count > kMaxHtlcsPerSpec) return invalid("too many HTLCs in a commitment");
    s.to_local = Msats{to_local};
    s.to_remote = Msats{to_remote};
    auto total = s.to_local.checked_add(s.to_remote);
    for (uint16_t i = 0; i < count; ++i) {
        HtlcEntry h;
        STATE_READ(direction, r.read_u8());
        if (direction > 1) return invalid("an HTLC direction is not 0 or 1");
        h.direction = static_cast<HtlcDirection>(direction);
        STATE_READ(id, r.read_u64_be());
        STATE_READ(amount, r.read_u64_be());
        STATE_READ(hash, r.read_array<32>());
        STATE_READ(cltv, r.read_u32_be());
        h.id = id;
        h.amount = Msats{amount};
        h.payment_hash = hash;
        h.cltv_expiry = cltv;
        if (total) total = total->checked_add(h.amount);
        for (const HtlcEntry& other : s.htlcs) {
            if (other.direction == h.direction && other.id == h.id) {
                return invalid("two HTLCs with one id");
            }
        }
        s.htlcs.push_back(h);
    }
    if (!total || *total != *bitcoin::to_msats(funding)) {
        return invalid("a commitment's balances do not add up to the funding amount");
    }
    return s;
}

Result<RemoteCommit> read_remote_commit(ByteReader& r, Sats funding) {
    STATE_READ(number, r.read_u64_be());
    STATE_TRY(spec, read_spec(r, funding));
    STATE_TRY(point, read_point(r));
    return RemoteCommit{number, std::move(spec), point};
}

Result<Message> read_message(ByteReader& r, size_t length_bytes) {
    uint64_t length = 0;
    if (length_bytes == 2) {
        STATE_READ(n, r.read_u16_be());
        length = n;
    } else {
        STATE_READ(n, r.read_u32_be());
        length = n;
    }
    STATE_READ(bytes, r.read_span(length));
    auto message = parse_message(bytes);
    if (!message) return invalid("a stored message does not parse");
    return std::move(message).value();
}

Result<std::vector<Update>> read_updates(ByteReader& r) {
    STATE_READ(count, r.read_u16_be());
    if (count > kMaxUpdatesPerList) return invalid("too many updates in a list");
    std::vector<Update> list;
    for (uint16_t i = 0; i < count; ++i) {
        STATE_TRY(message, read_message(r, 2));
        if (auto* add = std::get_if<UpdateAddHtlc>(&message)) {
            list.push_back(std::move(*add));
        } else if (auto* fulfill = std::get_if<UpdateFulfillHtlc>(&message)) {
            list.push_back(std::move(*fulfill));
        } else if (auto* failed = std::get_if<UpdateFailHtlc>(&message)) {
            list.push_back(std::move(*failed));
        } else {
            return invalid("an update list holds a message that is not an update");
        }
    }
    return list;
}

Result<Bytes> read_script(ByteReader& r) {
    STATE_READ(length, r.read_u16_be());
    STATE_READ(bytes, r.read_span(length));
    return Bytes(bytes.begin(), bytes.end());
}

Status check_invariants(const Channel& c) {
    const auto phase = c.phase;
    const bool after_accept = phase != ChannelPhase::kAwaitingAccept;
    if (after_accept && (!c.remote_basepoints || !c.remote_funding_pubkey)) {
        return invalid("the remote keys are missing");
    }
    const bool has_commits = phase == ChannelPhase::kOpen || phase == ChannelPhase::kClosed;
    if (has_commits != (c.local_commit.has_value())) return invalid("local commit vs phase");
    if ((has_commits || phase == ChannelPhase::kAwaitingFundingSigned) != c.remote_commit.has_value()) {
        return invalid("remote commit vs phase");
    }
    if (c.remote_next_commit && phase != ChannelPhase::kOpen) {
        return invalid("a pending commitment outside the open phase");
    }
    const bool needs_first_point = phase == ChannelPhase::kAwaitingFundingOutpoint ||
                                   phase == ChannelPhase::kAwaitingFundingCreated;
    if (needs_first_point && !c.remote_next_point) return invalid("the first point is missing");
    if (c.local_next_point && !c.channel_ready_sent) {
        return invalid("our next point before channel_ready");
    }
    if (phase == ChannelPhase::kOpen && c.channel_ready_received && !c.remote_next_point) {
        return invalid("the next remote point is missing");
    }
    if ((c.channel_ready_sent || c.channel_ready_received) && !has_commits) {
        return invalid("channel_ready before the channel is open");
    }
    if ((phase == ChannelPhase::kClosed) != c.closing_tx.has_value()) {
        return invalid("closing tx vs phase");
    }
    if (phase == ChannelPhase::kClosed && !c.remote_shutdown_script) {
        return invalid("closed without the remote's shutdown script");
    }
    if (c.link != LinkState::kConnected && phase != ChannelPhase::kOpen &&
        phase != ChannelPhase::kClosed) {
        return invalid("only an open channel can be disconnected");
    }
    if (phase == ChannelPhase::kClosed && !c.last_sent_closing_fee) {
        return invalid("closed without the agreed fee");
    }
    const auto total = bitcoin::to_msats(c.funding_amount);
    if (!total || c.push_amount > *total) return invalid("push exceeds the funding amount");
    const bool has_changes = !c.local_proposed.empty() || !c.local_signed.empty() ||
                             !c.local_acked.empty() || !c.remote_proposed.empty() ||
                             !c.remote_acked.empty() || !c.remote_signed.empty();
    if (has_changes && phase != ChannelPhase::kOpen) return invalid("updates outside the open phase");
    if (!c.remote_next_commit && (!c.local_signed.empty() || !c.remote_signed.empty())) {
        return invalid("signed updates without a pending commitment");
    }
    if (c.remote_next_commit && c.remote_next_commit->commit.number != c.remote_commit->number + 1) {
        return invalid("the pending commitment number is not the next one");
    }
    const auto adds = [](const std::vector<Update>& list) {
        uint64_t n = 0;
        for (const Update& u : list) n += std::holds_alternative<UpdateAddHtlc>(u) ? 1 : 0;
        return n;
    };
    if (c.local_next_htlc_id < adds(c.local_proposed) ||
        c.remote_next_htlc_id < adds(c.remote_proposed)) {
        return invalid("more proposed HTLCs than HTLC ids");
    }
    if (c.local_commit && c.local_commit->number > (uint64_t{1} << 48) - 2) {
        return invalid("commitment number out of range");
    }
    if (c.remote_commit && c.remote_commit->number > (uint64_t{1} << 48) - 2) {
        return invalid("commitment number out of range");
    }
    return Ok{};
}

}  // namespace

Bytes serialize_channel_state(const Channel& c) {
    ByteWriter w(4096);
    w.write_bytes(kMagic);
    w.write_u8(kChannelStateVersion);
    w.write_u8(static_cast<uint8_t>(c.phase));
    w.write_u8(static_cast<uint8_t>(c.link));
    write_bool(w, c.we_are_funder);
    w.write_bytes(c.chain_hash);
    w.write_bytes(c.temporary_channel_id);
    w.write_bytes(c.channel_id);
    write_sats(w, c.funding_amount);
    w.write_u64_be(c.push_amount.value());
    w.write_u32_be(c.feerate_per_kw);
    w.write_u32_be(c.minimum_depth);
    write_config(w, c.local_config);
    write_config(w, c.remote_config);
    write_basepoints(w, c.local_basepoints);
    write_point(w, c.local_funding_pubkey);
    write_bool(w, c.remote_basepoints.has_value());
    if (c.remote_basepoints) {
        write_basepoints(w, *c.remote_basepoints);
        write_point(w, *c.remote_funding_pubkey);
    }
    w.write_bytes(c.funding_outpoint.txid);
    w.write_u32_be(c.funding_outpoint.index);
    w.write_u64_be(c.obscuring_factor);
    write_bool(w, c.local_commit.has_value());
    if (c.local_commit) {
        w.write_u64_be(c.local_commit->number);
        write_spec(w, c.local_commit->spec);
        write_sig(w, c.local_commit->remote_signature);
        w.write_u16_be(static_cast<uint16_t>(c.local_commit->remote_htlc_signatures.size()));
        for (const auto& s : c.local_commit->remote_htlc_signatures) write_sig(w, s);
    }
    write_bool(w, c.remote_commit.has_value());
    if (c.remote_commit) write_remote_commit(w, *c.remote_commit);
    write_bool(w, c.remote_next_commit.has_value());
    if (c.remote_next_commit) {
        write_remote_commit(w, c.remote_next_commit->commit);
        w.write_u64_be(c.remote_next_commit->sent_at_local_number);
        const Bytes sent = serialize_message(c.remote_next_commit->sent);
        w.write_u32_be(static_cast<uint32_t>(sent.size()));
        w.write_bytes(sent);
    }
    write_bool(w, c.remote_next_point.has_value());
    if (c.remote_next_point) write_point(w, *c.remote_next_point);
    write_bool(w, c.local_next_point.has_value());
    if (c.local_next_point) write_point(w, *c.local_next_point);
    for (const auto* list : {&c.local_proposed, &c.local_signed, &c.local_acked,
                             &c.remote_proposed, &c.remote_acked, &c.remote_signed}) {
        write_updates(w, *list);
    }
    w.write_u64_be(c.local_next_htlc_id);
    w.write_u64_be(c.remote_next_htlc_id);
    write_bool(w, c.remote_secrets.last_index().has_value());
    if (c.remote_secrets.last_index()) {
        w.write_u64_be(*c.remote_secrets.last_index());
        const auto secrets = c.remote_secrets.stored_secrets();
        w.write_u8(static_cast<uint8_t>(secrets.size()));
        for (const Hash256& s : secrets) w.write_bytes(s);
    }
    write_bool(w, c.channel_ready_sent);
    write_bool(w, c.channel_ready_received);
    w.write_u16_be(static_cast<uint16_t>(c.local_shutdown_script.size()));
    w.write_bytes(c.local_shutdown_script);
    write_sats(w, c.local_closing_fees.min_fee);
    write_sats(w, c.local_closing_fees.max_fee);
    write_bool(w, c.shutdown_sent);
    write_bool(w, c.remote_shutdown_script.has_value());
    if (c.remote_shutdown_script) {
        w.write_u16_be(static_cast<uint16_t>(c.remote_shutdown_script->size()));
        w.write_bytes(*c.remote_shutdown_script);
    }
    write_bool(w, c.last_sent_closing_fee.has_value());
    if (c.last_sent_closing_fee) write_sats(w, *c.last_sent_closing_fee);
    write_bool(w, c.closing_tx.has_value());
    if (c.closing_tx) {
        const Bytes tx = bitcoin::serialize(*c.closing_tx);
        w.write_u32_be(static_cast<uint32_t>(tx.size()));
        w.write_bytes(tx);
    }
    return std::move(w).take();
}

Result<Channel> parse_channel_state(ByteSpan bytes) {
    if (bytes.size() > kMaxChannelStateSize) {
        return make_error("channel_state_too_large", "a stored channel is at most 4 MB");
    }
    ByteReader r(bytes);
    STATE_READ(magic, r.read_array<4>());
    if (magic != kMagic) return make_error("channel_state_bad_magic", "not a stored channel");
    STATE_READ(version, r.read_u8());
    if (version != kChannelStateVersion && version != kChannelStateVersionWithoutLocalPoint) {
        return make_error("channel_state_bad_version", "unknown stored channel version");
    }
    STATE_READ(phase, r.read_u8());
    if (phase > static_cast<uint8_t>(ChannelPhase::kClosed)) return invalid("unknown phase");
    STATE_READ(link, r.read_u8());
    if (link > static_cast<uint8_t>(LinkState::kAwaitingReestablish)) {
        return invalid("unknown link state");
    }
    STATE_TRY(funder, read_bool(r));
    STATE_READ(chain_hash, r.read_array<32>());
    STATE_READ(temporary_id, r.read_array<32>());
    STATE_READ(channel_id, r.read_array<32>());
    STATE_TRY(funding, read_sats(r));
    STATE_READ(push, r.read_u64_be());
    STATE_READ(feerate, r.read_u32_be());
    STATE_READ(depth, r.read_u32_be());
    STATE_TRY(local_config, read_config(r));
    STATE_TRY(remote_config, read_config(r));
    STATE_TRY(local_basepoints, read_basepoints(r));
    STATE_TRY(local_funding, read_point(r));
    Channel c(local_basepoints, local_funding);
    c.phase = static_cast<ChannelPhase>(phase);
    c.link = static_cast<LinkState>(link);
    c.we_are_funder = funder;
    c.chain_hash = chain_hash;
    c.temporary_channel_id = temporary_id;
    c.channel_id = channel_id;
    c.funding_amount = funding;
    c.push_amount = Msats{push};
    c.feerate_per_kw = feerate;
    c.minimum_depth = depth;
    c.local_config = local_config;
    c.remote_config = remote_config;
    STATE_TRY(has_remote_keys, read_bool(r));
    if (has_remote_keys) {
        STATE_TRY(remote_basepoints, read_basepoints(r));
        STATE_TRY(remote_funding, read_point(r));
        c.remote_basepoints = remote_basepoints;
        c.remote_funding_pubkey = remote_funding;
    }
    STATE_READ(txid, r.read_array<32>());
    STATE_READ(index, r.read_u32_be());
    STATE_READ(obscuring, r.read_u64_be());
    c.funding_outpoint = bitcoin::OutPoint{txid, index};
    c.obscuring_factor = obscuring;
    STATE_TRY(has_local_commit, read_bool(r));
    if (has_local_commit) {
        STATE_READ(number, r.read_u64_be());
        STATE_TRY(spec, read_spec(r, funding));
        STATE_TRY(signature, read_sig(r));
        STATE_READ(count, r.read_u16_be());
        if (count > kMaxHtlcsPerSpec) return invalid("too many HTLC signatures");
        std::vector<crypto::EcdsaSignature> sigs;
        for (uint16_t i = 0; i < count; ++i) {
            STATE_TRY(sig, read_sig(r));
            sigs.push_back(sig);
        }
        c.local_commit = LocalCommit{number, std::move(spec), signature, std::move(sigs)};
    }
    STATE_TRY(has_remote_commit, read_bool(r));
    if (has_remote_commit) {
        STATE_TRY(commit, read_remote_commit(r, funding));
        c.remote_commit = std::move(commit);
    }
    STATE_TRY(has_pending, read_bool(r));
    if (has_pending) {
        STATE_TRY(commit, read_remote_commit(r, funding));
        STATE_READ(sent_at, r.read_u64_be());
        STATE_TRY(message, read_message(r, 4));
        auto* sent = std::get_if<CommitmentSigned>(&message);
        if (!sent) return invalid("the pending commitment's message is not commitment_signed");
        c.remote_next_commit = PendingRemoteCommit{std::move(commit), std::move(*sent), sent_at};
    }
    STATE_TRY(has_next_point, read_bool(r));
    if (has_next_point) {
        STATE_TRY(point, read_point(r));
        c.remote_next_point = point;
    }
    if (version != kChannelStateVersionWithoutLocalPoint) {
        STATE_TRY(has_local_point, read_bool(r));
        if (has_local_point) {
            STATE_TRY(point, read_point(r));
            c.local_next_point = point;
        }
    }
    for (auto* list : {&c.local_proposed, &c.local_signed, &c.local_acked, &c.remote_proposed,
                       &c.remote_acked, &c.remote_signed}) {
        STATE_TRY(updates, read_updates(r));
        *list = std::move(updates);
    }
    STATE_READ(local_next_id, r.read_u64_be());
    STATE_READ(remote_next_id, r.read_u64_be());
    c.local_next_htlc_id = local_next_id;
    c.remote_next_htlc_id = remote_next_id;
    STATE_TRY(has_shachain, read_bool(r));
    if (has_shachain) {
        STATE_READ(last, r.read_u64_be());
        STATE_READ(count, r.read_u8());
        std::vector<Hash256> secrets;
        for (uint8_t i = 0; i < count; ++i) {
            STATE_READ(secret, r.read_array<32>());
            secrets.push_back(secret);
        }
        STATE_TRY(chain, Shachain::restore(last, secrets));
        c.remote_secrets = std::move(chain);
    }
    STATE_TRY(ready_sent, read_bool(r));
    STATE_TRY(ready_received, read_bool(r));
    c.channel_ready_sent = ready_sent;
    c.channel_ready_received = ready_received;
    STATE_TRY(local_script, read_script(r));
    STATE_TRY(min_fee, read_sats(r));
    STATE_TRY(max_fee, read_sats(r));
    STATE_TRY(shutdown_sent, read_bool(r));
    c.local_shutdown_script = std::move(local_script);
    c.local_closing_fees = ClosingFeeRange{min_fee, max_fee};
    c.shutdown_sent = shutdown_sent;
    STATE_TRY(has_remote_script, read_bool(r));
    if (has_remote_script) {
        STATE_TRY(remote_script, read_script(r));
        c.remote_shutdown_script = std::move(remote_script);
    }
    STATE_TRY(has_fee, read_bool(r));
    if (has_fee) {
        STATE_TRY(fee, read_sats(r));
        c.last_sent_closing_fee = fee;
    }
    STATE_TRY(has_closing, read_bool(r));
    if (has_closing) {
        STATE_READ(length, r.read_u32_be());
        STATE_READ(tx_bytes, r.read_span(length));
        auto tx = bitcoin::parse_transaction(tx_bytes);
        if (!tx) return invalid("the closing transaction does not parse");
        c.closing_tx = std::move(tx).value();
    }
    if (!r.at_end()) {
        return make_error("channel_state_trailing_bytes", "bytes after the stored channel");
    }
    if (auto ok = check_invariants(c); !ok) return ok.error();
    return c;
}

}  // namespace datt::channel
