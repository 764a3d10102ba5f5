#include "bip39/mnemonic.h"

#include <algorithm>

#include "bip39/wordlist.h"
#include "crypto/sha256.h"
#include "crypto/wipe.h"

namespace datt::bip39 {

namespace {

constexpr size_t kBitsPerWord = 11;
constexpr size_t kMinWords = 12;
constexpr size_t kMaxWords = 24;
constexpr size_t kMaxWordLength = 8;  // "abstract", "absolute", ... in the English list
// Entropy plus checksum: at most 256 + 8 bits = 24 words of 11 bits.
constexpr size_t kMaxPayloadBytes = 33;

using crypto::WipeOnExit;

// Bits are numbered from the most significant bit of byte 0, as BIP-39 concatenates them.
uint16_t read_word_index(const ByteArray<kMaxPayloadBytes>& payload, size_t word) {
    uint16_t index = 0;
    for (size_t bit = word * kBitsPerWord; bit < (word + 1) * kBitsPerWord; ++bit) {
        index = static_cast<uint16_t>((index << 1) | ((payload[bit / 8] >> (7 - bit % 8)) & 1));
    }
    return index;
}

void write_word_index(ByteArray<kMaxPayloadBytes>& payload, size_t word, uint16_t index) {
    for (size_t i = 0; i < kBitsPerWord; ++i) {
        size_t bit = word * kBitsPerWord + i;
        uint8_t value = (index >> (kBitsPerWord - 1 - i)) & 1;
        payload[bit / 8] = static_cast<uint8_t>(payload[bit / 8] | (value << (7 - bit % 8)));
    }
}

// The first `checksum_bits` (entropy bytes / 4) bits of SHA-256(entropy).
uint8_t checksum_of(ByteSpan entropy) {
    auto hash = crypto::sha256(entropy);
    size_t checksum_bits = entropy.size() / 4;
    uint8_t checksum = static_cast<uint8_t>(hash[0] >> (8 - checksum_bits));
    crypto::secure_wipe(hash.data(), hash.size());
    return checksum;
}

bool is_ascii_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

Result<std::string> entropy_to_mnemonic(ByteSpan entropy) {
    if (entropy.size() < 16 || entropy.size() > 32 || entropy.size() % 4 != 0) {
        return make_error(
            "mnemonic_entropy_length",
            "entropy must be 16, 20, 24, 28 or 32 bytes, got " + std::to_string(entropy.size()));
    }
    ByteArray<kMaxPayloadBytes> payload{};
    WipeOnExit wipe_payload(payload.data(), payload.size());
    std::copy(entropy.begin(), entropy.end(), payload.begin());
    // The checksum is at most 8 bits, so it fits in the byte after the entropy, high bits
    // first, where the last word's bits continue.
    size_t checksum_bits = entropy.size() / 4;
    payload[entropy.size()] = static_cast<uint8_t>(checksum_of(entropy) << (8 - checksum_bits));

    size_t word_count = (entropy.size() * 8 + checksum_bits) / kBitsPerWord;
    std::string mnemonic;
    // Reserved up front: growing would leave copies of the words in freed memory.
    mnemonic.reserve(word_count * (kMaxWordLength + 1));
    for (size_t word = 0; word < word_count; ++word) {
        if (word > 0) mnemonic.push_back(' ');
        mnemonic.append(kEnglishWordlist[read_word_index(payload, word)]);
    }
    return mnemonic;
}

Result<Bytes> mnemonic_to_entropy(std::string_view mnemonic) {
    size_t word_count = mnemonic.empty() ? 0 : 1;
    for (size_t i = 0; i < mnemonic.size(); ++i) {
        char c = mnemonic[i];
        if (!is_ascii_whitespace(c)) continue;
        bool lone_inner_space =
            c == ' ' && i > 0 && i + 1 < mnemonic.size() && mnemonic[i - 1] != ' ';
        if (!lone_inner_space) {
            return make_error("mnemonic_separator",
                              "words must be separated by single spaces, with none at the "
                              "start or end (character " +
                                  std::to_string(i + 1) + ")");
        }
        ++word_count;
    }
    if (word_count < kMinWords || word_count > kMaxWords || word_count % 3 != 0) {
        return make_error("mnemonic_word_count", "a mnemonic has 12, 15, 18, 21 or 24 words, got " +
                                                     std::to_string(word_count));
    }

    ByteArray<kMaxPayloadBytes> payload{};
    WipeOnExit wipe_payload(payload.data(), payload.size());
    size_t word = 0;
    size_t start = 0;
    while (start <= mnemonic.size()) {
        size_t end = std::min(mnemonic.find(' ', start), mnemonic.size());
        auto index = find_english_word(mnemonic.substr(start, end - start));
        if (!index) {
            return make_error("mnemonic_unknown_word", "word " + std::to_string(word + 1) +
                                                           " is not in the BIP-39 English "
                                                           "wordlist");
        }
        write_word_index(payload, word, *index);
        ++word;
        start = end + 1;
    }

    size_t entropy_size = word_count * 4 / 3;
    size_t checksum_bits = entropy_size / 4;
    ByteSpan entropy(payload.data(), entropy_size);
    uint8_t stored_checksum = static_cast<uint8_t>(payload[entropy_size] >> (8 - checksum_bits));
    if (stored_checksum != checksum_of(entropy)) {
        return make_error("mnemonic_checksum", "the mnemonic's checksum does not match");
    }
    return Bytes(entropy.begin(), entropy.end());
}

Status check_mnemonic(std::string_view mnemonic) {
    auto entropy = mnemonic_to_entropy(mnemonic);
    if (!entropy) return entropy.error();
    crypto::secure_wipe(entropy->data(), entropy->size());
    return Ok{};
}

}  // namespace datt::bip39
