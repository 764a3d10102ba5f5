// core/bip32 for JavaScript: derivation from a seed (Uint8Array) or an extended key
// (xprv/xpub text), with the version bytes as parameters.
#include <emscripten/bind.h>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip32/serialize.h"
#include "convert.h"
#include "crypto/wipe.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

constexpr size_t kMaxSeedBytes = 1024;  // BIP-32 takes 16 to 64; the core says which

// {xprv?, xpub, secretKey?: Uint8Array, publicKey: Uint8Array (33, compressed),
//  xOnlyPublicKey: hex (the Nostr identity), depth, childNumber, fingerprint: Uint8Array}
val describe(const bip32::ExtendedKey& key, bip32::Versions versions) {
    val out = val::object();
    out.set("xpub", bip32::encode(bip32::neuter(key), versions));
    const auto point = key.public_key().compressed();
    out.set("publicKey", bytes_value(point));
    out.set("xOnlyPublicKey", to_hex(std::span(point).subspan<1>()));
    out.set("depth", key.depth());
    out.set("childNumber", key.child_number());
    out.set("fingerprint", bytes_value(bip32::fingerprint(key)));
    if (key.is_private()) {
        std::string xprv = bip32::encode(key, versions);
        out.set("xprv", xprv);
        crypto::secure_wipe(xprv.data(), xprv.size());
        out.set("secretKey", bytes_value(key.secret_key()->bytes()));
    }
    return ok(out);
}

Result<bip32::ExtendedKey> root_key(const val& root, bip32::Versions versions) {
    if (is_uint8array(root)) {
        auto seed = bytes_argument(root, "seed", kMaxSeedBytes);
        if (!seed) return seed.error();
        crypto::WipeOnExit wipe(seed->data(), seed->size());
        return bip32::master_from_seed(*seed);
    }
    auto text = text_argument(root, "root");
    if (!text) {
        return make_error("wrong_type", "root must be a seed (Uint8Array) or an extended key (string)");
    }
    crypto::WipeOnExit wipe(text->data(), text->size());
    return bip32::decode(*text, versions);
}

// `root` is a BIP-39 seed (Uint8Array) or an extended key (xprv/xpub) in base58check.
val derive(val root, std::string path, uint32_t public_version, uint32_t private_version) {
    const bip32::Versions versions{public_version, private_version};
    auto start = root_key(root, versions);
    if (!start) return fail(start.error());
    auto key = bip32::derive_path(*start, path);
    if (!key) return fail(key.error());
    return describe(*key, versions);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_bip32) {
    emscripten::function("derive", &derive);
}

}  // namespace datt::wasm
