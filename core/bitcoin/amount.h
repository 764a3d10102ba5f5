// Bitcoin amounts: Sats (on-chain) and Msats (Lightning millisatoshis) as distinct types.
//
// Neither converts implicitly to or from an integer, so money cannot be mixed with counts,
// sizes or the other unit by accident. Arithmetic is checked: every operation that can
// overflow returns std::optional (nullopt on overflow), as Core Lightning's amount_msat does.
//
// Sats is signed, like Bitcoin Core's CAmount: a transaction output's 8-byte value is a
// signed integer on the wire, and a parser must be able to hold (and report) a negative
// one. Values a transaction may carry are in [0, MAX_MONEY]: in_money_range() says whether
// a value is (Core's MoneyRange). Msats is unsigned, as BOLT messages encode it (u64).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>

namespace datt::bitcoin {

class Sats {
  public:
    constexpr Sats() = default;
    constexpr explicit Sats(int64_t value) : value_(value) {}

    constexpr int64_t value() const { return value_; }
    // 0 <= value <= MAX_MONEY (Bitcoin Core's MoneyRange).
    constexpr bool in_money_range() const;

    [[nodiscard]] std::optional<Sats> checked_add(Sats other) const;
    [[nodiscard]] std::optional<Sats> checked_sub(Sats other) const;
    [[nodiscard]] std::optional<Sats> checked_mul(int64_t factor) const;

    constexpr auto operator<=>(const Sats&) const = default;

  private:
    int64_t value_ = 0;
};

// 21,000,000 BTC: no output, and no sum of outputs, may exceed it (consensus).
inline constexpr Sats kCoin{100'000'000};
inline constexpr Sats kMaxMoney{21'000'000 * int64_t{100'000'000}};

constexpr bool Sats::in_money_range() const { return value_ >= 0 && value_ <= kMaxMoney.value(); }

class Msats {
  public:
    constexpr Msats() = default;
    constexpr explicit Msats(uint64_t value) : value_(value) {}

    constexpr uint64_t value() const { return value_; }

    [[nodiscard]] std::optional<Msats> checked_add(Msats other) const;
    [[nodiscard]] std::optional<Msats> checked_sub(Msats other) const;
    [[nodiscard]] std::optional<Msats> checked_mul(uint64_t factor) const;

    // Whole satoshis: nullopt unless the amount is a multiple of 1000 (nothing lost).
    [[nodiscard]] std::optional<Sats> to_sats_exact() const;
    // Whole satoshis rounded down; sub_sat_remainder() says what was dropped. An
    // amount above INT64_MAX satoshis cannot occur (2^64-1 msat / 1000 < 2^63).
    Sats to_sats_floor() const;
    // Whole satoshis rounded up (what an on-chain output must carry to cover this).
    Sats to_sats_ceil() const;
    // The millisatoshis below one satoshi (0..999) that to_sats_floor() drops.
    Msats sub_sat_remainder() const { return Msats{value_ % 1000}; }

    constexpr auto operator<=>(const Msats&) const = default;

  private:
    uint64_t value_ = 0;
};

// Sats -> Msats: nullopt for a negative amount or one that overflows 64 bits.
[[nodiscard]] std::optional<Msats> to_msats(Sats sats);

}  // namespace datt::bitcoin
