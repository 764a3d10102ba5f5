#include "bitcoin/amount.h"

#include <limits>

namespace datt::bitcoin {

std::optional<Sats> Sats::checked_add(Sats other) const {
    int64_t out = 0;
    if (__builtin_add_overflow(value_, other.value_, &out)) return std::nullopt;
    return Sats{out};
}

std::optional<Sats> Sats::checked_sub(Sats other) const {
    int64_t out = 0;
    if (__builtin_sub_overflow(value_, other.value_, &out)) return std::nullopt;
    return Sats{out};
}

std::optional<Sats> Sats::checked_mul(int64_t factor) const {
    int64_t out = 0;
    if (__builtin_mul_overflow(value_, factor, &out)) return std::nullopt;
    return Sats{out};
}

std::optional<Msats> Msats::checked_add(Msats other) const {
    uint64_t out = 0;
    if (__builtin_add_overflow(value_, other.value_, &out)) return std::nullopt;
    return Msats{out};
}

std::optional<Msats> Msats::checked_sub(Msats other) const {
    uint64_t out = 0;
    if (__builtin_sub_overflow(value_, other.value_, &out)) return std::nullopt;
    return Msats{out};
}

std::optional<Msats> Msats::checked_mul(uint64_t factor) const {
    uint64_t out = 0;
    if (__builtin_mul_overflow(value_, factor, &out)) return std::nullopt;
    return Msats{out};
}

std::optional<Sats> Msats::to_sats_exact() const {
    if (value_ % 1000 != 0) return std::nullopt;
    return to_sats_floor();
}

Sats Msats::to_sats_floor() const { return Sats{static_cast<int64_t>(value_ / 1000)}; }

Sats Msats::to_sats_ceil() const {
    return Sats{static_cast<int64_t>(value_ / 1000 + (value_ % 1000 != 0 ? 1 : 0))};
}

std::optional<Msats> to_msats(Sats sats) {
    if (sats.value() < 0) return std::nullopt;
    return Msats{static_cast<uint64_t>(sats.value())}.checked_mul(1000);
}

}  // namespace datt::bitcoin
