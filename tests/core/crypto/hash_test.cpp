// SHA-256, SHA-512, SHA-1, RIPEMD-160, HMAC, PBKDF2 and tagged hashes against published
// values: FIPS 180-2 appendix examples (NIST "Example Values"), the RIPEMD-160 paper's test
// values, RFC 4231 (HMAC-SHA-256/512) and the widely published PBKDF2-HMAC-SHA512
// "password"/"salt" vectors. Padding-edge digests (lengths around the block size) were
// produced independently with Python's hashlib (OpenSSL), not by this code.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hmac.h"
#include "crypto/pbkdf2.h"
#include "crypto/ripemd160.h"
#include "crypto/sha1.h"
#include "crypto/sha256.h"
#include "crypto/sha256_compress.h"
#include "crypto/sha512.h"
#include "crypto/tagged_hash.h"
#include "util/bytes.h"
#include "util/hex.h"

namespace datt::crypto {
namespace {

constexpr std::string_view kMessage448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr std::string_view kMessage896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
    "qrsmnopqrstnopqrstu";

Bytes hex(std::string_view text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? decoded.value() : Bytes{};
}

template <class Hash>
std::string digest_hex(std::string_view message) {
    return to_hex(Hash().write(as_bytes(message)).finalize());
}

// Writes `message` in three pieces split at every pair of positions and checks each
// result against the published digest, covering every buffer/block boundary case.
template <class Hash>
void expect_all_splits(std::string_view message, std::string_view expected_hex) {
    const ByteSpan bytes = as_bytes(message);
    for (size_t first = 0; first <= bytes.size(); ++first) {
        for (size_t second = first; second <= bytes.size(); ++second) {
            Hash hasher;
            hasher.write(bytes.subspan(0, first));
            hasher.write(bytes.subspan(first, second - first));
            hasher.write(bytes.subspan(second));
            ASSERT_EQ(to_hex(hasher.finalize()), expected_hex)
                << "split at " << first << " and " << second;
        }
    }
}

// One million 'a' written in uneven chunks (997 bytes, a prime) to cross block borders.
template <class Hash>
std::string million_a_in_chunks_hex() {
    const std::string chunk(997, 'a');
    Hash hasher;
    size_t written = 0;
    while (written < 1000000) {
        const size_t take = std::min<size_t>(chunk.size(), 1000000 - written);
        hasher.write(as_bytes(std::string_view(chunk).substr(0, take)));
        written += take;
    }
    return to_hex(hasher.finalize());
}

// ---- SHA-256 ------------------------------------------------------------------------

TEST(Sha256, NistExamples) {
    EXPECT_EQ(to_hex(sha256({})),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256(as_bytes(kMessage448))),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(to_hex(sha256(as_bytes(kMessage896))),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionA) {
    const std::string million(1000000, 'a');
    const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    EXPECT_EQ(to_hex(sha256(as_bytes(million))), expected);
    EXPECT_EQ(million_a_in_chunks_hex<Sha256>(), expected);
}

TEST(Sha256, PaddingEdgesAroundBlockSize) {
    EXPECT_EQ(digest_hex<Sha256>(std::string(55, 'a')),
              "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    EXPECT_EQ(digest_hex<Sha256>(std::string(56, 'a')),
              "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    EXPECT_EQ(digest_hex<Sha256>(std::string(57, 'a')),
              "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6");
    EXPECT_EQ(digest_hex<Sha256>(std::string(63, 'a')),
              "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    EXPECT_EQ(digest_hex<Sha256>(std::string(64, 'a')),
              "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    EXPECT_EQ(digest_hex<Sha256>(std::string(65, 'a')),
              "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

TEST(Sha256, IncrementalWritesAtEverySplit) {
    expect_all_splits<Sha256>(kMessage896,
                              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

// The hardware block function (x86-64 SHA extensions) against the portable one, chained over
// 1,000 blocks of varied bytes; skipped where the CPU lacks them (then every digest above
// went through the portable one).
TEST(Sha256, HardwareBlockFunctionEqualsThePortableOne) {
    uint32_t portable[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t hardware[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t block[64];
    for (int n = 0; n < 1000; ++n) {
        for (int i = 0; i < 64; ++i) block[i] = static_cast<uint8_t>((n * 131 + i * 29 + (portable[i % 8] >> (i % 24))) & 0xff);
        detail::sha256_compress_portable(portable, block);
        if (!detail::sha256_compress_hardware(hardware, block)) GTEST_SKIP() << "no SHA extensions on this CPU";
        ASSERT_EQ(std::vector<uint32_t>(portable, portable + 8), std::vector<uint32_t>(hardware, hardware + 8))
            << "block " << n;
    }
}

TEST(Sha256d, IsSha256Twice) {
    // Values from Python's hashlib: sha256(sha256(m).digest()).
    EXPECT_EQ(to_hex(sha256d({})),
              "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
    EXPECT_EQ(to_hex(sha256d(as_bytes("hello"))),
              "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
}

// ---- SHA-1 --------------------------------------------------------------------------

TEST(Sha1, NistExamples) {
    // FIPS 180 examples: "abc", the 448-bit message, one million 'a'.
    EXPECT_EQ(to_hex(sha1(as_bytes("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(to_hex(sha1(as_bytes(kMessage448))), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    const std::string million(1000000, 'a');
    EXPECT_EQ(to_hex(sha1(as_bytes(million))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    EXPECT_EQ(million_a_in_chunks_hex<Sha1>(), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    EXPECT_EQ(to_hex(sha1({})), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(to_hex(sha1(as_bytes(kMessage896))), "a49b2446a02c645bf419f995b67091253a04a259");
}

TEST(Sha1, PaddingEdgesAroundBlockSize) {
    // Values from Python's hashlib.
    EXPECT_EQ(digest_hex<Sha1>(std::string(55, 'a')), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    EXPECT_EQ(digest_hex<Sha1>(std::string(56, 'a')), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    EXPECT_EQ(digest_hex<Sha1>(std::string(57, 'a')), "f08f24908d682555111be7ff6f004e78283d989a");
    EXPECT_EQ(digest_hex<Sha1>(std::string(63, 'a')), "03f09f5b158a7a8cdad920bddc29b81c18a551f5");
    EXPECT_EQ(digest_hex<Sha1>(std::string(64, 'a')), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
    EXPECT_EQ(digest_hex<Sha1>(std::string(65, 'a')), "11655326c708d70319be2610e8a57d9a5b959d3b");
}

TEST(Sha1, IncrementalWritesAtEverySplit) {
    expect_all_splits<Sha1>(kMessage896, "a49b2446a02c645bf419f995b67091253a04a259");
}

// ---- BIP-340 tagged hashes (more in taproot_test.cpp, from the BIP-341 vectors) -----

TEST(TaggedHash, MidstateMatchesTheDefinition) {
    // sha256(sha256(tag) || sha256(tag) || data), values from Python's hashlib.
    EXPECT_EQ(to_hex(tagged_hash("BIP0340/challenge", {})),
              "c216d352f5818b7b4beacd4ae0a26fe888080823d2a598856661bcd54f1b3713");
    std::string data;
    for (int i = 0; i < 40; ++i) data += "abc";
    const std::string expected = "e032fb101fae5aafdaf3539851e5439a4fb2f07d678e9e2eea83f0a34b830a1c";
    const TaggedHash tap_leaf("TapLeaf");
    EXPECT_EQ(to_hex(tap_leaf(as_bytes(data))), expected);
    EXPECT_EQ(to_hex(tagged_hash("TapLeaf", as_bytes(data))), expected);
    // The saved midstate is reused: hashing again, and in pieces, gives the same digest.
    EXPECT_EQ(to_hex(tap_leaf(as_bytes(data))), expected);
    const ByteSpan bytes = as_bytes(data);
    EXPECT_EQ(to_hex(tap_leaf.hasher().write(bytes.first(7)).write(bytes.subspan(7)).finalize()),
              expected);
    EXPECT_NE(to_hex(tagged_hash("TapLeaf/", as_bytes(data))), expected);
}

// ---- SHA-512 ------------------------------------------------------------------------

TEST(Sha512, NistExamples) {
    EXPECT_EQ(to_hex(sha512({})),
              "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
              "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    EXPECT_EQ(to_hex(sha512(as_bytes("abc"))),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    EXPECT_EQ(to_hex(sha512(as_bytes(kMessage448))),
              "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
              "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
    EXPECT_EQ(to_hex(sha512(as_bytes(kMessage896))),
              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

TEST(Sha512, OneMillionA) {
    const std::string million(1000000, 'a');
    const std::string expected =
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
    EXPECT_EQ(to_hex(sha512(as_bytes(million))), expected);
    EXPECT_EQ(million_a_in_chunks_hex<Sha512>(), expected);
}

TEST(Sha512, PaddingEdgesAroundBlockSize) {
    EXPECT_EQ(digest_hex<Sha512>(std::string(111, 'a')),
              "fa9121c7b32b9e01733d034cfc78cbf67f926c7ed83e82200ef86818196921760b4beff48404df81"
              "1b953828274461673c68d04e297b0eb7b2b4d60fc6b566a2");
    EXPECT_EQ(digest_hex<Sha512>(std::string(112, 'a')),
              "c01d080efd492776a1c43bd23dd99d0a2e626d481e16782e75d54c2503b5dc32bd05f0f1ba33e568"
              "b88fd2d970929b719ecbb152f58f130a407c8830604b70ca");
    EXPECT_EQ(digest_hex<Sha512>(std::string(113, 'a')),
              "55ddd8ac210a6e18ba1ee055af84c966e0dbff091c43580ae1be703bdb85da31acf6948cf5bd90c5"
              "5a20e5450f22fb89bd8d0085e39f85a86cc46abbca75e24d");
    EXPECT_EQ(digest_hex<Sha512>(std::string(127, 'a')),
              "828613968b501dc00a97e08c73b118aa8876c26b8aac93df128502ab360f91bab50a51e088769a5c"
              "1eff4782ace147dce3642554199876374291f5d921629502");
    EXPECT_EQ(digest_hex<Sha512>(std::string(128, 'a')),
              "b73d1929aa615934e61a871596b3f3b33359f42b8175602e89f7e06e5f658a243667807ed300314b"
              "95cacdd579f3e33abdfbe351909519a846d465c59582f321");
    EXPECT_EQ(digest_hex<Sha512>(std::string(129, 'a')),
              "4f681e0bd53cda4b5a2041cc8a06f2eabde44fb16c951fbd5b87702f07aeab611565b19c47fde305"
              "87177ebb852e3971bbd8d3fd30da18d71037dfbd98420429");
}

TEST(Sha512, IncrementalWritesAtEverySplit) {
    // 224 bytes: two copies of the 896-bit message, so the splits cross a 128-byte block
    // (digest from Python hashlib).
    const std::string message = std::string(kMessage896) + std::string(kMessage896);
    expect_all_splits<Sha512>(message,
                              "b1179d83245119c98bd9b5f813a1df5594850c7afeebb4574ad6b3e0e6fcf700"
                              "b3373ee3084170c1d33a4193d8bcf1dc3005decb5d75a6c2785056a3e7fed643");
    expect_all_splits<Sha512>(kMessage896,
                              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

// ---- RIPEMD-160 ---------------------------------------------------------------------

TEST(Ripemd160, PaperTestValues) {
    EXPECT_EQ(digest_hex<Ripemd160>(""), "9c1185a5c5e9fc54612808977ee8f548b2258d31");
    EXPECT_EQ(digest_hex<Ripemd160>("a"), "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe");
    EXPECT_EQ(digest_hex<Ripemd160>("abc"), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    EXPECT_EQ(digest_hex<Ripemd160>("message digest"), "5d0689ef49d2fae572b881b123a85ffa21595f36");
    EXPECT_EQ(digest_hex<Ripemd160>("abcdefghijklmnopqrstuvwxyz"),
              "f71c27109c692c1b56bbdceb5b9d2865b3708dbc");
    EXPECT_EQ(digest_hex<Ripemd160>(kMessage448), "12a053384a9c0c88e405a06c27dcf49ada62eb2b");
    EXPECT_EQ(
        digest_hex<Ripemd160>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
        "b0e20b6e3116640286ed3a87a5713079b21f5189");
    EXPECT_EQ(to_hex(ripemd160(as_bytes(std::string(
                  "1234567890123456789012345678901234567890123456789012345678901234567890123456"
                  "7890")))),
              "9b752e45573d4b39f4dbd3323cab82bf63326bfb");
}

TEST(Ripemd160, OneMillionA) {
    const std::string million(1000000, 'a');
    EXPECT_EQ(to_hex(ripemd160(as_bytes(million))), "52783243c1697bdbe16d37f97f68f08325dc1528");
    EXPECT_EQ(million_a_in_chunks_hex<Ripemd160>(), "52783243c1697bdbe16d37f97f68f08325dc1528");
}

TEST(Ripemd160, PaddingEdgesAroundBlockSize) {
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(55, 'a')),
              "0d8a8c9063a48576a7c97e9f95253a6e53ff6765");
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(56, 'a')),
              "e72334b46c83cc70bef979e15453706c95b888be");
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(57, 'a')),
              "eed82d19d597ab275b550ff3d6e0bc2a75350388");
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(63, 'a')),
              "e640041293fe663b9bf3f8c21ffecac03819e6b2");
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(64, 'a')),
              "9dfb7d374ad924f3f88de96291c33e9abed53e32");
    EXPECT_EQ(digest_hex<Ripemd160>(std::string(65, 'a')),
              "99724bb11811e7166af38f671b6a082d8ab4960b");
}

TEST(Ripemd160, IncrementalWritesAtEverySplit) {
    expect_all_splits<Ripemd160>(
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "9b752e45573d4b39f4dbd3323cab82bf63326bfb");
}

TEST(Hash160, GeneratorPubkey) {
    // BIP-173's example P2WPKH program is HASH160 of the compressed generator point G.
    const Bytes generator =
        hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    EXPECT_EQ(to_hex(hash160(generator)), "751e76e8199196d454941c45d1b3a323f1433bd6");
}

// ---- HMAC (RFC 4231) ----------------------------------------------------------------

struct HmacCase {
    const char* name;
    Bytes key;
    Bytes data;
    std::string sha256_hex;
    std::string sha512_hex;
    size_t truncate_bytes;  // 0 = compare the whole MAC
};

std::vector<HmacCase> rfc4231_cases() {
    const std::string long_key_data =
        "This is a test using a larger than block-size key and a larger than block-size data. "
        "The key needs to be hashed before being used by the HMAC algorithm.";
    auto text = [](std::string_view s) { return Bytes(s.begin(), s.end()); };
    return {
        {"case1", Bytes(20, 0x0b), text("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
         "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
         0},
        {"case2", text("Jefe"), text("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
         "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
         0},
        {"case3", Bytes(20, 0xaa), Bytes(50, 0xdd),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
         "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
         0},
        {"case4", hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Bytes(50, 0xcd),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
         "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
         "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
         0},
        {"case5_truncated", Bytes(20, 0x0c), text("Test With Truncation"),
         "a3b6167473100ee06e0c796c2955552b", "415fad6271580a531d4179bc891d87a6", 16},
        {"case6_long_key", Bytes(131, 0xaa),
         text("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
         "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
         0},
        {"case7_long_key_and_data", Bytes(131, 0xaa), text(long_key_data),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
         "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
         0},
    };
}

std::string truncated_hex(ByteSpan mac, size_t truncate_bytes) {
    return to_hex(truncate_bytes ? mac.subspan(0, truncate_bytes) : mac);
}

TEST(Hmac, Rfc4231Sha256) {
    for (const HmacCase& c : rfc4231_cases()) {
        EXPECT_EQ(truncated_hex(hmac_sha256(c.key, c.data), c.truncate_bytes), c.sha256_hex)
            << c.name;
    }
}

TEST(Hmac, Rfc4231Sha512) {
    for (const HmacCase& c : rfc4231_cases()) {
        EXPECT_EQ(truncated_hex(hmac_sha512(c.key, c.data), c.truncate_bytes), c.sha512_hex)
            << c.name;
    }
}

TEST(Hmac, IncrementalWritesAtEverySplit) {
    for (const HmacCase& c : rfc4231_cases()) {
        const ByteSpan data = c.data;
        for (size_t split = 0; split <= data.size(); ++split) {
            HmacSha256 mac256(c.key);
            mac256.write(data.subspan(0, split)).write(data.subspan(split));
            EXPECT_EQ(truncated_hex(mac256.finalize(), c.truncate_bytes), c.sha256_hex)
                << c.name << " split " << split;
            HmacSha512 mac512(c.key);
            mac512.write(data.subspan(0, split)).write(data.subspan(split));
            EXPECT_EQ(truncated_hex(mac512.finalize(), c.truncate_bytes), c.sha512_hex)
                << c.name << " split " << split;
        }
    }
}

TEST(Hmac, KeyedStateCopiesAreIndependent) {
    // One keyed state, copied per message (as PBKDF2 does): RFC 4231 cases 6 and 7
    // share their key.
    const auto cases = rfc4231_cases();
    const HmacCase& case6 = cases[5];
    const HmacCase& case7 = cases[6];
    ASSERT_EQ(case6.key, case7.key);
    const HmacSha512 keyed(case6.key);
    HmacSha512 first = keyed;
    HmacSha512 second = keyed;
    EXPECT_EQ(to_hex(second.write(case7.data).finalize()), case7.sha512_hex);
    EXPECT_EQ(to_hex(first.write(case6.data).finalize()), case6.sha512_hex);
}

// ---- PBKDF2-HMAC-SHA512 -------------------------------------------------------------

TEST(Pbkdf2HmacSha512, PublishedPasswordSaltVectors) {
    const ByteSpan password = as_bytes("password");
    const ByteSpan salt = as_bytes("salt");
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(password, salt, 1, 64)),
              "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
              "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(password, salt, 2, 64)),
              "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
              "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(password, salt, 4096, 64)),
              "d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5"
              "143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5");
    EXPECT_EQ(
        to_hex(pbkdf2_hmac_sha512(as_bytes("passwordPASSWORDpassword"),
                                  as_bytes("saltSALTsaltSALTsaltSALTsaltSALTsalt"), 4096, 64)),
        "8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
        "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8");
}

TEST(Pbkdf2HmacSha512, OutputShorterAndLongerThanOneBlock) {
    const ByteSpan password = as_bytes("password");
    const ByteSpan salt = as_bytes("salt");
    // A shorter output is the prefix of the published c=1 value.
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(password, salt, 1, 20)),
              "867f70cf1ade02cff3752599a3a53dc4af34c7a6");
    // 100 bytes spans two PRF blocks (value from Python hashlib.pbkdf2_hmac).
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha512(password, salt, 3, 100)),
              "b6b07cb2cebf4ad84468391a543824fccffe0e0769dbe6bddf10a65673c4b648"
              "e612d44918f9ce9a19a1294cf5140628084ba994c3b21a4ef4741220b811c633"
              "cfc0641fccbcc4164f1bbfcb1f33f595ae9aa4a33ddcce570157775980362c0e"
              "e28aa340");
}

}  // namespace
}  // namespace datt::crypto
