// Verified sats per target, from on-chain tips (core/tip verify_tip) and from channel
// payment receipts (core/receipt verify_receipt) alike: what the hot sort's tip term weighs
// (rank.h Item::tip_sats). A payment counts once however many events name it: an on-chain
// tip once per outpoint (txid, vout), a receipt once per payment hash (first seen wins).
// Receipt msats are summed per target, then rounded down to whole sats.
// Give only verified payments: nothing here checks them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "bitcoin/amount.h"
#include "util/bytes.h"

namespace datt::feed {

struct ChainPayment {
    Hash256 target{};
    Hash256 txid{};
    uint32_t vout = 0;
    bitcoin::Sats sats;
};

struct ChannelPayment {
    Hash256 target{};
    Hash256 payment_hash{};
    bitcoin::Msats amount;
};

// nullopt when an amount is outside 0..21e6 BTC or a target's total would pass it.
[[nodiscard]] std::optional<std::map<Hash256, bitcoin::Sats>> paid_sats(
    std::span<const ChainPayment> chain, std::span<const ChannelPayment> channel);

}  // namespace datt::feed
