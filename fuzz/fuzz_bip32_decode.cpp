// bip32::decode on untrusted text (xpub/xprv pasted by users or passed to `datt derive`).
//
// The input is used twice: as the key text itself, and as a raw payload wrapped in a valid
// Base58Check string, so that the checks behind the checksum (versions, prefixes, depth 0
// rules, curve checks) are reached without the fuzzer having to forge a checksum.
//
// Invariants checked:
//   - a rejection carries one of the codes documented in bip32/serialize.h and a message;
//   - an accepted key encodes back to the same text with the same versions, and is
//     rejected as "bip32_unknown_version" for the other network;
//   - neuter() gives a public key that decodes to the same position and public key;
//   - deriving child 0 from the key works (or fails only as documented) and CKDpriv then
//     neuter equals neuter then CKDpub (BIP-32's consistency requirement).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bip32/derive.h"
#include "bip32/serialize.h"
#include "check.h"
#include "encoding/base58.h"

namespace {

namespace bip32 = datt::bip32;

bool is_documented_decode_error(std::string_view code) {
    return datt::fuzz::is_one_of(
        code, {"bip32_bad_base58", "bip32_bad_checksum", "bip32_bad_length",
               "bip32_unknown_version", "bip32_public_version_with_private_key",
               "bip32_private_version_with_public_key", "bip32_bad_public_key_prefix",
               "bip32_bad_private_key_prefix", "bip32_zero_depth_parent_fingerprint",
               "bip32_zero_depth_child_number", "bip32_bad_public_key", "bip32_bad_private_key"});
}

bool same_position(const bip32::ExtendedKey& a, const bip32::ExtendedKey& b) {
    return a.depth() == b.depth() && a.parent_fingerprint() == b.parent_fingerprint() &&
           a.child_number() == b.child_number() && a.chain_code() == b.chain_code();
}

void check_child(const bip32::ExtendedKey& key) {
    auto child = bip32::derive_child(key, 0);
    if (key.depth() == 255) {
        DATT_FUZZ_CHECK(!child.ok() && child.error().code == "bip32_depth_overflow");
        return;
    }
    if (!child) {
        // Probability about 2^-127 per key: only a crafted chain code gets here.
        DATT_FUZZ_CHECK(child.error().code == "bip32_invalid_child");
        return;
    }
    DATT_FUZZ_CHECK(child->depth() == key.depth() + 1);
    DATT_FUZZ_CHECK(child->child_number() == 0);
    DATT_FUZZ_CHECK(child->parent_fingerprint() == bip32::fingerprint(key));
    DATT_FUZZ_CHECK(child->is_private() == key.is_private());
    if (key.is_private()) {
        auto public_child = bip32::derive_child(bip32::neuter(key), 0);
        DATT_FUZZ_CHECK(public_child.ok());
        DATT_FUZZ_CHECK(public_child->public_key() == child->public_key());
        DATT_FUZZ_CHECK(same_position(*public_child, *child));
    }
}

void check_decoded(std::string_view text, bip32::Versions versions, bip32::Versions other) {
    auto key = bip32::decode(text, versions);
    if (!key) {
        DATT_FUZZ_CHECK(is_documented_decode_error(key.error().code));
        DATT_FUZZ_CHECK(!key.error().message.empty());
        return;
    }
    DATT_FUZZ_CHECK(bip32::encode(*key, versions) == text);
    auto elsewhere = bip32::decode(text, other);
    DATT_FUZZ_CHECK(!elsewhere.ok() && elsewhere.error().code == "bip32_unknown_version");

    const bip32::ExtendedKey public_key = bip32::neuter(*key);
    DATT_FUZZ_CHECK(!public_key.is_private());
    auto public_again = bip32::decode(bip32::encode(public_key, versions), versions);
    DATT_FUZZ_CHECK(public_again.ok() && !public_again->is_private());
    DATT_FUZZ_CHECK(public_again->public_key() == key->public_key());
    DATT_FUZZ_CHECK(same_position(*public_again, *key));
    check_child(*key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_decoded(text, bip32::kMainnetVersions, bip32::kTestnetVersions);
    check_decoded(text, bip32::kTestnetVersions, bip32::kMainnetVersions);

    // Payloads far from 78 bytes only test the length check; skip the quadratic encode.
    if (size > 2 * 78) return 0;
    const std::string wrapped = datt::encoding::base58check_encode(datt::ByteSpan(data, size));
    auto key = bip32::decode(wrapped, bip32::kMainnetVersions);
    if (!key) {
        const std::string& code = key.error().code;
        DATT_FUZZ_CHECK(code != "bip32_bad_base58" && code != "bip32_bad_checksum");
        DATT_FUZZ_CHECK(size == 78 || code == "bip32_bad_length");
    } else {
        DATT_FUZZ_CHECK(size == 78);
    }
    check_decoded(wrapped, bip32::kMainnetVersions, bip32::kTestnetVersions);
    check_decoded(wrapped, bip32::kTestnetVersions, bip32::kMainnetVersions);
    return 0;
}
