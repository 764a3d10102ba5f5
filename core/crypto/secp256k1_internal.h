// Internal to core/crypto's .cpp files: the shared libsecp256k1 context and the parsed
// forms the public key types keep. Never included by a public header (libsecp256k1's
// headers are a private dependency of datt_crypto).
#pragma once

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cstring>

#include "crypto/secp256k1.h"

namespace datt::crypto::detail {

// Created once; never destroyed (lives for the process, like the wasm instance).
secp256k1_context* context();

// The types store libsecp256k1's structs as byte arrays (its headers stay private);
// these copy them in and out, which costs nothing next to any curve operation.
struct Secp256k1Access {
    static secp256k1_pubkey native(const PubKey& key) {
        secp256k1_pubkey out;
        std::memcpy(&out, key.parsed_.data(), sizeof out);
        return out;
    }
    // Serializes in `format` (hybrid keys keep the bytes they were parsed from: libsecp256k1
    // cannot write them).
    static PubKey make_pubkey(const secp256k1_pubkey& point, PubKey::Format format);
    static PubKey make_hybrid_pubkey(const secp256k1_pubkey& point,
                                     std::span<const uint8_t, 65> bytes);

    static secp256k1_xonly_pubkey native(const XOnlyPubKey& key) {
        secp256k1_xonly_pubkey out;
        std::memcpy(&out, key.parsed_.data(), sizeof out);
        return out;
    }
    static XOnlyPubKey make_xonly(const secp256k1_xonly_pubkey& point);

    static const secp256k1_keypair* native(const KeyPair& pair) {
        return reinterpret_cast<const secp256k1_keypair*>(pair.data_.data());
    }
    static KeyPair make_keypair(const secp256k1_keypair& pair);
};

static_assert(sizeof(secp256k1_pubkey) == 64, "PubKey::parsed_ holds a secp256k1_pubkey");
static_assert(sizeof(secp256k1_xonly_pubkey) == 64, "XOnlyPubKey::parsed_ holds the parsed key");
static_assert(sizeof(secp256k1_keypair) == 96, "KeyPair::data_ holds a secp256k1_keypair");

}  // namespace datt::crypto::detail
