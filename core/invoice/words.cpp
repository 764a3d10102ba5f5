#include "invoice/words.h"

#include "encoding/bech32.h"

namespace datt::invoice {

std::optional<uint64_t> read_uint(ByteSpan words) {
    uint64_t value = 0;
    for (const uint8_t word : words) {
        if (value > (UINT64_MAX >> 5)) return std::nullopt;
        value = (value << 5) | word;
    }
    return value;
}

Bytes uint_words(uint64_t value) {
    Bytes out;
    for (; value != 0; value >>= 5) out.insert(out.begin(), static_cast<uint8_t>(value & 31));
    return out;
}

Bytes uint_words_fixed(uint64_t value, size_t count) {
    Bytes out(count);
    for (size_t i = count; i > 0; --i, value >>= 5) out[i - 1] = static_cast<uint8_t>(value & 31);
    return out;
}

Bytes bytes_to_words(ByteSpan bytes) {
    // 8 -> 5 with padding cannot fail.
    return encoding::convert_bits(bytes, 8, 5, true).value();
}

Bytes words_to_bytes_padded(ByteSpan words) {
    // Words are below 32 (bech32's decoder gives no others): cannot fail.
    return encoding::convert_bits(words, 5, 8, true).value();
}

Result<Bytes> words_to_bytes(ByteSpan words) {
    auto bytes = encoding::convert_bits(words, 5, 8, false);
    if (!bytes) {
        return make_error("invoice_bad_padding",
                          "a field's data has padding bits that are not zero, or an extra word");
    }
    return std::move(*bytes);
}

}  // namespace datt::invoice
