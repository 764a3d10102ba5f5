// Block headers, compact targets and proof of work on untrusted bytes.
//
// Invariants checked:
//   - parse_block_header accepts exactly 80 bytes and serializes back to them;
//     parse_block_headers accepts exactly multiples of 80 and gives every header back;
//     read_block_header leaves the position alone when it fails;
//   - check_proof_of_work answers ok, invalid_bits or bad_pow for every network, and ok only
//     when the bits decode to a valid target the hash (as a number) does not exceed;
//   - a compact form that is not negative and does not overflow re-encodes to a form that
//     decodes to the same number; the work of a valid target is at least 1;
//   - Uint256 division: n = (n / d) * d + r with r < d, for d from the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "bitcoin/header.h"
#include "bitcoin/network.h"
#include "bitcoin/target.h"
#include "bitcoin/uint256.h"
#include "check.h"
#include "util/byte_writer.h"

namespace {

using namespace datt::bitcoin;
using datt::ByteSpan;

void check_headers(ByteSpan data) {
    auto one = parse_block_header(data);
    DATT_FUZZ_CHECK(one.ok() == (data.size() == kBlockHeaderSize));
    if (one.ok()) {
        const auto bytes = serialize_block_header(*one);
        DATT_FUZZ_CHECK(std::equal(bytes.begin(), bytes.end(), data.begin(), data.end()));
    } else {
        DATT_FUZZ_CHECK(one.error().code == "header_wrong_size");
    }

    auto many = parse_block_headers(data);
    DATT_FUZZ_CHECK(many.ok() == (data.size() % kBlockHeaderSize == 0));
    if (many.ok()) {
        DATT_FUZZ_CHECK(many->size() * kBlockHeaderSize == data.size());
        datt::ByteWriter writer;
        for (const BlockHeader& header : *many) write_block_header(writer, header);
        DATT_FUZZ_CHECK(writer.bytes() == datt::Bytes(data.begin(), data.end()));
    }

    datt::ByteReader reader(data);
    auto read = read_block_header(reader);
    DATT_FUZZ_CHECK(read.ok() == (data.size() >= kBlockHeaderSize));
    DATT_FUZZ_CHECK(reader.position() == (read.ok() ? kBlockHeaderSize : 0));
}

void check_pow(ByteSpan data) {
    if (data.size() < kBlockHeaderSize) return;
    const BlockHeader header = *parse_block_header(data.first(kBlockHeaderSize));
    const datt::Hash256 hash = block_hash(header);
    for (const Network* network : known_networks()) {
        auto pow = check_proof_of_work(hash, header.bits, network->pow_limit);
        auto target = target_from_bits(header.bits, network->pow_limit);
        if (pow.ok()) {
            DATT_FUZZ_CHECK(target.ok());
            DATT_FUZZ_CHECK(Uint256::from_le_bytes(hash) <= *target);
        } else if (pow.error().code == "invalid_bits") {
            DATT_FUZZ_CHECK(!target.ok() && target.error().code == "invalid_bits");
        } else {
            DATT_FUZZ_CHECK(pow.error().code == "bad_pow");
            DATT_FUZZ_CHECK(target.ok() && Uint256::from_le_bytes(hash) > *target);
        }
        if (target.ok()) {
            DATT_FUZZ_CHECK(!target->is_zero() && *target <= network->pow_limit);
            DATT_FUZZ_CHECK(work_from_target(*target) >= Uint256(1));
        }
    }
    const CompactDecoded decoded = decode_compact(header.bits);
    if (!decoded.negative && !decoded.overflow) {
        const uint32_t canonical = encode_compact(decoded.value);
        DATT_FUZZ_CHECK(decode_compact(canonical).value == decoded.value);
        DATT_FUZZ_CHECK(encode_compact(decode_compact(canonical).value) == canonical);
    }
}

void check_division(ByteSpan data) {
    if (data.size() < 36) return;
    datt::ByteArray<32> bytes;
    std::copy(data.begin(), data.begin() + 32, bytes.begin());
    const Uint256 n = Uint256::from_le_bytes(bytes);
    const uint32_t d = static_cast<uint32_t>(data[32]) | (static_cast<uint32_t>(data[33]) << 8) |
                       (static_cast<uint32_t>(data[34]) << 16) |
                       (static_cast<uint32_t>(data[35]) << 24);
    if (d == 0) return;
    const Uint256 q = n / Uint256(d);
    const Uint256 r = n - q * d;
    DATT_FUZZ_CHECK(r < Uint256(d));
    DATT_FUZZ_CHECK(q * d + r == n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan bytes(data, size);
    check_headers(bytes);
    check_pow(bytes);
    check_division(bytes);
    return 0;
}
