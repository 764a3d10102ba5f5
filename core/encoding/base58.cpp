#include "encoding/base58.h"

#include <algorithm>
#include <array>

#include "crypto/sha256.h"
#include "crypto/wipe.h"

namespace datt::encoding {
namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr size_t kChecksumSize = 4;

// Character -> digit value, -1 for characters outside the alphabet.
constexpr std::array<int8_t, 256> make_digit_table() {
    std::array<int8_t, 256> table{};
    table.fill(-1);
    for (size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    return table;
}
constexpr std::array<int8_t, 256> kDigitValue = make_digit_table();

// Base58Check payloads include extended private keys, so working copies are wiped.
void wipe(Bytes& buffer) {
    crypto::secure_wipe(buffer.data(), buffer.size());
}

std::array<uint8_t, kChecksumSize> checksum(ByteSpan payload) {
    const auto first = crypto::sha256(payload);
    const auto second = crypto::sha256(first);
    return {second[0], second[1], second[2], second[3]};
}

}  // namespace

std::string base58_encode(ByteSpan data) {
    const size_t leading_zeros = static_cast<size_t>(
        std::find_if(data.begin(), data.end(), [](uint8_t b) { return b; }) - data.begin());

    // Big-endian base-58 digits of the remaining bytes; log(256)/log(58) < 1.38.
    Bytes digits((data.size() - leading_zeros) * 138 / 100 + 1, 0);
    size_t used = 0;  // digits in use, counted from the end of `digits`
    for (size_t i = leading_zeros; i < data.size(); ++i) {
        uint32_t carry = data[i];
        size_t touched = 0;
        for (auto it = digits.rbegin(); (carry != 0 || touched < used) && it != digits.rend();
             ++it, ++touched) {
            carry += 256u * *it;
            *it = static_cast<uint8_t>(carry % 58);
            carry /= 58;
        }
        used = touched;
    }

    std::string text(leading_zeros, kAlphabet[0]);
    text.reserve(leading_zeros + used);
    for (size_t i = digits.size() - used; i < digits.size(); ++i) text += kAlphabet[digits[i]];
    wipe(digits);
    return text;
}

Result<Bytes> base58_decode(std::string_view text) {
    if (text.size() > kBase58MaxDecodeLength) {
        return make_error("base58_too_long", "Base58 input is longer than " +
                                                 std::to_string(kBase58MaxDecodeLength) +
                                                 " characters");
    }
    const size_t leading_ones = std::min(text.find_first_not_of(kAlphabet[0]), text.size());

    // Big-endian base-256 bytes of the remaining digits; log(58)/log(256) < 0.733.
    Bytes value((text.size() - leading_ones) * 733 / 1000 + 1, 0);
    size_t used = 0;  // bytes in use, counted from the end of `value`
    for (size_t i = leading_ones; i < text.size(); ++i) {
        const int digit = kDigitValue[static_cast<uint8_t>(text[i])];
        if (digit < 0) {
            wipe(value);
            return make_error("base58_invalid_char",
                              "character " + std::to_string(i) + " is not in the Base58 alphabet");
        }
        uint32_t carry = static_cast<uint32_t>(digit);
        size_t touched = 0;
        for (auto it = value.rbegin(); (carry != 0 || touched < used) && it != value.rend();
             ++it, ++touched) {
            carry += 58u * *it;
            *it = static_cast<uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        used = touched;
    }

    Bytes decoded(leading_ones, 0);
    decoded.insert(decoded.end(), value.end() - static_cast<ptrdiff_t>(used), value.end());
    wipe(value);
    return decoded;
}

std::string base58check_encode(ByteSpan payload) {
    Bytes with_checksum(payload.begin(), payload.end());
    const auto sum = checksum(payload);
    with_checksum.insert(with_checksum.end(), sum.begin(), sum.end());
    std::string text = base58_encode(with_checksum);
    wipe(with_checksum);
    return text;
}

Result<Bytes> base58check_decode(std::string_view text) {
    auto decoded = base58_decode(text);
    if (!decoded) return decoded.error();
    Bytes& data = decoded.value();
    if (data.size() < kChecksumSize) {
        wipe(data);
        return make_error("base58check_too_short", "Base58Check data is shorter than its checksum");
    }
    const ByteSpan payload(data.data(), data.size() - kChecksumSize);
    const auto expected = checksum(payload);
    if (!std::equal(expected.begin(), expected.end(), data.end() - kChecksumSize)) {
        wipe(data);
        return make_error("base58check_bad_checksum", "Base58Check checksum does not match");
    }
    data.resize(payload.size());
    return decoded;
}

}  // namespace datt::encoding
