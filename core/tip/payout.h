// The author's payout addresses: a kind 10570 event (replaceable) with one
// ["btc", <network>, <address>] tag per network (docs/protocol.md "On-chain tips").
//
// An address is its network's canonical text (core/bitcoin/address.h: bech32 in lower case)
// of a standard output type: P2PKH, P2SH, P2WPKH, P2WSH or P2TR. Other tags and the content
// are ignored.
//
// Error codes:
//   payout_wrong_kind            the event is not kind 10570
//   payout_tag_malformed         a btc tag is not ["btc", <network>, <address>]
//   payout_unknown_network       the network is not one of network_name.h's names
//   payout_duplicate_network     two btc tags for one network
//   payout_bad_address           the address does not parse on its network, or is not in its
//                                canonical text (the message carries the address code)
//   payout_address_nonstandard   a valid address of a type other than the five above
//   payout_no_address            no btc tag
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bitcoin/address.h"
#include "bitcoin/network.h"
#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::tip {

inline constexpr event::Kind kPayoutKind = 10570;

struct PayoutAddress {
    const bitcoin::Network* network = nullptr;  // one of bitcoin::known_networks()
    bitcoin::Address address;
};

// What payout_draft() takes: a network name and an address text.
struct PayoutEntry {
    std::string network;
    std::string address;
};

class PayoutAddresses {
  public:
    [[nodiscard]] static Result<PayoutAddresses> parse(const event::Event& event);

    const event::Event& event() const { return event_; }
    const ByteArray<32>& author() const { return event_.pubkey(); }
    // In the order of the event's tags.
    const std::vector<PayoutAddress>& addresses() const { return addresses_; }
    // The address for the network named `network`, or nullptr.
    const bitcoin::Address* address_for(std::string_view network) const;

  private:
    explicit PayoutAddresses(event::Event event) : event_(std::move(event)) {}

    event::Event event_;
    std::vector<PayoutAddress> addresses_;
};

// The unsigned kind 10570 event for `entries`, checked as parse() checks the signed one
// (same codes).
[[nodiscard]] Result<event::Draft> payout_draft(std::span<const PayoutEntry> entries,
                                                int64_t created_at);

}  // namespace datt::tip
