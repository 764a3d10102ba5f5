#include "channel/messages.h"

#include <string>
#include <type_traits>

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::channel {
namespace {

// Reads one field or returns the error from the enclosing function.
#define WIRE_READ(var, expr)                   \
    auto var##_read = (expr);                  \
    if (!var##_read) return var##_read.error(); \
    auto var = std::move(*var##_read)

#define WIRE_CHECK(expr)                      \
    do {                                      \
        auto wire_status_ = (expr);           \
        if (!wire_status_) return wire_status_.error(); \
    } while (0)

Error truncated() { return make_error("wire_truncated", "the message ends inside a field"); }

// Field reader over the payload (after the type).
class WireReader {
  public:
    explicit WireReader(ByteSpan bytes) : reader_(bytes) {}

    Result<uint8_t> u8() { return wrap(reader_.read_u8()); }
    Result<uint16_t> u16() { return wrap(reader_.read_u16_be()); }
    Result<uint32_t> u32() { return wrap(reader_.read_u32_be()); }
    Result<uint64_t> u64() { return wrap(reader_.read_u64_be()); }
    template <size_t N>
    Result<ByteArray<N>> array() {
        return wrap(reader_.read_array<N>());
    }
    Result<Bytes> u16_prefixed() {
        auto length = u16();
        if (!length) return length.error();
        auto span = reader_.read_span(*length);
        if (!span) return truncated();
        return Bytes(span->begin(), span->end());
    }
    Result<bitcoin::Sats> sats() {
        auto value = u64();
        if (!value) return value.error();
        if (*value > static_cast<uint64_t>(INT64_MAX)) {
            return make_error("wire_amount_out_of_range", "a satoshi amount is above 2^63 - 1");
        }
        return bitcoin::Sats{static_cast<int64_t>(*value)};
    }
    Result<bitcoin::Msats> msats() {
        auto value = u64();
        if (!value) return value.error();
        return bitcoin::Msats{*value};
    }
    Result<crypto::PubKey> point() {
        auto bytes = array<33>();
        if (!bytes) return bytes.error();
        return parse_point(*bytes);
    }
    Result<crypto::EcdsaSignature> signature() {
        auto bytes = array<64>();
        if (!bytes) return bytes.error();
        auto parsed = crypto::EcdsaSignature::parse_compact(*bytes);
        if (!parsed) {
            return make_error("wire_bad_signature", "a signature's r or s is out of range");
        }
        return *parsed;
    }
    Result<TlvStream> tlvs(std::initializer_list<uint64_t> known_types) {
        auto stream = TlvStream::parse(reader_.rest(), known_types);
        if (stream) (void)reader_.skip(reader_.remaining());
        return stream;
    }

    static Result<crypto::PubKey> parse_point(ByteSpan bytes) {
        // 33 bytes: PubKey::parse accepts only the compressed form at this length.
        auto key = crypto::PubKey::parse(bytes);
        if (bytes.size() != 33 || !key) {
            return make_error("wire_bad_point", "a point is not a compressed curve point");
        }
        return *key;
    }

  private:
    template <class T>
    static Result<T> wrap(Result<T> read) {
        if (!read) return truncated();
        return read;
    }
    ByteReader reader_;
};

void write_point(ByteWriter& w, const crypto::PubKey& key) { w.write_bytes(key.compressed()); }
void write_signature(ByteWriter& w, const crypto::EcdsaSignature& sig) {
    w.write_bytes(sig.serialize_compact());
}
void write_sats(ByteWriter& w, bitcoin::Sats amount) {
    w.write_u64_be(static_cast<uint64_t>(amount.value()));
}
void write_msats(ByteWriter& w, bitcoin::Msats amount) { w.write_u64_be(amount.value()); }
void write_u16_prefixed(ByteWriter& w, ByteSpan bytes) {
    w.write_u16_be(static_cast<uint16_t>(bytes.size()));
    w.write_bytes(bytes);
}

Status check_point_tlv(const TlvStream& tlvs, uint64_t type) {
    WIRE_CHECK(tlvs.expect_length(type, 33));
    if (auto value = tlvs.find(type)) {
        auto key = WireReader::parse_point(*value);
        if (!key) return key.error();
    }
    return Ok{};
}

Result<Message> parse_error(WireReader& r, bool is_warning) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(data, r.u16_prefixed());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{ErrorMessage{is_warning, channel_id, std::move(data), std::move(tlvs)}};
}

Result<Message> parse_open_channel(WireReader& r) {
    WIRE_READ(chain_hash, r.array<32>());
    WIRE_READ(temporary_channel_id, r.array<32>());
    WIRE_READ(funding_satoshis, r.sats());
    WIRE_READ(push_msat, r.msats());
    WIRE_READ(dust_limit_satoshis, r.sats());
    WIRE_READ(max_htlc_value_in_flight_msat, r.msats());
    WIRE_READ(channel_reserve_satoshis, r.sats());
    WIRE_READ(htlc_minimum_msat, r.msats());
    WIRE_READ(feerate_per_kw, r.u32());
    WIRE_READ(to_self_delay, r.u16());
    WIRE_READ(max_accepted_htlcs, r.u16());
    WIRE_READ(funding_pubkey, r.point());
    WIRE_READ(revocation_basepoint, r.point());
    WIRE_READ(payment_basepoint, r.point());
    WIRE_READ(delayed_payment_basepoint, r.point());
    WIRE_READ(htlc_basepoint, r.point());
    WIRE_READ(first_per_commitment_point, r.point());
    WIRE_READ(channel_flags, r.u8());
    WIRE_READ(tlvs, r.tlvs({tlv::kUpfrontShutdownScript, tlv::kChannelType}));
    return Message{OpenChannel{chain_hash, temporary_channel_id, funding_satoshis, push_msat,
                               dust_limit_satoshis, max_htlc_value_in_flight_msat,
                               channel_reserve_satoshis, htlc_minimum_msat, feerate_per_kw,
                               to_self_delay, max_accepted_htlcs, funding_pubkey,
                               revocation_basepoint, payment_basepoint,
                               delayed_payment_basepoint, htlc_basepoint,
                               first_per_commitment_point, channel_flags, std::move(tlvs)}};
}

Result<Message> parse_accept_channel(WireReader& r) {
    WIRE_READ(temporary_channel_id, r.array<32>());
    WIRE_READ(dust_limit_satoshis, r.sats());
    WIRE_READ(max_htlc_value_in_flight_msat, r.msats());
    WIRE_READ(channel_reserve_satoshis, r.sats());
    WIRE_READ(htlc_minimum_msat, r.msats());
    WIRE_READ(minimum_depth, r.u32());
    WIRE_READ(to_self_delay, r.u16());
    WIRE_READ(max_accepted_htlcs, r.u16());
    WIRE_READ(funding_pubkey, r.point());
    WIRE_READ(revocation_basepoint, r.point());
    WIRE_READ(payment_basepoint, r.point());
    WIRE_READ(delayed_payment_basepoint, r.point());
    WIRE_READ(htlc_basepoint, r.point());
    WIRE_READ(first_per_commitment_point, r.point());
    WIRE_READ(tlvs, r.tlvs({tlv::kUpfrontShutdownScript, tlv::kChannelType}));
    return Message{AcceptChannel{temporary_channel_id, dust_limit_satoshis,
                                 max_htlc_value_in_flight_msat, channel_reserve_satoshis,
                                 htlc_minimum_msat, minimum_depth, to_self_delay,
                                 max_accepted_htlcs, funding_pubkey, revocation_basepoint,
                                 payment_basepoint, delayed_payment_basepoint, htlc_basepoint,
                                 first_per_commitment_point, std::move(tlvs)}};
}

Result<Message> parse_funding_created(WireReader& r) {
    WIRE_READ(temporary_channel_id, r.array<32>());
    WIRE_READ(funding_txid, r.array<32>());
    WIRE_READ(funding_output_index, r.u16());
    WIRE_READ(signature, r.signature());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{FundingCreated{temporary_channel_id, funding_txid, funding_output_index,
                                  signature, std::move(tlvs)}};
}

Result<Message> parse_funding_signed(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(signature, r.signature());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{FundingSigned{channel_id, signature, std::move(tlvs)}};
}

Result<Message> parse_channel_ready(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(point, r.point());
    WIRE_READ(tlvs, r.tlvs({tlv::kShortChannelId}));
    WIRE_CHECK(tlvs.expect_length(tlv::kShortChannelId, 8));
    return Message{ChannelReady{channel_id, point, std::move(tlvs)}};
}

Result<Message> parse_shutdown(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(scriptpubkey, r.u16_prefixed());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{Shutdown{channel_id, std::move(scriptpubkey), std::move(tlvs)}};
}

Result<Message> parse_closing_signed(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(fee_satoshis, r.sats());
    WIRE_READ(signature, r.signature());
    WIRE_READ(tlvs, r.tlvs({tlv::kFeeRange}));
    WIRE_CHECK(tlvs.expect_length(tlv::kFeeRange, 16));
    return Message{ClosingSigned{channel_id, fee_satoshis, signature, std::move(tlvs)}};
}

Result<Message> parse_update_add_htlc(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(id, r.u64());
    WIRE_READ(amount_msat, r.msats());
    WIRE_READ(payment_hash, r.array<32>());
    WIRE_READ(cltv_expiry, r.u32());
    WIRE_READ(onion, r.array<kOnionPacketSize>());
    WIRE_READ(tlvs, r.tlvs({tlv::kBlindedPath}));
    WIRE_CHECK(check_point_tlv(tlvs, tlv::kBlindedPath));
    return Message{UpdateAddHtlc{channel_id, id, amount_msat, payment_hash, cltv_expiry, onion,
                                 std::move(tlvs)}};
}

Result<Message> parse_update_fulfill_htlc(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(id, r.u64());
    WIRE_READ(preimage, r.array<32>());
    WIRE_READ(tlvs, r.tlvs({tlv::kAttributionData}));
    WIRE_CHECK(tlvs.expect_length(tlv::kAttributionData, kAttributionDataSize));
    return Message{UpdateFulfillHtlc{channel_id, id, preimage, std::move(tlvs)}};
}

Result<Message> parse_update_fail_htlc(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(id, r.u64());
    WIRE_READ(reason, r.u16_prefixed());
    WIRE_READ(tlvs, r.tlvs({tlv::kAttributionData}));
    WIRE_CHECK(tlvs.expect_length(tlv::kAttributionData, kAttributionDataSize));
    return Message{UpdateFailHtlc{channel_id, id, std::move(reason), std::move(tlvs)}};
}

Result<Message> parse_commitment_signed(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(signature, r.signature());
    WIRE_READ(count, r.u16());
    if (count > kMaxHtlcSignatures) {
        return make_error("wire_too_many_htlcs", "commitment_signed carries more than 966 "
                                                 "HTLC signatures");
    }
    std::vector<crypto::EcdsaSignature> htlc_signatures;
    htlc_signatures.reserve(count);
    for (uint16_t i = 0; i < count; ++i) {
        WIRE_READ(htlc_signature, r.signature());
        htlc_signatures.push_back(htlc_signature);
    }
    WIRE_READ(tlvs, r.tlvs({tlv::kFundingTxid}));
    WIRE_CHECK(tlvs.expect_length(tlv::kFundingTxid, 32));
    return Message{
        CommitmentSigned{channel_id, signature, std::move(htlc_signatures), std::move(tlvs)}};
}

Result<Message> parse_revoke_and_ack(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(secret, r.array<32>());
    WIRE_READ(point, r.point());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{RevokeAndAck{channel_id, secret, point, std::move(tlvs)}};
}

Result<Message> parse_channel_reestablish(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(next_commitment_number, r.u64());
    WIRE_READ(next_revocation_number, r.u64());
    WIRE_READ(secret, r.array<32>());
    WIRE_READ(point, r.point());
    WIRE_READ(tlvs, r.tlvs({tlv::kNextFunding, tlv::kMyCurrentFundingLocked}));
    WIRE_CHECK(tlvs.expect_length(tlv::kNextFunding, 33));
    WIRE_CHECK(tlvs.expect_length(tlv::kMyCurrentFundingLocked, 33));
    return Message{ChannelReestablish{channel_id, next_commitment_number, next_revocation_number,
                                      secret, point, std::move(tlvs)}};
}

Status check_zero_channel_id(const ChannelId& id) {
    if (id != ChannelId{}) {
        return make_error("wire_nonzero_channel_id",
                          "this message is about the connection: its channel_id must be all zero");
    }
    return Ok{};
}

Result<Message> parse_hub_challenge_request(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_CHECK(check_zero_channel_id(channel_id));
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{HubChallengeRequest{channel_id, std::move(tlvs)}};
}

Result<Message> parse_hub_challenge(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_CHECK(check_zero_channel_id(channel_id));
    WIRE_READ(challenge, r.array<32>());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{HubChallenge{channel_id, challenge, std::move(tlvs)}};
}

Result<Message> parse_channel_attach(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_READ(signature, r.signature());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{ChannelAttach{channel_id, signature, std::move(tlvs)}};
}

Result<Message> parse_hub_open_request(WireReader& r) {
    WIRE_READ(channel_id, r.array<32>());
    WIRE_CHECK(check_zero_channel_id(channel_id));
    WIRE_READ(funding_satoshis, r.sats());
    WIRE_READ(tlvs, r.tlvs({}));
    return Message{HubOpenRequest{channel_id, funding_satoshis, std::move(tlvs)}};
}

struct MessageWriter {
    ByteWriter& w;

    void operator()(const ErrorMessage& m) const {
        w.write_u16_be(static_cast<uint16_t>(m.is_warning ? MessageType::kWarning
                                                          : MessageType::kError));
        w.write_bytes(m.channel_id);
        write_u16_prefixed(w, m.data);
        m.tlvs.write(w);
    }
    void operator()(const OpenChannel& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kOpenChannel));
        w.write_bytes(m.chain_hash).write_bytes(m.temporary_channel_id);
        write_sats(w, m.funding_satoshis);
        write_msats(w, m.push_msat);
        write_sats(w, m.dust_limit_satoshis);
        write_msats(w, m.max_htlc_value_in_flight_msat);
        write_sats(w, m.channel_reserve_satoshis);
        write_msats(w, m.htlc_minimum_msat);
        w.write_u32_be(m.feerate_per_kw).write_u16_be(m.to_self_delay);
        w.write_u16_be(m.max_accepted_htlcs);
        for (const auto* key : {&m.funding_pubkey, &m.revocation_basepoint, &m.payment_basepoint,
                                &m.delayed_payment_basepoint, &m.htlc_basepoint,
                                &m.first_per_commitment_point}) {
            write_point(w, *key);
        }
        w.write_u8(m.channel_flags);
        m.tlvs.write(w);
    }
    void operator()(const AcceptChannel& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kAcceptChannel));
        w.write_bytes(m.temporary_channel_id);
        write_sats(w, m.dust_limit_satoshis);
        write_msats(w, m.max_htlc_value_in_flight_msat);
        write_sats(w, m.channel_reserve_satoshis);
        write_msats(w, m.htlc_minimum_msat);
        w.write_u32_be(m.minimum_depth).write_u16_be(m.to_self_delay);
        w.write_u16_be(m.max_accepted_htlcs);
        for (const auto* key : {&m.funding_pubkey, &m.revocation_basepoint, &m.payment_basepoint,
                                &m.delayed_payment_basepoint, &m.htlc_basepoint,
                                &m.first_per_commitment_point}) {
            write_point(w, *key);
        }
        m.tlvs.write(w);
    }
    void operator()(const FundingCreated& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kFundingCreated));
        w.write_bytes(m.temporary_channel_id).write_bytes(m.funding_txid);
        w.write_u16_be(m.funding_output_index);
        write_signature(w, m.signature);
        m.tlvs.write(w);
    }
    void operator()(const FundingSigned& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kFundingSigned));
        w.write_bytes(m.channel_id);
        write_signature(w, m.signature);
        m.tlvs.write(w);
    }
    void operator()(const ChannelReady& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kChannelReady));
        w.write_bytes(m.channel_id);
        write_point(w, m.second_per_commitment_point);
        m.tlvs.write(w);
    }
    void operator()(const Shutdown& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kShutdown));
        w.write_bytes(m.channel_id);
        write_u16_prefixed(w, m.scriptpubkey);
        m.tlvs.write(w);
    }
    void operator()(const ClosingSigned& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kClosingSigned));
        w.write_bytes(m.channel_id);
        write_sats(w, m.fee_satoshis);
        write_signature(w, m.signature);
        m.tlvs.write(w);
    }
    void operator()(const UpdateAddHtlc& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kUpdateAddHtlc));
        w.write_bytes(m.channel_id).write_u64_be(m.id);
        write_msats(w, m.amount_msat);
        w.write_bytes(m.payment_hash).write_u32_be(m.cltv_expiry);
        w.write_bytes(m.onion_routing_packet);
        m.tlvs.write(w);
    }
    void operator()(const UpdateFulfillHtlc& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kUpdateFulfillHtlc));
        w.write_bytes(m.channel_id).write_u64_be(m.id).write_bytes(m.payment_preimage);
        m.tlvs.write(w);
    }
    void operator()(const UpdateFailHtlc& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kUpdateFailHtlc));
        w.write_bytes(m.channel_id).write_u64_be(m.id);
        write_u16_prefixed(w, m.reason);
        m.tlvs.write(w);
    }
    void operator()(const CommitmentSigned& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kCommitmentSigned));
        w.write_bytes(m.channel_id);
        write_signature(w, m.signature);
        w.write_u16_be(static_cast<uint16_t>(m.htlc_signatures.size()));
        for (const auto& sig : m.htlc_signatures) write_signature(w, sig);
        m.tlvs.write(w);
    }
    void operator()(const RevokeAndAck& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kRevokeAndAck));
        w.write_bytes(m.channel_id).write_bytes(m.per_commitment_secret);
        write_point(w, m.next_per_commitment_point);
        m.tlvs.write(w);
    }
    void operator()(const ChannelReestablish& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kChannelReestablish));
        w.write_bytes(m.channel_id).write_u64_be(m.next_commitment_number);
        w.write_u64_be(m.next_revocation_number).write_bytes(m.your_last_per_commitment_secret);
        write_point(w, m.my_current_per_commitment_point);
        m.tlvs.write(w);
    }
    void operator()(const HubChallengeRequest& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kHubChallengeRequest));
        w.write_bytes(m.channel_id);
        m.tlvs.write(w);
    }
    void operator()(const HubChallenge& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kHubChallenge));
        w.write_bytes(m.channel_id).write_bytes(m.challenge);
        m.tlvs.write(w);
    }
    void operator()(const ChannelAttach& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kChannelAttach));
        w.write_bytes(m.channel_id);
        write_signature(w, m.signature);
        m.tlvs.write(w);
    }
    void operator()(const HubOpenRequest& m) const {
        w.write_u16_be(static_cast<uint16_t>(MessageType::kHubOpenRequest));
        w.write_bytes(m.channel_id);
        write_sats(w, m.funding_satoshis);
        m.tlvs.write(w);
    }
};

struct TypeOf {
    MessageType operator()(const ErrorMessage& m) const {
        return m.is_warning ? MessageType::kWarning : MessageType::kError;
    }
    MessageType operator()(const OpenChannel&) const { return MessageType::kOpenChannel; }
    MessageType operator()(const AcceptChannel&) const { return MessageType::kAcceptChannel; }
    MessageType operator()(const FundingCreated&) const { return MessageType::kFundingCreated; }
    MessageType operator()(const FundingSigned&) const { return MessageType::kFundingSigned; }
    MessageType operator()(const ChannelReady&) const { return MessageType::kChannelReady; }
    MessageType operator()(const Shutdown&) const { return MessageType::kShutdown; }
    MessageType operator()(const ClosingSigned&) const { return MessageType::kClosingSigned; }
    MessageType operator()(const UpdateAddHtlc&) const { return MessageType::kUpdateAddHtlc; }
    MessageType operator()(const UpdateFulfillHtlc&) const {
        return MessageType::kUpdateFulfillHtlc;
    }
    MessageType operator()(const UpdateFailHtlc&) const { return MessageType::kUpdateFailHtlc; }
    MessageType operator()(const CommitmentSigned&) const {
        return MessageType::kCommitmentSigned;
    }
    MessageType operator()(const RevokeAndAck&) const { return MessageType::kRevokeAndAck; }
    MessageType operator()(const ChannelReestablish&) const {
        return MessageType::kChannelReestablish;
    }
    MessageType operator()(const HubChallengeRequest&) const {
        return MessageType::kHubChallengeRequest;
    }
    MessageType operator()(const HubChallenge&) const { return MessageType::kHubChallenge; }
    MessageType operator()(const ChannelAttach&) const { return MessageType::kChannelAttach; }
    MessageType operator()(const HubOpenRequest&) const { return MessageType::kHubOpenRequest; }
};

}  // namespace

Result<Message> parse_message(ByteSpan bytes) {
    if (bytes.size() > kMaxMessageSize) {
        return make_error("wire_message_too_large", "a message is at most 65535 bytes");
    }
    ByteReader type_reader(bytes);
    auto type = type_reader.read_u16_be();
    if (!type) return truncated();
    WireReader r(type_reader.rest());
    switch (*type) {
        case static_cast<uint16_t>(MessageType::kWarning):
            return parse_error(r, true);
        case static_cast<uint16_t>(MessageType::kError):
            return parse_error(r, false);
        case static_cast<uint16_t>(MessageType::kOpenChannel):
            return parse_open_channel(r);
        case static_cast<uint16_t>(MessageType::kAcceptChannel):
            return parse_accept_channel(r);
        case static_cast<uint16_t>(MessageType::kFundingCreated):
            return parse_funding_created(r);
        case static_cast<uint16_t>(MessageType::kFundingSigned):
            return parse_funding_signed(r);
        case static_cast<uint16_t>(MessageType::kChannelReady):
            return parse_channel_ready(r);
        case static_cast<uint16_t>(MessageType::kShutdown):
            return parse_shutdown(r);
        case static_cast<uint16_t>(MessageType::kClosingSigned):
            return parse_closing_signed(r);
        case static_cast<uint16_t>(MessageType::kUpdateAddHtlc):
            return parse_update_add_htlc(r);
        case static_cast<uint16_t>(MessageType::kUpdateFulfillHtlc):
            return parse_update_fulfill_htlc(r);
        case static_cast<uint16_t>(MessageType::kUpdateFailHtlc):
            return parse_update_fail_htlc(r);
        case static_cast<uint16_t>(MessageType::kCommitmentSigned):
            return parse_commitment_signed(r);
        case static_cast<uint16_t>(MessageType::kRevokeAndAck):
            return parse_revoke_and_ack(r);
        case static_cast<uint16_t>(MessageType::kChannelReestablish):
            return parse_channel_reestablish(r);
        case static_cast<uint16_t>(MessageType::kHubChallengeRequest):
            return parse_hub_challenge_request(r);
        case static_cast<uint16_t>(MessageType::kHubChallenge):
            return parse_hub_challenge(r);
        case static_cast<uint16_t>(MessageType::kChannelAttach):
            return parse_channel_attach(r);
        case static_cast<uint16_t>(MessageType::kHubOpenRequest):
            return parse_hub_open_request(r);
        default:  // a u16 from the wire, not an enum: every other value is unknown
            break;
    }
    if (*type % 2 == 1) {
        return make_error("wire_unknown_odd_message",
                          "unknown odd message type " + std::to_string(*type) + ": ignore it");
    }
    return make_error("wire_unknown_even_message",
                      "unknown even message type " + std::to_string(*type));
}

Bytes serialize_message(const Message& message) {
    ByteWriter writer;
    std::visit(MessageWriter{writer}, message);
    return std::move(writer).take();
}

MessageType message_type(const Message& message) { return std::visit(TypeOf{}, message); }

}  // namespace datt::channel
