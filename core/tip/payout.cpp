#include "tip/payout.h"

#include <utility>

#include "tip/network_name.h"

namespace datt::tip {
namespace {

bool is_standard(const bitcoin::Address& address) {
    switch (address.type()) {
        case bitcoin::AddressType::kP2pkh:
        case bitcoin::AddressType::kP2sh:
            return true;
        case bitcoin::AddressType::kWitness: {
            const size_t size = address.program().size();
            if (address.witness_version() == 0) return size == 20 || size == 32;
            return address.witness_version() == 1 && size == 32;
        }
    }
    return false;
}

// Reads the btc tags of `tags` (shared by parse and payout_draft).
Result<std::vector<PayoutAddress>> read_addresses(const event::Tags& tags) {
    std::vector<PayoutAddress> addresses;
    for (const event::Tag& tag : tags) {
        if (tag.empty() || tag[0] != "btc") continue;
        if (tag.size() != 3) {
            return make_error("payout_tag_malformed",
                              "a btc tag is [\"btc\", <network>, <address>]");
        }
        const bitcoin::Network* network = find_network(tag[1]);
        if (network == nullptr) {
            return make_error("payout_unknown_network", "unknown network '" + tag[1] + "'");
        }
        for (const PayoutAddress& seen : addresses) {
            if (seen.network == network) {
                return make_error("payout_duplicate_network", "two addresses for " + network->name);
            }
        }
        auto address = bitcoin::Address::parse(*network, tag[2]);
        if (!address) {
            return make_error("payout_bad_address",
                              address.error().code + ": " + address.error().message);
        }
        if (address->to_string() != tag[2]) {
            return make_error("payout_bad_address",
                              "not the canonical text of the address: " + address->to_string());
        }
        if (!is_standard(*address)) {
            return make_error("payout_address_nonstandard",
                              "not a P2PKH, P2SH, P2WPKH, P2WSH or P2TR address");
        }
        addresses.push_back(PayoutAddress{network, std::move(address).value()});
    }
    if (addresses.empty()) return make_error("payout_no_address", "no btc tag");
    return addresses;
}

}  // namespace

Result<PayoutAddresses> PayoutAddresses::parse(const event::Event& event) {
    if (event.kind() != kPayoutKind) {
        return make_error("payout_wrong_kind", "payout addresses are kind 10570");
    }
    auto addresses = read_addresses(event.tags());
    if (!addresses) return addresses.error();
    PayoutAddresses payout(event);
    payout.addresses_ = std::move(addresses).value();
    return payout;
}

const bitcoin::Address* PayoutAddresses::address_for(std::string_view network) const {
    for (const PayoutAddress& entry : addresses_) {
        if (entry.network->name == network) return &entry.address;
    }
    return nullptr;
}

Result<event::Draft> payout_draft(std::span<const PayoutEntry> entries, int64_t created_at) {
    event::Draft draft{.created_at = created_at, .kind = kPayoutKind, .tags = {}, .content = ""};
    for (const PayoutEntry& entry : entries) {
        draft.tags.push_back({"btc", entry.network, entry.address});
    }
    auto addresses = read_addresses(draft.tags);
    if (!addresses) return addresses.error();
    auto checked = event::check_draft(draft);
    if (!checked) return checked.error();
    return draft;
}

}  // namespace datt::tip
