// NIP-19 against the examples in the NIP-19 text, strings written by nostr-tools 2.20.0
// (an independent implementation), hand-built TLV payloads and every error code.
#include "encoding/nip19.h"

#include <gtest/gtest.h>

#include <string>

#include "encoding/bech32.h"
#include "util/hex.h"

namespace datt::encoding {
namespace {

// Keys and ids from the NIP-19 examples.
constexpr const char* kPubkeyA = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
constexpr const char* kPubkeyB = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";

ByteArray<32> bytes32(const char* hex) {
    return from_hex_fixed<32>(hex).value();
}

std::string upper(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

// A bech32 string for a hand-built payload, bypassing the NIP-19 encoder under test.
std::string bech32_of(std::string_view hrp, const Bytes& payload,
                      Bech32Variant variant = Bech32Variant::kBech32) {
    auto groups = convert_bits(payload, 8, 5, true);
    return bech32_encode(variant, hrp, groups.value(), kNip19MaxLength).value();
}

void append_tlv(Bytes& out, uint8_t type, const Bytes& value) {
    out.push_back(type);
    out.push_back(static_cast<uint8_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
}

Bytes text_bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}
Bytes raw(const ByteArray<32>& a) {
    return Bytes(a.begin(), a.end());
}

std::string error_code(std::string_view text) {
    auto decoded = decode_nip19(text);
    return decoded ? "ok" : decoded.error().code;
}

TEST(Nip19, SpecNpubExamples) {
    EXPECT_EQ(encode_npub(bytes32(kPubkeyA)),
              "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6");
    const std::string npub = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
    EXPECT_EQ(encode_npub(bytes32(kPubkeyB)), npub);
    auto decoded = decode_nip19(npub);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(std::get<Npub>(*decoded).pubkey, bytes32(kPubkeyB));
}

TEST(Nip19, SpecNsecExample) {
    const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    const auto secret = bytes32("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
    EXPECT_EQ(encode_nsec(secret), nsec);
    auto decoded = decode_nip19(nsec);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(std::get<Nsec>(*decoded).secret, secret);
}

TEST(Nip19, SpecNprofileExample) {
    const std::string nprofile =
        "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7mgpz"
        "4m"
        "hxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";
    auto decoded = decode_nip19(nprofile);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    const Nprofile expected{bytes32(kPubkeyA), {"wss://r.x.com", "wss://djbas.sadkb.com"}};
    EXPECT_EQ(std::get<Nprofile>(*decoded), expected);
    EXPECT_EQ(encode_nip19(expected).value(), nprofile);
}

TEST(Nip19, NostrToolsNoteNeventNaddr) {
    EXPECT_EQ(encode_note(bytes32(kPubkeyB)),
              "note10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qnx3ujq");

    // nostr-tools writes TLV entries in reverse order (kind, author, relays, special).
    auto full = decode_nip19(
        "nevent1qvzqqqr4gupzqwlsccluhy6xxsr6l9a9uhhxf75g85g8a709tprjcn4e42h053vaqy28wumn8ghj7un9d3s"
        "hjtnyv9kh2uewd9hsqgr706wy92gmlmcel2ffuh76rdewp67p5nq3g9nnufu5ydxcdtwlfcq69y9g");
    ASSERT_TRUE(full.ok()) << full.error().message;
    EXPECT_EQ(std::get<Nevent>(*full),
              (Nevent{bytes32(kPubkeyB), {"wss://relay.damus.io"}, bytes32(kPubkeyA), 30023}));

    const std::string id_only =
        "nevent1qqs8ul5ug253hlh3n75jne0a5xmjur4urfxpzst88cnegg6ds6ka7nspqaj0w";
    auto bare = decode_nip19(id_only);
    ASSERT_TRUE(bare.ok()) << bare.error().message;
    EXPECT_EQ(std::get<Nevent>(*bare), (Nevent{bytes32(kPubkeyB), {}, std::nullopt, std::nullopt}));
    EXPECT_EQ(encode_nip19(*bare).value(), id_only);

    auto address = decode_nip19(
        "naddr1qvzqqqyx7cpzqwlsccluhy6xxsr6l9a9uhhxf75g85g8a709tprjcn4e42h053vaqythwumn8ghj7un9d3sh"
        "jtn90psk6urvv5hxxmmdqqyxgct5wskhxatzc7ehf3");
    ASSERT_TRUE(address.ok()) << address.error().message;
    EXPECT_EQ(std::get<Naddr>(*address),
              (Naddr{"datt-sub", bytes32(kPubkeyA), 34550, {"wss://relay.example.com"}}));

    auto empty_d = decode_nip19(
        "naddr1qvzqqqqqqqpzqwlsccluhy6xxsr6l9a9uhhxf75g85g8a709tprjcn4e42h053vaqqqqx9xmw9");
    ASSERT_TRUE(empty_d.ok()) << empty_d.error().message;
    EXPECT_EQ(std::get<Naddr>(*empty_d), (Naddr{"", bytes32(kPubkeyA), 0, {}}));
}

TEST(Nip19, RoundTripsEveryEntity) {
    const auto a = bytes32(kPubkeyA);
    const auto b = bytes32(kPubkeyB);
    const std::string long_relay = "wss://" + std::string(249, 'r');  // 255 bytes: the limit
    const Nip19Entity entities[] = {
        Npub{a},
        Nsec(b),
        Note{a},
        Nprofile{a, {}},
        Nprofile{b, {"wss://a.example", long_relay, "wss://ü.example"}},
        Nevent{a, {"wss://x"}, b, 0xffffffffu},
        Nevent{a, {}, std::nullopt, 1},
        Nevent{a, {}, b, std::nullopt},
        Naddr{"sub/日本", b, 34550, {"wss://y", "wss://z"}},
        Naddr{std::string(255, 'd'), a, 30023, {}},
    };
    for (const Nip19Entity& entity : entities) {
        auto text = encode_nip19(entity);
        ASSERT_TRUE(text.ok()) << text.error().message;
        EXPECT_EQ(text->substr(0, nip19_prefix(entity).size() + 1),
                  std::string(nip19_prefix(entity)) + "1");
        auto back = decode_nip19(*text);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(*back, entity) << *text;
    }
}

TEST(Nip19, UpperCaseAcceptedMixedCaseRejected) {
    const std::string npub = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
    auto decoded = decode_nip19(upper(npub));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(std::get<Npub>(*decoded).pubkey, bytes32(kPubkeyB));

    auto mixed = decode_nip19("Npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
    ASSERT_FALSE(mixed.ok());
    EXPECT_EQ(mixed.error().code, "nip19_bad_bech32");
    EXPECT_NE(mixed.error().message.find("bech32_mixed_case"), std::string::npos);
}

TEST(Nip19, UnknownTlvTypesAreIgnored) {
    Bytes payload;
    append_tlv(payload, 7, text_bytes("future"));
    append_tlv(payload, 0, raw(bytes32(kPubkeyA)));
    append_tlv(payload, 255, {});
    append_tlv(payload, 1, text_bytes("wss://r"));
    append_tlv(payload, 3, {0, 0, 0, 1});  // kind means nothing in an nprofile
    auto decoded = decode_nip19(bech32_of("nprofile", payload));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(std::get<Nprofile>(*decoded), (Nprofile{bytes32(kPubkeyA), {"wss://r"}}));
}

TEST(Nip19, TruncatedTlvRejected) {
    Bytes payload;
    append_tlv(payload, 0, raw(bytes32(kPubkeyA)));
    Bytes cut_value = payload;
    cut_value.pop_back();  // L says 32, 31 bytes follow
    EXPECT_EQ(error_code(bech32_of("nprofile", cut_value)), "nip19_bad_tlv");
    Bytes cut_header = payload;
    cut_header.push_back(1);  // a type without a length
    EXPECT_EQ(error_code(bech32_of("nprofile", cut_header)), "nip19_bad_tlv");
}

TEST(Nip19, ErrorCodes) {
    const auto a = raw(bytes32(kPubkeyA));
    const std::string npub = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";

    // nip19_bad_bech32: checksum, separator, over-long input, non-zero padding bits.
    std::string flipped = npub;
    flipped[10] = flipped[10] == 'q' ? 'p' : 'q';
    EXPECT_EQ(error_code(flipped), "nip19_bad_bech32");
    EXPECT_EQ(error_code("npub"), "nip19_bad_bech32");
    EXPECT_EQ(error_code(""), "nip19_bad_bech32");
    EXPECT_EQ(error_code("nprofile1" + std::string(kNip19MaxLength, 'q')), "nip19_bad_bech32");
    Bytes groups = convert_bits(a, 8, 5, true).value();
    groups.back() |= 1;  // 256 bits leave 4 padding bits in the last group; set one
    EXPECT_EQ(error_code(bech32_encode(Bech32Variant::kBech32, "npub", groups).value()),
              "nip19_bad_bech32");

    EXPECT_EQ(error_code(bech32_of("npub", a, Bech32Variant::kBech32m)), "nip19_bech32m");

    EXPECT_EQ(error_code(bech32_of("nrelay", text_bytes("wss://r"))), "nip19_unknown_prefix");
    EXPECT_EQ(error_code(bech32_of("npubx", a)), "nip19_unknown_prefix");

    // nip19_bad_length: bare payloads, fixed-size TLV values.
    EXPECT_EQ(error_code(bech32_of("npub", Bytes(a.begin(), a.end() - 1))), "nip19_bad_length");
    Bytes longer = a;
    longer.push_back(0);
    EXPECT_EQ(error_code(bech32_of("nsec", longer)), "nip19_bad_length");
    EXPECT_EQ(error_code(bech32_of("note", {})), "nip19_bad_length");
    Bytes short_pubkey;
    append_tlv(short_pubkey, 0, Bytes(a.begin(), a.end() - 1));
    EXPECT_EQ(error_code(bech32_of("nprofile", short_pubkey)), "nip19_bad_length");
    Bytes bad_author;
    append_tlv(bad_author, 0, a);
    append_tlv(bad_author, 2, Bytes(33, 1));
    EXPECT_EQ(error_code(bech32_of("nevent", bad_author)), "nip19_bad_length");
    Bytes bad_kind;
    append_tlv(bad_kind, 0, a);
    append_tlv(bad_kind, 3, {0, 1});
    EXPECT_EQ(error_code(bech32_of("nevent", bad_kind)), "nip19_bad_length");

    // nip19_bad_tlv: invalid UTF-8 in a relay or an identifier.
    Bytes bad_relay;
    append_tlv(bad_relay, 0, a);
    append_tlv(bad_relay, 1, {'w', 's', 0xff});
    EXPECT_EQ(error_code(bech32_of("nprofile", bad_relay)), "nip19_bad_tlv");
    Bytes bad_identifier;
    append_tlv(bad_identifier, 0, {0xc0, 0x80});  // overlong NUL
    append_tlv(bad_identifier, 2, a);
    append_tlv(bad_identifier, 3, {0, 0, 0x75, 0x30});
    EXPECT_EQ(error_code(bech32_of("naddr", bad_identifier)), "nip19_bad_tlv");

    // nip19_missing_field.
    Bytes relay_only;
    append_tlv(relay_only, 1, text_bytes("wss://r"));
    EXPECT_EQ(error_code(bech32_of("nprofile", relay_only)), "nip19_missing_field");
    EXPECT_EQ(error_code(bech32_of("nevent", relay_only)), "nip19_missing_field");
    EXPECT_EQ(error_code(bech32_of("nevent", {})), "nip19_missing_field");
    Bytes no_author;
    append_tlv(no_author, 0, text_bytes("d"));
    append_tlv(no_author, 3, {0, 0, 0x75, 0x30});
    EXPECT_EQ(error_code(bech32_of("naddr", no_author)), "nip19_missing_field");
    Bytes no_kind;
    append_tlv(no_kind, 0, text_bytes("d"));
    append_tlv(no_kind, 2, a);
    EXPECT_EQ(error_code(bech32_of("naddr", no_kind)), "nip19_missing_field");
    Bytes no_identifier;
    append_tlv(no_identifier, 2, a);
    append_tlv(no_identifier, 3, {0, 0, 0x75, 0x30});
    EXPECT_EQ(error_code(bech32_of("naddr", no_identifier)), "nip19_missing_field");

    // Encoder errors.
    const auto pubkey = bytes32(kPubkeyA);
    auto long_relay = encode_nip19(Nprofile{pubkey, {std::string(256, 'r')}});
    ASSERT_FALSE(long_relay.ok());
    EXPECT_EQ(long_relay.error().code, "nip19_field_too_long");
    auto long_identifier = encode_nip19(Naddr{std::string(256, 'd'), pubkey, 1, {}});
    ASSERT_FALSE(long_identifier.ok());
    EXPECT_EQ(long_identifier.error().code, "nip19_field_too_long");
    // 16 relays of 255 bytes need over 6,500 characters.
    auto too_long = encode_nip19(Nevent{pubkey, std::vector<std::string>(16, std::string(255, 'r')),
                                        std::nullopt, std::nullopt});
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "nip19_too_long");
}

TEST(Nip19, FirstOccurrenceOfARepeatedFieldWins) {
    Bytes payload;
    append_tlv(payload, 0, raw(bytes32(kPubkeyA)));
    append_tlv(payload, 3, {0, 0, 0, 1});
    append_tlv(payload, 0, raw(bytes32(kPubkeyB)));
    append_tlv(payload, 3, {0, 0, 0, 7});
    auto decoded = decode_nip19(bech32_of("nevent", payload));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(std::get<Nevent>(*decoded), (Nevent{bytes32(kPubkeyA), {}, std::nullopt, 1}));
}

}  // namespace
}  // namespace datt::encoding
