#include "channel/commitment_number.h"

#include "crypto/sha256.h"

namespace datt::channel {
namespace {
constexpr uint64_t kLow48 = (uint64_t{1} << 48) - 1;
constexpr uint32_t kLow24 = (uint32_t{1} << 24) - 1;
constexpr uint32_t kLockTimeTop = 0x20000000;
constexpr uint32_t kSequenceTop = 0x80000000;
}  // namespace

uint64_t commitment_obscuring_factor(const crypto::PubKey& opener_payment_basepoint,
                                     const crypto::PubKey& accepter_payment_basepoint) {
    const auto opener = opener_payment_basepoint.compressed();
    const auto accepter = accepter_payment_basepoint.compressed();
    crypto::Sha256 hasher;
    hasher.write(opener).write(accepter);
    const auto digest = hasher.finalize();
    uint64_t factor = 0;
    for (size_t i = 26; i < 32; ++i) factor = (factor << 8) | digest[i];
    return factor;
}

ObscuredCommitmentNumber obscure_commitment_number(uint64_t commitment_number,
                                                   uint64_t obscuring_factor) {
    const uint64_t obscured = (commitment_number ^ obscuring_factor) & kLow48;
    return ObscuredCommitmentNumber{
        kLockTimeTop | static_cast<uint32_t>(obscured & kLow24),
        kSequenceTop | static_cast<uint32_t>(obscured >> 24),
    };
}

std::optional<uint64_t> commitment_number_of(const bitcoin::Transaction& tx,
                                             uint64_t obscuring_factor) {
    if (tx.inputs.size() != 1) return std::nullopt;
    const uint32_t sequence = tx.inputs[0].sequence;
    if ((tx.lock_time & ~kLow24) != kLockTimeTop || (sequence & ~kLow24) != kSequenceTop) {
        return std::nullopt;
    }
    const uint64_t obscured = (uint64_t{sequence & kLow24} << 24) | uint64_t{tx.lock_time & kLow24};
    return (obscured ^ obscuring_factor) & kLow48;
}

}  // namespace datt::channel
