// BIP-84 accounts: P2WPKH keys and addresses derived from the identity's BIP-39 seed.
//
//   m / 84' / coin_type' / account' / chain / index
//
// coin_type is the network's (Network::bip84_coin_type: 0 on mainnet, 1 on every test
// network, bcoin's regtest included); chain 0 receives payments, chain 1 takes change
// (BIP-44); index counts from 0. Every address is P2WPKH of the compressed key
// (OP_0 <HASH160(key)>) in the network's bech32 encoding.
//
// Extended keys of an account are serialized with SLIP-132's P2WPKH versions where BIP-84
// defines them: zpub/zprv (0x04b24746 / 0x04b2430c) for a network with Bitcoin's xpub versions
// (mainnet), vpub/vprv (0x045f1cf6 / 0x045f18bc) for one with testnet's tpub versions
// (testnet3, signet and Core's regtest). A network with versions of its own (bcoin's regtest:
// rpub/rprv) keeps them, since no P2WPKH variant is registered for it.
//
// A Bip84Account holds the account key (m/84'/coin'/account') and its two chain keys. Made
// from a seed it can sign; made from an account xpub it is watch-only and derives the same
// addresses. Secrets (the private keys) wipe themselves; encode_account_xprv() returns a secret.
//
// Error codes:
//   wallet_bad_account        account number >= 2^31 (it is a hardened index)
//   wallet_bad_chain          a chain other than 0 (receive) or 1 (change)
//   wallet_bad_index          address index >= 2^31 (chain keys have only 2^31 normal children)
//   wallet_watch_only         a private key was asked of an account made from an xpub
//   wallet_not_account_key    an xpub that is not at depth 3 with a hardened child number
//   wallet_wrong_account      a KeyPath of another coin type or account
// and those of bip32 passed through: bip32_seed_length, bip32_invalid_master,
// bip32_invalid_child (probability ~2^-127; BIP-32 says to skip the index), and decode()'s
// codes for a bad xpub (bip32_unknown_version for another network's key, ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bip32/extended_key.h"
#include "bitcoin/address.h"
#include "bitcoin/network.h"
#include "bitcoin/tx.h"
#include "crypto/secp256k1.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin::wallet {

inline constexpr uint32_t kBip84Purpose = 84;

// BIP-44's "change" level.
enum class Chain : uint32_t {
    kReceive = 0,  // addresses given out to be paid
    kChange = 1,   // the wallet's own change outputs
};

// The full derivation path of one wallet key.
struct KeyPath {
    uint32_t coin_type = 0;
    uint32_t account = 0;
    Chain chain = Chain::kReceive;
    uint32_t index = 0;

    // "m/84'/1'/0'/1/7"
    std::string to_string() const;
    bool operator==(const KeyPath&) const = default;
};

// The serialization versions of BIP-84 account keys on `network` (see above).
bip32::Versions bip84_versions(const Network& network);

class Bip84Account {
  public:
    // `seed` is the BIP-39 seed (bip39::mnemonic_to_seed), 16 to 64 bytes.
    [[nodiscard]] static Result<Bip84Account> from_seed(const Network& network, ByteSpan seed,
                                                        uint32_t account);
    // Watch-only, from an account's extended public key (zpub/vpub/rpub per network). The
    // account number is the key's child number; the coin type is the network's, as the key
    // does not record it.
    [[nodiscard]] static Result<Bip84Account> from_account_xpub(const Network& network,
                                                                std::string_view text);

    const Network& network() const { return network_; }
    uint32_t coin_type() const { return network_.bip84_coin_type; }
    uint32_t account() const { return account_; }
    bool can_sign() const { return account_key_.is_private(); }
    // The same account without its private keys.
    Bip84Account watch_only() const;

    // "m/84'/0'/0'".
    std::string account_path() const;
    KeyPath key_path(Chain chain, uint32_t index) const;
    // The account's extended public key (zpub/vpub/rpub).
    std::string encode_account_xpub() const;
    // The account's extended private key: a secret (wipe it when done); wallet_watch_only.
    [[nodiscard]] Result<std::string> encode_account_xprv() const;
    // HASH160 fingerprint of the account public key (BIP-32), to tie stored state to it.
    ByteArray<4> fingerprint() const;

    [[nodiscard]] Result<crypto::PubKey> public_key(Chain chain, uint32_t index) const;
    // OP_0 <HASH160(compressed key)>.
    [[nodiscard]] Result<Script> script_pubkey(Chain chain, uint32_t index) const;
    [[nodiscard]] Result<Address> address(Chain chain, uint32_t index) const;
    // The signing key of `path` (which must be this account's).
    [[nodiscard]] Result<crypto::SecretKey> secret_key(const KeyPath& path) const;

  private:
    Bip84Account(Network network, uint32_t account, bip32::ExtendedKey account_key,
                 bip32::ExtendedKey receive_key, bip32::ExtendedKey change_key);
    const bip32::ExtendedKey& chain_key(Chain chain) const;

    Network network_;
    uint32_t account_;
    bip32::ExtendedKey account_key_;
    bip32::ExtendedKey receive_key_;  // account/0
    bip32::ExtendedKey change_key_;   // account/1
};

}  // namespace datt::bitcoin::wallet
