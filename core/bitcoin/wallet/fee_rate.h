// Fee rates: how much a transaction pays per virtual byte (BIP-141 vsize).
//
// Held in millisatoshis per vbyte, which is the same number as Bitcoin Core's CFeeRate
// (satoshis per 1,000 vbytes), so 0.1 sat/vB and bcoin's sat/kB rates are exact. A FeeRate is
// never an integer in an API: it is built from sat/vB or msat/vB on purpose, and the fee it
// asks for comes out as Sats through checked arithmetic.
//
// Rounding, as Core's CFeeRate::GetFee: the fee of a size is rounded up to whole satoshis,
// so a transaction paying fee_for_vsize(vsize) pays at least the rate. The rate a
// transaction paid (paid_rate) is rounded down, as Core's CFeeRate(fee, size) does.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "bitcoin/amount.h"

namespace datt::bitcoin::wallet {

class FeeRate {
  public:
    constexpr FeeRate() = default;

    static constexpr FeeRate msat_per_vb(uint64_t value) { return FeeRate(value); }
    // Whole sat/vB (a 32-bit count, so the millisatoshi value cannot overflow).
    static constexpr FeeRate sat_per_vb(uint32_t value) { return FeeRate(uint64_t{value} * 1000); }
    // The rate `fee` over `vsize` pays, rounded down (Core's CFeeRate(fee, size)); nullopt for
    // a negative fee, a zero size or an overflow.
    [[nodiscard]] static std::optional<FeeRate> paid(Sats fee, uint64_t vsize);

    constexpr uint64_t msat_per_vb() const { return msat_per_vb_; }

    // The fee of `vsize` virtual bytes, rounded up; nullopt when it overflows or would exceed
    // MAX_MONEY (no transaction can pay that).
    [[nodiscard]] std::optional<Sats> fee_for_vsize(uint64_t vsize) const;
    // The fee of `weight` weight units: of its vsize, ceil(weight / 4).
    [[nodiscard]] std::optional<Sats> fee_for_weight(uint64_t weight) const;

    [[nodiscard]] std::optional<FeeRate> checked_add(FeeRate other) const;

    // "12.5 sat/vB" for messages.
    std::string to_string() const;

    constexpr auto operator<=>(const FeeRate&) const = default;

  private:
    constexpr explicit FeeRate(uint64_t msat_per_vb) : msat_per_vb_(msat_per_vb) {}
    uint64_t msat_per_vb_ = 0;
};

}  // namespace datt::bitcoin::wallet
