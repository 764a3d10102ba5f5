// The stored form of a Channel (channel_state.h): what the hub (SQLite) and the browser
// (IndexedDB) commit before sending the messages a step returns. Stored bytes are untrusted
// when read back (another tab, a corrupted or tampered record): parse_channel_state checks
// every field and the invariants the machine relies on, and never aborts.
//
// Layout, version 2, every integer big-endian:
//   "DCHS" | version:u8 (2)
//   phase:u8 (ChannelPhase) | link:u8 (LinkState) | we_are_funder:u8 (0/1)
//   chain_hash:32 | temporary_channel_id:32 | channel_id:32
//   funding_amount:u64 | push_msat:u64 | feerate_per_kw:u32 | minimum_depth:u32
//   local_config, remote_config: each dust:u64 in_flight_msat:u64 reserve:u64
//                                htlc_minimum_msat:u64 to_self_delay:u16 max_accepted:u16
//   local basepoints: revocation, payment, delayed_payment, htlc (33 each) | funding:33
//   [remote basepoints (4 x 33) | remote funding:33]      optional: a u8 0/1 precedes it
//   funding txid:32 | funding index:u32 | obscuring_factor:u64
//   [local commit: number:u64 | spec | signature:64 | n:u16 | n x signature:64]   optional
//   [remote commit: number:u64 | spec | point:33]                                 optional
//   [pending remote commit: remote commit | sent_at_local:u64 | len:u32 | commitment_signed]
//   [remote_next_point:33]                                                         optional
//   [local_next_point:33]                                 optional; not in version 1
//   six update lists (local proposed/signed/acked, remote proposed/acked/signed):
//       count:u16 | count x (len:u16 | the BOLT-2 message, messages.h)
//   local_next_htlc_id:u64 | remote_next_htlc_id:u64
//   [shachain last_index:u64 | n:u8 | n x secret:32]                               optional
//   channel_ready_sent:u8 | channel_ready_received:u8
//   local shutdown script: len:u16 | bytes | closing min_fee:u64 | max_fee:u64 | shutdown_sent:u8
//   [remote shutdown script: len:u16 | bytes]                                      optional
//   [last_sent_closing_fee:u64]                                                    optional
//   [closing tx: len:u32 | transaction]                                            optional
//   spec = to_local_msat:u64 | to_remote_msat:u64 | n:u16 |
//          n x (direction:u8 | id:u64 | amount_msat:u64 | payment_hash:32 | cltv_expiry:u32)
// Version 1 (before local_next_point) is still read: the point is then absent, and the
// machine computes it from the secrets when it needs it. Written: always version 2.
// Secrets are not in it (ChannelSecrets stays with the caller); the peer's revealed
// per-commitment secrets are (they are what punishes a revoked commitment).
//
// Error codes: channel_state_bad_magic, channel_state_bad_version, channel_state_truncated,
// channel_state_trailing_bytes, channel_state_too_large, channel_state_invalid (a field or
// an invariant fails; the message says which), and shachain_* from the stored secrets.
#pragma once

#include "channel/channel_state.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::channel {

inline constexpr uint8_t kChannelStateVersion = 2;
inline constexpr size_t kMaxChannelStateSize = 4'000'000;

Bytes serialize_channel_state(const Channel& channel);
[[nodiscard]] Result<Channel> parse_channel_state(ByteSpan bytes);

}  // namespace datt::channel
