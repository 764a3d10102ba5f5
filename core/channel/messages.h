// BOLT-1 and BOLT-2 channel messages in their binary encoding, parsed strictly.
//
// A message is type:u16 | payload, every integer big-endian. The fields of each message are
// listed below (BOLT-2, lightning/bolts @ a3772650); after them, to the end, comes the
// message's TLV stream (tlv_stream.h; BOLT-1 allows an extension on every message). Field
// types: channel_id / chain_hash / sha256 / 32*byte are 32 bytes; point is a 33-byte
// compressed secp256k1 point, parsed (crypto::PubKey: an invalid point fails); signature is
// 64 bytes r || s (crypto::EcdsaSignature: r or s >= n fails); *_satoshis are u64 held as
// bitcoin::Sats (a value above 2^63 - 1 fails), *_msat are bitcoin::Msats.
//
//  17 error / 1 warning  channel_id, len:u16, data
//  32 open_channel       chain_hash, temporary_channel_id, funding_satoshis, push_msat,
//                        dust_limit_satoshis, max_htlc_value_in_flight_msat,
//                        channel_reserve_satoshis, htlc_minimum_msat, feerate_per_kw:u32,
//                        to_self_delay:u16, max_accepted_htlcs:u16, funding_pubkey,
//                        revocation_basepoint, payment_basepoint, delayed_payment_basepoint,
//                        htlc_basepoint, first_per_commitment_point, channel_flags:u8
//                        TLVs: 0 upfront_shutdown_script (any length), 1 channel_type
//  33 accept_channel     temporary_channel_id, dust_limit_satoshis,
//                        max_htlc_value_in_flight_msat, channel_reserve_satoshis,
//                        htlc_minimum_msat, minimum_depth:u32, to_self_delay:u16,
//                        max_accepted_htlcs:u16, the six points as in open_channel
//                        TLVs: 0 upfront_shutdown_script, 1 channel_type
//  34 funding_created    temporary_channel_id, funding_txid, funding_output_index:u16, signature
//  35 funding_signed     channel_id, signature
//  36 channel_ready      channel_id, second_per_commitment_point
//                        TLVs: 1 short_channel_id (8 bytes)
//  38 shutdown           channel_id, len:u16, scriptpubkey
//  39 closing_signed     channel_id, fee_satoshis, signature
//                        TLVs: 1 fee_range (min_fee_satoshis:u64, max_fee_satoshis:u64)
// 128 update_add_htlc    channel_id, id:u64, amount_msat, payment_hash, cltv_expiry:u32,
//                        onion_routing_packet (1366 bytes)
//                        TLVs: 0 blinded_path (a point)
// 130 update_fulfill_htlc channel_id, id:u64, payment_preimage
//                        TLVs: 1 attribution_data (920 bytes)
// 131 update_fail_htlc   channel_id, id:u64, len:u16, reason
//                        TLVs: 1 attribution_data (920 bytes)
// 132 commitment_signed  channel_id, signature, num_htlcs:u16, num_htlcs * signature
//                        TLVs: 1 funding_txid (32 bytes)
// 133 revoke_and_ack     channel_id, per_commitment_secret, next_per_commitment_point
// 136 channel_reestablish channel_id, next_commitment_number:u64, next_revocation_number:u64,
//                        your_last_per_commitment_secret, my_current_per_commitment_point
//                        TLVs: 1 next_funding (33 bytes), 5 my_current_funding_locked (33)
//
// Datt's own messages, in BOLT-1's experimental range (odd: a peer that does not know them
// may ignore them), for a connection to the hub (hub_attach.h, docs/protocol.md "Attaching
// a channel"):
// 55921 hub_challenge_request  channel_id (all zero)
// 55923 hub_challenge          channel_id (all zero), challenge (32 bytes)
// 55925 channel_attach         channel_id, signature (by the sender's funding key over
//                              hub_attach.h's digest of the connection's challenge)
//
// Parsing checks structure, not channel rules (a state machine checks amounts against the
// channel). serialize(parse(b)) == b for every accepted b; unknown odd TLVs are kept.
//
// Error codes:
//   wire_message_too_large     over 65535 bytes (BOLT-8's largest message)
//   wire_truncated             the bytes end inside a field
//   wire_unknown_odd_message   an odd type this module does not know: ignore it (BOLT-1)
//   wire_unknown_even_message  an even type this module does not know: close the connection
//   wire_bad_point             a point is not a compressed point on the curve
//   wire_bad_signature         a signature's r or s is not below the group order
//   wire_amount_out_of_range   a *_satoshis field above 2^63 - 1
//   wire_too_many_htlcs        commitment_signed with more than 966 (2 x 483) signatures
//   wire_nonzero_channel_id    hub_challenge_request or hub_challenge with a channel_id
//                              that is not all zero (they are about the connection)
//   tlv_*                      the TLV stream (tlv_stream.h)
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "bitcoin/amount.h"
#include "channel/funding.h"
#include "channel/tlv_stream.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr size_t kMaxMessageSize = 65535;
inline constexpr size_t kOnionPacketSize = 1366;
inline constexpr size_t kAttributionDataSize = 20 * 4 + 210 * 4;
inline constexpr size_t kMaxHtlcSignatures = 2 * 483;

enum class MessageType : uint16_t {
    kWarning = 1,
    kError = 17,
    kOpenChannel = 32,
    kAcceptChannel = 33,
    kFundingCreated = 34,
    kFundingSigned = 35,
    kChannelReady = 36,
    kShutdown = 38,
    kClosingSigned = 39,
    kUpdateAddHtlc = 128,
    kUpdateFulfillHtlc = 130,
    kUpdateFailHtlc = 131,
    kCommitmentSigned = 132,
    kRevokeAndAck = 133,
    kChannelReestablish = 136,
    kHubChallengeRequest = 55921,
    kHubChallenge = 55923,
    kChannelAttach = 55925,
    kHubOpenRequest = 55927,
};

// TLV types each message knows.
namespace tlv {
inline constexpr uint64_t kUpfrontShutdownScript = 0;
inline constexpr uint64_t kChannelType = 1;
inline constexpr uint64_t kShortChannelId = 1;
inline constexpr uint64_t kFeeRange = 1;
inline constexpr uint64_t kBlindedPath = 0;
inline constexpr uint64_t kAttributionData = 1;
inline constexpr uint64_t kFundingTxid = 1;
inline constexpr uint64_t kNextFunding = 1;
inline constexpr uint64_t kMyCurrentFundingLocked = 5;
}  // namespace tlv

struct ErrorMessage {  // error (17) and warning (1) share a layout
    bool is_warning = false;
    ChannelId channel_id{};  // all zero: every channel
    Bytes data;
    TlvStream tlvs;
};

struct OpenChannel {
    Hash256 chain_hash{};
    ChannelId temporary_channel_id{};
    bitcoin::Sats funding_satoshis;
    bitcoin::Msats push_msat;
    bitcoin::Sats dust_limit_satoshis;
    bitcoin::Msats max_htlc_value_in_flight_msat;
    bitcoin::Sats channel_reserve_satoshis;
    bitcoin::Msats htlc_minimum_msat;
    uint32_t feerate_per_kw = 0;
    uint16_t to_self_delay = 0;
    uint16_t max_accepted_htlcs = 0;
    crypto::PubKey funding_pubkey;
    crypto::PubKey revocation_basepoint;
    crypto::PubKey payment_basepoint;
    crypto::PubKey delayed_payment_basepoint;
    crypto::PubKey htlc_basepoint;
    crypto::PubKey first_per_commitment_point;
    uint8_t channel_flags = 0;
    TlvStream tlvs;  // upfront_shutdown_script, channel_type
};

struct AcceptChannel {
    ChannelId temporary_channel_id{};
    bitcoin::Sats dust_limit_satoshis;
    bitcoin::Msats max_htlc_value_in_flight_msat;
    bitcoin::Sats channel_reserve_satoshis;
    bitcoin::Msats htlc_minimum_msat;
    uint32_t minimum_depth = 0;
    uint16_t to_self_delay = 0;
    uint16_t max_accepted_htlcs = 0;
    crypto::PubKey funding_pubkey;
    crypto::PubKey revocation_basepoint;
    crypto::PubKey payment_basepoint;
    crypto::PubKey delayed_payment_basepoint;
    crypto::PubKey htlc_basepoint;
    crypto::PubKey first_per_commitment_point;
    TlvStream tlvs;  // upfront_shutdown_script, channel_type
};

struct FundingCreated {
    ChannelId temporary_channel_id{};
    Hash256 funding_txid{};
    uint16_t funding_output_index = 0;
    crypto::EcdsaSignature signature;
    TlvStream tlvs;
};

struct FundingSigned {
    ChannelId channel_id{};
    crypto::EcdsaSignature signature;
    TlvStream tlvs;
};

struct ChannelReady {
    ChannelId channel_id{};
    crypto::PubKey second_per_commitment_point;
    TlvStream tlvs;  // short_channel_id
};

struct Shutdown {
    ChannelId channel_id{};
    Bytes scriptpubkey;
    TlvStream tlvs;
};

struct ClosingSigned {
    ChannelId channel_id{};
    bitcoin::Sats fee_satoshis;
    crypto::EcdsaSignature signature;
    TlvStream tlvs;  // fee_range
};

struct UpdateAddHtlc {
    ChannelId channel_id{};
    uint64_t id = 0;
    bitcoin::Msats amount_msat;
    Hash256 payment_hash{};
    uint32_t cltv_expiry = 0;
    ByteArray<kOnionPacketSize> onion_routing_packet{};
    TlvStream tlvs;  // blinded_path
};

struct UpdateFulfillHtlc {
    ChannelId channel_id{};
    uint64_t id = 0;
    Hash256 payment_preimage{};
    TlvStream tlvs;  // attribution_data
};

struct UpdateFailHtlc {
    ChannelId channel_id{};
    uint64_t id = 0;
    Bytes reason;
    TlvStream tlvs;  // attribution_data
};

struct CommitmentSigned {
    ChannelId channel_id{};
    crypto::EcdsaSignature signature;
    std::vector<crypto::EcdsaSignature> htlc_signatures;
    TlvStream tlvs;  // funding_txid
};

struct RevokeAndAck {
    ChannelId channel_id{};
    Hash256 per_commitment_secret{};
    crypto::PubKey next_per_commitment_point;
    TlvStream tlvs;
};

struct ChannelReestablish {
    ChannelId channel_id{};
    uint64_t next_commitment_number = 0;
    uint64_t next_revocation_number = 0;
    Hash256 your_last_per_commitment_secret{};
    crypto::PubKey my_current_per_commitment_point;
    TlvStream tlvs;  // next_funding, my_current_funding_locked
};

// A client asks for its connection's challenge (the hub answers hub_challenge).
struct HubChallengeRequest {
    ChannelId channel_id{};  // always zero
    TlvStream tlvs;
};

// The hub's random challenge for one connection, the same for every request on it.
struct HubChallenge {
    ChannelId channel_id{};  // always zero
    Hash256 challenge{};
    TlvStream tlvs;
};

// Proves that the sender owns channel_id's funding key, for this connection only.
struct ChannelAttach {
    ChannelId channel_id{};
    crypto::EcdsaSignature signature;
    TlvStream tlvs;
};

// A client asks the hub to open (and fund) a channel of funding_satoshis to it, so that it
// can receive (docs/protocol.md "The hub opens a channel"); the hub answers open_channel.
struct HubOpenRequest {
    ChannelId channel_id{};  // always zero
    bitcoin::Sats funding_satoshis;
    TlvStream tlvs;
};

using Message = std::variant<ErrorMessage, OpenChannel, AcceptChannel, FundingCreated,
                             FundingSigned, ChannelReady, Shutdown, ClosingSigned, UpdateAddHtlc,
                             UpdateFulfillHtlc, UpdateFailHtlc, CommitmentSigned, RevokeAndAck,
                             ChannelReestablish, HubChallengeRequest, HubChallenge, ChannelAttach,
                             HubOpenRequest>;

[[nodiscard]] Result<Message> parse_message(ByteSpan bytes);
Bytes serialize_message(const Message& message);
MessageType message_type(const Message& message);

}  // namespace datt::channel
