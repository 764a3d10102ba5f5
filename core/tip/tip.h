// A tip: the payer's kind 4570 event announcing a Bitcoin payment to the author of a post or
// comment (docs/protocol.md "On-chain tips"). Tags, each exactly once:
//   ["e", <target id>, ...]                               the post or comment tipped
//   ["p", <author>, ...]                                  the target's author, who is paid
//   ["payment", <network>, <txid>, <vout>, <sats>]        txid in display order; vout and sats
//                                                         canonical decimal, vout < 2^32,
//                                                         sats in 1..21e6 BTC
//   ["payout", <kind 10570 event JSON>]                   the author's payout addresses as paid
// Content: a message of at most kMaxTipMessageBytes. Other tags are ignored (a chain tag,
// community tags). A parsed Tip says the event is well-formed; whether it was paid is
// verify_tip's question (verify_tip.h).
//
// Error codes:
//   tip_wrong_kind           the event is not kind 4570
//   tip_tag_malformed        an e, p, payment or payout tag with the wrong shape or value
//   tip_missing_tag          one of the four is absent
//   tip_duplicate_tag        one of the four appears twice
//   tip_self                 the payer is the author (p)
//   tip_content_too_large    the message is longer than kMaxTipMessageBytes
//   tip_payout_invalid       the embedded event fails Event::parse or payout.h's rules
//                            (the message carries that code)
//   tip_payout_wrong_author  the payout event is not the p author's
//   tip_payout_no_address    the payout event has no address on the payment's network
#pragma once

#include <cstdint>
#include <string>

#include "bitcoin/address.h"
#include "bitcoin/amount.h"
#include "bitcoin/network.h"
#include "event/event.h"
#include "tip/payout.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::tip {

inline constexpr event::Kind kTipKind = 4570;
inline constexpr size_t kMaxTipMessageBytes = 1000;

// The payment a tip claims.
struct TipPayment {
    const bitcoin::Network* network = nullptr;  // one of bitcoin::known_networks()
    Hash256 txid{};                             // internal byte order
    uint32_t vout = 0;
    bitcoin::Sats sats;

    bool operator==(const TipPayment&) const = default;
};

class Tip {
  public:
    [[nodiscard]] static Result<Tip> parse(const event::Event& event);

    const event::Event& event() const { return event_; }
    const ByteArray<32>& payer() const { return event_.pubkey(); }
    const Hash256& target() const { return target_; }
    const ByteArray<32>& author() const { return author_; }
    const TipPayment& payment() const { return payment_; }
    const PayoutAddresses& payout() const { return payout_; }
    // The payout event's address on the payment's network: the one the output must pay.
    const bitcoin::Address& paid_address() const {
        return *payout_.address_for(payment_.network->name);
    }
    const std::string& message() const { return event_.content(); }

  private:
    Tip(event::Event event, PayoutAddresses payout)
        : event_(std::move(event)), payout_(std::move(payout)) {}

    event::Event event_;
    Hash256 target_{};
    ByteArray<32> author_{};
    TipPayment payment_;
    PayoutAddresses payout_;
};

// What tip_draft() needs besides the payout event. The payer is the key that will sign.
struct TipRequest {
    Hash256 target{};
    TipPayment payment;
    std::string message;
    int64_t created_at = 0;
};

// The unsigned kind 4570 event paying `payout` (the author's kind 10570 event; its pubkey is
// the p tag), checked as parse() checks the signed event (same codes; tip_self is checked
// only once the payer is known, by parse()).
[[nodiscard]] Result<event::Draft> tip_draft(const event::Event& payout, const TipRequest& request);

}  // namespace datt::tip
