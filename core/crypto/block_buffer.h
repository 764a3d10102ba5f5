// The Merkle-Damgard framing that SHA-1, SHA-256, SHA-512 and RIPEMD-160 share (internal to
// core/crypto): input is cut into fixed-size blocks for a compression function, and the last
// block is padded with 0x80, zeros, and the message length in bits as each hash encodes it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace datt::crypto::detail {

template <size_t BlockSize>
class BlockBuffer {
public:
    // Calls compress(const uint8_t* block) for every block completed by `data`. Whole blocks
    // are compressed straight from the caller's memory; only a partial one is copied.
    template <typename Compress>
    void write(std::span<const uint8_t> data, Compress&& compress) {
        if (data.empty()) return;
        const uint8_t* input = data.data();
        size_t remaining = data.size();
        const size_t buffered = total_bytes_ % BlockSize;
        total_bytes_ += remaining;
        if (buffered != 0) {
            const size_t take = std::min(BlockSize - buffered, remaining);
            std::memcpy(buffer_ + buffered, input, take);
            input += take;
            remaining -= take;
            if (buffered + take < BlockSize) return;
            compress(static_cast<const uint8_t*>(buffer_));
        }
        for (; remaining >= BlockSize; remaining -= BlockSize, input += BlockSize) compress(input);
        if (remaining != 0) std::memcpy(buffer_, input, remaining);
    }

    // Writes the padding: 0x80, then zeros so that `length_field` (the message's bit length,
    // encoded by the caller from total_bytes()) ends a block, then `length_field`.
    template <typename Compress>
    void pad(std::span<const uint8_t> length_field, Compress&& compress) {
        static constexpr uint8_t kPadding[BlockSize] = {0x80};
        const size_t room = BlockSize - length_field.size();
        const size_t buffered = total_bytes_ % BlockSize;
        write({kPadding, buffered < room ? room - buffered : BlockSize + room - buffered}, compress);
        write(length_field, compress);
    }

    // Bytes written so far, the padding's included once pad() ran.
    uint64_t total_bytes() const { return total_bytes_; }

private:
    uint8_t buffer_[BlockSize];
    uint64_t total_bytes_ = 0;
};

}  // namespace datt::crypto::detail
