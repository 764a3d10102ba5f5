// PubKey encodings and ECDSA signatures: strict DER, Bitcoin Core's lax DER rules, low-S,
// and verification with high-S rejected or accepted. The DER inputs are built here by hand
// (X.690 layout) from a known RFC 6979 signature, not by the code under test.
#include "crypto/ecdsa.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace datt::crypto {
namespace {

Bytes hex(std::string_view text) {
    auto decoded = from_hex(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : Bytes{};
}

template <size_t N>
std::array<uint8_t, N> hex_array(std::string_view text) {
    auto decoded = from_hex_fixed<N>(text);
    EXPECT_TRUE(decoded.ok()) << text;
    return decoded.ok() ? *decoded : std::array<uint8_t, N>{};
}

Bytes concat(std::initializer_list<std::string_view> parts) {
    std::string joined;
    for (std::string_view part : parts) joined += part;
    return hex(joined);
}

// The generator G (SEC 2).
constexpr std::string_view kGx = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
constexpr std::string_view kGy = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
constexpr std::string_view kOrder =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// Widely published RFC 6979 secp256k1 case: key 1, sha256("Satoshi Nakamoto").
constexpr std::string_view kR = "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8";
constexpr std::string_view kS = "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5";
// Its strict DER: r has its top bit set, so it takes a 0x00 in front (33 bytes).
const std::string kDer =
    "3045"
    "022100" +
    std::string(kR) + "0220" + std::string(kS);

SecretKey key_one() {
    std::array<uint8_t, 32> one{};
    one[31] = 1;
    return *SecretKey::from_bytes(one);
}

Hash256 satoshi_hash() {
    return sha256(as_bytes("Satoshi Nakamoto"));
}

std::string compact_hex(const EcdsaSignature& sig) {
    return to_hex(sig.serialize_compact());
}

// n - s, big-endian.
std::array<uint8_t, 32> order_minus(std::span<const uint8_t> s) {
    const auto n = hex_array<32>(kOrder);
    std::array<uint8_t, 32> out{};
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const int diff = n[i] - s[i] - borrow;
        borrow = diff < 0;
        out[i] = static_cast<uint8_t>(diff + (borrow ? 256 : 0));
    }
    return out;
}

// ---- PubKey -------------------------------------------------------------------------

TEST(PubKey, RemembersItsEncoding) {
    const Bytes compressed = concat({"02", kGx});
    const Bytes uncompressed = concat({"04", kGx, kGy});
    auto c = PubKey::parse(compressed);
    auto u = PubKey::parse(uncompressed);
    ASSERT_TRUE(c && u);
    EXPECT_EQ(c->format(), PubKey::Format::kCompressed);
    EXPECT_TRUE(c->is_compressed());
    EXPECT_EQ(u->format(), PubKey::Format::kUncompressed);
    EXPECT_FALSE(u->is_compressed());
    EXPECT_EQ(to_hex(c->bytes()), to_hex(compressed));
    EXPECT_EQ(to_hex(u->bytes()), to_hex(uncompressed));
    // Either serializes both ways.
    EXPECT_EQ(to_hex(u->compressed()), to_hex(compressed));
    EXPECT_EQ(to_hex(c->uncompressed()), to_hex(uncompressed));
    EXPECT_EQ(to_hex(c->compressed()), to_hex(compressed));
    // Equality is the same point in the same encoding (they hash differently in scripts).
    EXPECT_FALSE(*c == *u);
    EXPECT_EQ(*c, pubkey(key_one()));
}

TEST(PubKey, HybridOnlyWhenAskedAndWithTheRightParity) {
    // G's y is even: 06 is its hybrid tag, 07 is a lie.
    const Bytes hybrid = concat({"06", kGx, kGy});
    EXPECT_FALSE(PubKey::parse(hybrid).has_value());
    auto parsed = PubKey::parse_allow_hybrid(hybrid);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->format(), PubKey::Format::kHybrid);
    EXPECT_EQ(to_hex(parsed->bytes()), to_hex(hybrid));
    EXPECT_EQ(to_hex(parsed->compressed()), "02" + std::string(kGx));
    EXPECT_EQ(to_hex(parsed->uncompressed()), "04" + std::string(kGx) + std::string(kGy));
    EXPECT_FALSE(PubKey::parse_allow_hybrid(concat({"07", kGx, kGy})).has_value());
    // A hybrid key verifies like the point it encodes.
    const auto hash = satoshi_hash();
    EXPECT_TRUE(ecdsa_verify(*parsed, hash, ecdsa_sign(key_one(), hash), HighS::kReject));
    // The strict forms still parse through parse_allow_hybrid.
    EXPECT_TRUE(PubKey::parse_allow_hybrid(concat({"02", kGx})).has_value());
}

TEST(PubKey, RejectsWhatIsNotAPoint) {
    // x from BIP-340 vector 5 ("public key not on the curve").
    const std::string off_curve =
        "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34";
    EXPECT_FALSE(PubKey::parse(concat({"02", off_curve})).has_value());
    EXPECT_FALSE(PubKey::parse(concat({"03", off_curve})).has_value());
    // G with y changed.
    std::string wrong_y(kGy);
    wrong_y.back() = '9';
    EXPECT_FALSE(PubKey::parse(concat({"04", kGx, wrong_y})).has_value());
    EXPECT_FALSE(PubKey::parse_allow_hybrid(concat({"06", kGx, wrong_y})).has_value());
    // Tag and length must agree.
    EXPECT_FALSE(PubKey::parse(concat({"04", kGx})).has_value());
    EXPECT_FALSE(PubKey::parse(concat({"02", kGx, kGy})).has_value());
    EXPECT_FALSE(PubKey::parse(concat({"05", kGx, kGy})).has_value());
    EXPECT_FALSE(PubKey::parse(ByteSpan{}).has_value());
    EXPECT_FALSE(PubKey::parse_allow_hybrid(ByteSpan{}).has_value());
}

// ---- Strict DER ---------------------------------------------------------------------

TEST(EcdsaSignature, SignsToTheKnownDerAndRoundTrips) {
    const auto sig = ecdsa_sign(key_one(), satoshi_hash());
    EXPECT_EQ(compact_hex(sig), std::string(kR) + std::string(kS));
    EXPECT_EQ(to_hex(sig.serialize_der()), kDer);
    EXPECT_EQ(to_hex(ecdsa_sign_der(key_one(), satoshi_hash())), kDer);
    auto parsed = EcdsaSignature::parse_der(hex(kDer));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, sig);
    EXPECT_TRUE(parsed->is_low_s());
    auto compact = EcdsaSignature::parse_compact(sig.serialize_compact());
    ASSERT_TRUE(compact);
    EXPECT_EQ(*compact, sig);
}

TEST(EcdsaSignature, StrictAcceptsZeroValues) {
    // r = 0, s = 1: well-formed DER (it never verifies).
    auto sig = EcdsaSignature::parse_der(hex("3006020100020101"));
    ASSERT_TRUE(sig);
    EXPECT_EQ(to_hex(sig->serialize_der()), "3006020100020101");
}

struct LaxOnly {
    const char* name;
    Bytes der;
};

// Each breaks one strict DER rule and still carries r and s of the known signature.
std::vector<LaxOnly> lax_only_cases() {
    const std::string r(kR), s(kS);
    return {
        {"negative r (no 0x00 in front)", concat({"3044", "0220", r, "0220", s})},
        {"s padded with a needless 0x00", concat({"3046", "022100", r, "022100", s})},
        {"r padded with two 0x00", concat({"3046", "02220000", r, "0220", s})},
        {"long-form sequence length", concat({"308145", "022100", r, "0220", s})},
        {"long-form sequence length, two bytes", concat({"30820045", "022100", r, "0220", s})},
        {"wrong sequence length", concat({"3000", "022100", r, "0220", s})},
        {"long-form r length", concat({"3046", "028121", "00", r, "0220", s})},
        {"zero-padded long-form s length", concat({"3047", "022100", r, "02830000", "20", s})},
        {"garbage after s", concat({"3045", "022100", r, "0220", s, "0102"})},
        {"garbage after s, counted in the sequence",
         concat({"3047", "022100", r, "0220", s, "0102"})},
    };
}

TEST(EcdsaSignature, LaxAcceptsWhatStrictRefusesWithTheSameValues) {
    const auto expected = ecdsa_sign(key_one(), satoshi_hash());
    for (const LaxOnly& c : lax_only_cases()) {
        SCOPED_TRACE(c.name);
        EXPECT_FALSE(EcdsaSignature::parse_der(c.der).has_value());
        auto lax = EcdsaSignature::parse_der_lax(c.der);
        ASSERT_TRUE(lax);
        EXPECT_EQ(compact_hex(*lax), compact_hex(expected));
    }
    // And what strict accepts, lax reads the same way.
    auto lax = EcdsaSignature::parse_der_lax(hex(kDer));
    ASSERT_TRUE(lax);
    EXPECT_EQ(*lax, expected);
}

TEST(EcdsaSignature, LaxStillNeedsTheStructure) {
    const std::string r(kR), s(kS);
    const std::vector<std::pair<const char*, Bytes>> cases = {
        {"empty", {}},
        {"not a sequence", concat({"3145", "022100", r, "0220", s})},
        {"no length", hex("30")},
        {"sequence length bytes missing", hex("3084000000")},
        {"r not an integer", concat({"3045", "032100", r, "0220", s})},
        {"no s", concat({"3023", "022100", r})},
        {"s runs past the end", concat({"3045", "022100", r, "0221", s})},
        {"r length runs past the end", hex("30060281")},
        {"8 significant length bytes", concat({"3045", "0288010000000000000021", "00", r})},
        {"r length far past the end", concat({"3045", "0287ffffffffffffff", r})},
    };
    for (const auto& [name, der] : cases) {
        SCOPED_TRACE(name);
        EXPECT_FALSE(EcdsaSignature::parse_der_lax(der).has_value());
        EXPECT_FALSE(EcdsaSignature::parse_der(der).has_value());
    }
}

TEST(EcdsaSignature, LaxTurnsOutOfRangeValuesIntoTheZeroSignature) {
    const std::string n(kOrder), s(kS);
    const std::string zero(128, '0');
    // r = n: DER-shaped, but not below the order.
    const Bytes r_is_order = concat({"3045", "022100", n, "0220", s});
    EXPECT_FALSE(EcdsaSignature::parse_der(r_is_order).has_value());
    auto lax = EcdsaSignature::parse_der_lax(r_is_order);
    ASSERT_TRUE(lax);
    EXPECT_EQ(compact_hex(*lax), zero);
    EXPECT_TRUE(lax->is_low_s());  // as in Core: such a signature passes the LOW_S check
    EXPECT_FALSE(ecdsa_verify(pubkey(key_one()), satoshi_hash(), *lax, HighS::kAccept));
    // 33 significant bytes of r.
    auto long_r = EcdsaSignature::parse_der_lax(concat({"3045", "022101", n, "0220", s}));
    ASSERT_TRUE(long_r);
    EXPECT_EQ(compact_hex(*long_r), zero);
    // Zero-length r and s read as zero.
    auto empty = EcdsaSignature::parse_der_lax(hex("300402000200"));
    ASSERT_TRUE(empty);
    EXPECT_EQ(compact_hex(*empty), zero);
}

TEST(EcdsaSignature, CompactRejectsValuesNotBelowTheOrder) {
    EXPECT_FALSE(EcdsaSignature::parse_compact(hex_array<64>(std::string(kOrder) + std::string(kS)))
                     .has_value());
    EXPECT_FALSE(EcdsaSignature::parse_compact(hex_array<64>(std::string(kR) + std::string(kOrder)))
                     .has_value());
}

// ---- Low S and verification -----------------------------------------------------------

TEST(EcdsaVerify, HighSIsExplicit) {
    const SecretKey key = key_one();
    const PubKey pub = pubkey(key);
    const auto hash = satoshi_hash();
    const EcdsaSignature low = ecdsa_sign(key, hash);
    const auto compact = low.serialize_compact();
    std::array<uint8_t, 64> twin;
    std::copy_n(compact.begin(), 32, twin.begin());
    const auto high_s = order_minus(std::span(compact).subspan(32));
    std::copy(high_s.begin(), high_s.end(), twin.begin() + 32);
    auto high = EcdsaSignature::parse_compact(twin);
    ASSERT_TRUE(high);

    EXPECT_TRUE(low.is_low_s());
    EXPECT_FALSE(high->is_low_s());
    EXPECT_EQ(high->normalized(), low);
    EXPECT_EQ(low.normalized(), low);

    EXPECT_TRUE(ecdsa_verify(pub, hash, low, HighS::kReject));
    EXPECT_TRUE(ecdsa_verify(pub, hash, low, HighS::kAccept));
    EXPECT_FALSE(ecdsa_verify(pub, hash, *high, HighS::kReject));
    EXPECT_TRUE(ecdsa_verify(pub, hash, *high, HighS::kAccept));
    // The byte-level helpers require low S.
    EXPECT_FALSE(ecdsa_verify_der(pub, hash, high->serialize_der()));
    EXPECT_TRUE(ecdsa_verify_der(pub, hash, low.serialize_der()));
    // The high-S form is strict DER too, and round-trips.
    auto reparsed = EcdsaSignature::parse_der(high->serialize_der());
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(*reparsed, *high);
}

TEST(EcdsaVerify, WrongKeyHashOrEncodingFails) {
    const SecretKey key = key_one();
    const auto hash = satoshi_hash();
    const EcdsaSignature sig = ecdsa_sign(key, hash);
    auto other_hash = hash;
    other_hash[31] ^= 1;
    EXPECT_FALSE(ecdsa_verify(pubkey(key), other_hash, sig, HighS::kAccept));
    std::array<uint8_t, 32> two{};
    two[31] = 2;
    EXPECT_FALSE(ecdsa_verify(pubkey(*SecretKey::from_bytes(two)), hash, sig, HighS::kAccept));
    // The uncompressed encoding of the same key verifies the same signature.
    auto uncompressed = PubKey::parse(pubkey(key).uncompressed());
    ASSERT_TRUE(uncompressed);
    EXPECT_TRUE(ecdsa_verify(*uncompressed, hash, sig, HighS::kReject));
    EXPECT_FALSE(ecdsa_verify_der(pubkey(key), hash, ByteSpan{}));
}

}  // namespace
}  // namespace datt::crypto
