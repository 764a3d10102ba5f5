// The byte codec (util/byte_reader.h, util/byte_writer.h, util/varint.h) on untrusted bytes.
//
// Invariants checked:
//   - ByteReader driven by the input itself (each step reads an op byte, then the value the
//     op names): writing every value read back with ByteWriter rebuilds exactly the bytes
//     consumed; a failed read is "truncated", needed more than remained, and moved nothing;
//   - CompactSize, BigSize and NIP-77 varints read one after another from the input: each
//     value re-encodes to exactly the bytes it was read from (decode -> encode -> same
//     bytes), its *_length() is that size, and a failure carries a documented code and
//     leaves the position alone; MAX_SIZE is applied exactly when the value exceeds it;
//   - values taken from the input encode and decode back to themselves in all three
//     encodings (encode -> decode -> same value), consuming the whole encoding.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "check.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/varint.h"

namespace {

using datt::ByteReader;
using datt::ByteSpan;
using datt::ByteWriter;

bool same_bytes(ByteSpan a, ByteSpan b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

template <class T>
bool read_failed_cleanly(const datt::Result<T>& result, const ByteReader& reader, size_t before,
                         uint64_t needed) {
    return !result && result.error().code == "truncated" && !result.error().message.empty() &&
           reader.position() == before && reader.remaining() < needed;
}

// On success re-emits the value with `write`; on failure checks that it failed cleanly.
template <class T, class Write>
bool take(const datt::Result<T>& result, const ByteReader& reader, size_t before, uint64_t needed,
          Write write) {
    if (result) {
        write(*result);
        return true;
    }
    DATT_FUZZ_CHECK(read_failed_cleanly(result, reader, before, needed));
    return false;
}

void check_reader(ByteSpan data) {
    ByteReader reader(data);
    ByteWriter rebuilt;
    bool ok = true;
    while (ok && !reader.at_end()) {
        const uint8_t op = *reader.read_u8();
        rebuilt.write_u8(op);
        const size_t before = reader.position();
        switch (op % 9) {
            case 0:
                ok = take(reader.read_u16_le(), reader, before, 2,
                          [&](uint16_t v) { rebuilt.write_u16_le(v); });
                break;
            case 1:
                ok = take(reader.read_u16_be(), reader, before, 2,
                          [&](uint16_t v) { rebuilt.write_u16_be(v); });
                break;
            case 2:
                ok = take(reader.read_u32_le(), reader, before, 4,
                          [&](uint32_t v) { rebuilt.write_u32_le(v); });
                break;
            case 3:
                ok = take(reader.read_u32_be(), reader, before, 4,
                          [&](uint32_t v) { rebuilt.write_u32_be(v); });
                break;
            case 4:
                ok = take(reader.read_u64_le(), reader, before, 8,
                          [&](uint64_t v) { rebuilt.write_u64_le(v); });
                break;
            case 5:
                ok = take(reader.read_u64_be(), reader, before, 8,
                          [&](uint64_t v) { rebuilt.write_u64_be(v); });
                break;
            case 6:
                ok = take(reader.read_array<5>(), reader, before, 5,
                          [&](const datt::ByteArray<5>& v) { rebuilt.write_bytes(v); });
                break;
            case 7: {
                // A span as long as the op byte says: no copy, it points into the input.
                const uint64_t count = op >> 3;
                ok = take(reader.read_span(count), reader, before, count, [&](ByteSpan v) {
                    DATT_FUZZ_CHECK(v.size() == count && v.data() == data.data() + before);
                    rebuilt.write_bytes(v);
                });
                break;
            }
            default: {
                // Lengths beyond 32 bits must not wrap (size_t is 32 bits on wasm32).
                const uint64_t count = (uint64_t{op} >> 7 << 32) | (op >> 3);
                ok = take(reader.skip(count), reader, before, count, [&](datt::Ok) {
                    rebuilt.write_bytes(data.subspan(before, static_cast<size_t>(count)));
                });
                break;
            }
        }
    }
    DATT_FUZZ_CHECK(same_bytes(rebuilt.bytes(), data.first(reader.position())));
    DATT_FUZZ_CHECK(reader.expect_end().ok() == reader.at_end());
}

// Reads values of one encoding until the input ends or a read fails.
template <class Read, class Write, class Length>
void check_varint_stream(ByteSpan data, Read read, Write write, Length length,
                         std::initializer_list<std::string_view> codes) {
    ByteReader reader(data);
    while (!reader.at_end()) {
        const size_t before = reader.position();
        auto value = read(reader);
        if (!value) {
            DATT_FUZZ_CHECK(datt::fuzz::is_one_of(value.error().code, codes));
            DATT_FUZZ_CHECK(!value.error().message.empty());
            DATT_FUZZ_CHECK(reader.position() == before);
            return;
        }
        const ByteSpan consumed = data.subspan(before, reader.position() - before);
        ByteWriter writer;
        write(writer, *value);
        DATT_FUZZ_CHECK(same_bytes(writer.bytes(), consumed));
        DATT_FUZZ_CHECK(length(*value) == consumed.size());
    }
}

void check_compact_size_limit(ByteSpan data) {
    ByteReader unlimited(data);
    ByteReader limited(data);
    auto any = datt::read_compact_size(unlimited, datt::kCompactSizeNoLimit);
    auto bounded = datt::read_compact_size(limited);
    if (any && *any <= datt::kMaxCompactSize) {
        DATT_FUZZ_CHECK(bounded && *bounded == *any && limited.position() == unlimited.position());
    } else if (any) {
        DATT_FUZZ_CHECK(!bounded && bounded.error().code == "compact_size_too_large");
        DATT_FUZZ_CHECK(limited.position() == 0);
    } else {
        DATT_FUZZ_CHECK(!bounded && bounded.error().code == any.error().code);
    }
}

template <class Read, class Write>
void check_value_round_trip(uint64_t value, Read read, Write write) {
    ByteWriter writer;
    write(writer, value);
    ByteReader reader(writer.bytes());
    auto back = read(reader);
    DATT_FUZZ_CHECK(back && *back == value && reader.at_end());
}

void check_values(ByteSpan data) {
    auto compact = [](ByteReader& r) {
        return datt::read_compact_size(r, datt::kCompactSizeNoLimit);
    };
    for (size_t offset = 0; offset + 8 <= data.size() && offset < 16; ++offset) {
        ByteReader reader(data.subspan(offset, 8));
        const uint64_t raw = *reader.read_u64_le();
        // Shifted down by a data-chosen amount so that short encodings are reached too.
        for (const uint64_t value : {raw, raw >> (raw & 63), raw & 0xffff, raw & 0xff}) {
            check_value_round_trip(value, compact, datt::write_compact_size);
            check_value_round_trip(value, datt::read_big_size, datt::write_big_size);
            check_value_round_trip(value, datt::read_nip77_varint, datt::write_nip77_varint);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);
    check_reader(input);
    check_varint_stream(
        input, [](ByteReader& r) { return datt::read_compact_size(r, datt::kCompactSizeNoLimit); },
        datt::write_compact_size, datt::compact_size_length,
        {"truncated", "non_canonical_compact_size"});
    check_varint_stream(input, datt::read_big_size, datt::write_big_size, datt::big_size_length,
                        {"truncated", "non_canonical_big_size"});
    check_varint_stream(input, datt::read_nip77_varint, datt::write_nip77_varint,
                        datt::nip77_varint_length,
                        {"truncated", "non_canonical_nip77_varint", "nip77_varint_too_large"});
    check_compact_size_limit(input);
    check_values(input);
    return 0;
}
