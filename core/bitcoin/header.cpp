#include "bitcoin/header.h"

#include <algorithm>
#include <string>

#include "bitcoin/display_hash.h"
#include "bitcoin/target.h"
#include "crypto/sha256.h"

namespace datt::bitcoin {

Result<BlockHeader> read_block_header(ByteReader& reader) {
    // One bounds check for the whole header, so a short read leaves the position unchanged.
    auto bytes = reader.read_span(kBlockHeaderSize);
    if (!bytes.ok()) return bytes.error();
    ByteReader fields(*bytes);
    BlockHeader header;
    header.version = static_cast<int32_t>(*fields.read_u32_le());
    header.prev_block = *fields.read_array<32>();
    header.merkle_root = *fields.read_array<32>();
    header.time = *fields.read_u32_le();
    header.bits = *fields.read_u32_le();
    header.nonce = *fields.read_u32_le();
    return header;
}

Result<BlockHeader> parse_block_header(ByteSpan bytes) {
    if (bytes.size() != kBlockHeaderSize) {
        return make_error("header_wrong_size",
                          "a block header is 80 bytes, got " + std::to_string(bytes.size()));
    }
    ByteReader reader(bytes);
    return read_block_header(reader);
}

Result<std::vector<BlockHeader>> parse_block_headers(ByteSpan bytes) {
    if (bytes.size() % kBlockHeaderSize != 0) {
        return make_error(
            "header_wrong_size",
            std::to_string(bytes.size()) + " bytes is not a whole number of " + "80-byte headers");
    }
    std::vector<BlockHeader> headers;
    headers.reserve(bytes.size() / kBlockHeaderSize);
    ByteReader reader(bytes);
    while (!reader.at_end()) headers.push_back(*read_block_header(reader));
    return headers;
}

// Written straight into an array: hashing 100,000 headers should not allocate 100,000 times.
ByteArray<kBlockHeaderSize> serialize_block_header(const BlockHeader& header) {
    ByteArray<kBlockHeaderSize> out;
    const auto put_u32 = [&out](size_t offset, uint32_t value) {
        for (size_t i = 0; i < 4; ++i) out[offset + i] = static_cast<uint8_t>(value >> (8 * i));
    };
    put_u32(0, static_cast<uint32_t>(header.version));
    std::copy(header.prev_block.begin(), header.prev_block.end(), out.begin() + 4);
    std::copy(header.merkle_root.begin(), header.merkle_root.end(), out.begin() + 36);
    put_u32(68, header.time);
    put_u32(72, header.bits);
    put_u32(76, header.nonce);
    return out;
}

void write_block_header(ByteWriter& writer, const BlockHeader& header) {
    writer.write_bytes(serialize_block_header(header));
}

Hash256 block_hash(const BlockHeader& header) {
    return crypto::sha256d(serialize_block_header(header));
}

Status check_proof_of_work(const Hash256& hash, uint32_t bits, const Uint256& pow_limit) {
    auto target = target_from_bits(bits, pow_limit);
    if (!target.ok()) return target.error();
    if (Uint256::from_le_bytes(hash) > *target) {
        return make_error("bad_pow", "block hash " + to_display_hex(hash) +
                                         " is above the target " + target->to_hex());
    }
    return Ok{};
}

}  // namespace datt::bitcoin
