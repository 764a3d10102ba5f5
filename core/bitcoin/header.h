// Block headers: the 80 bytes a block's proof of work commits to.
//
// Layout (all integers little-endian; hashes in internal byte order):
//   offset  size  field
//        0     4  version      int32
//        4    32  prev_block   hash of the previous header
//       36    32  merkle_root  root of the block's txids (merkle.h)
//       68     4  time         uint32, seconds since 1970
//       72     4  bits         compact target (target.h)
//       76     4  nonce        uint32
// Every 80-byte string is a well-formed header; whether its proof of work, linkage, target
// and time are valid is for check_proof_of_work() and header_chain.h to say.
//
// Error codes (Error::code):
//   header_wrong_size   parse_block_header() given other than 80 bytes, or
//                       parse_block_headers() given a length that is not a multiple of 80
//   truncated           read_block_header() with fewer than 80 bytes left
//   invalid_bits        (check_proof_of_work) see target.h
//   bad_pow             (check_proof_of_work) the header's hash is above its target
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bitcoin/uint256.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

inline constexpr size_t kBlockHeaderSize = 80;

struct BlockHeader {
    int32_t version = 0;
    Hash256 prev_block{};
    Hash256 merkle_root{};
    uint32_t time = 0;
    uint32_t bits = 0;
    uint32_t nonce = 0;

    bool operator==(const BlockHeader&) const = default;
};

// Exactly 80 bytes.
[[nodiscard]] Result<BlockHeader> parse_block_header(ByteSpan bytes);
// Headers back to back (a headers file, a `getblockheader false` series): a multiple of 80.
[[nodiscard]] Result<std::vector<BlockHeader>> parse_block_headers(ByteSpan bytes);
// The next 80 bytes of a larger structure (a merkle block).
[[nodiscard]] Result<BlockHeader> read_block_header(ByteReader& reader);

ByteArray<kBlockHeaderSize> serialize_block_header(const BlockHeader& header);
void write_block_header(ByteWriter& writer, const BlockHeader& header);

// SHA256(SHA256(80 bytes)), in internal byte order (display_hash.h shows it reversed).
Hash256 block_hash(const BlockHeader& header);

// Core's CheckProofOfWork: `bits` is a valid target under `pow_limit` and the hash, read as a
// little-endian number, is at most that target.
[[nodiscard]] Status check_proof_of_work(const Hash256& hash, uint32_t bits,
                                         const Uint256& pow_limit);

}  // namespace datt::bitcoin
