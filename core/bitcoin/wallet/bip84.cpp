#include "bitcoin/wallet/bip84.h"

#include <utility>

#include "bip32/derive.h"
#include "bip32/serialize.h"
#include "bitcoin/script_templates.h"

namespace datt::bitcoin::wallet {
namespace {

// SLIP-132's P2WPKH versions (BIP-84's "Extended Key Version").
constexpr bip32::Versions kZpubVersions{0x04b24746, 0x04b2430c};  // zpub, zprv
constexpr bip32::Versions kVpubVersions{0x045f1cf6, 0x045f18bc};  // vpub, vprv

using bip32::kHardenedOffset;

Status check_chain_and_index(Chain chain, uint32_t index) {
    if (chain != Chain::kReceive && chain != Chain::kChange)
        return make_error("wallet_bad_chain", "chain " +
                                                  std::to_string(static_cast<uint32_t>(chain)) +
                                                  " is neither 0 (receive) nor 1 (change)");
    if (index >= kHardenedOffset)
        return make_error("wallet_bad_index",
                          "address index " + std::to_string(index) + " is not below 2^31");
    return Ok{};
}

}  // namespace

std::string KeyPath::to_string() const {
    return "m/84'/" + std::to_string(coin_type) + "'/" + std::to_string(account) + "'/" +
           std::to_string(static_cast<uint32_t>(chain)) + "/" + std::to_string(index);
}

bip32::Versions bip84_versions(const Network& network) {
    if (network.bip32_xpub_version == bip32::kMainnetVersions.public_version &&
        network.bip32_xprv_version == bip32::kMainnetVersions.private_version)
        return kZpubVersions;
    if (network.bip32_xpub_version == bip32::kTestnetVersions.public_version &&
        network.bip32_xprv_version == bip32::kTestnetVersions.private_version)
        return kVpubVersions;
    return bip32::Versions{network.bip32_xpub_version, network.bip32_xprv_version};
}

Bip84Account::Bip84Account(Network network, uint32_t account, bip32::ExtendedKey account_key,
                           bip32::ExtendedKey receive_key, bip32::ExtendedKey change_key)
    : network_(std::move(network)),
      account_(account),
      account_key_(std::move(account_key)),
      receive_key_(std::move(receive_key)),
      change_key_(std::move(change_key)) {}

Result<Bip84Account> Bip84Account::from_seed(const Network& network, ByteSpan seed,
                                             uint32_t account) {
    if (account >= kHardenedOffset)
        return make_error("wallet_bad_account",
                          "account " + std::to_string(account) + " is not below 2^31");
    auto key = bip32::master_from_seed(seed);
    if (!key) return key.error();
    for (uint32_t index : {kBip84Purpose, network.bip84_coin_type, account}) {
        key = bip32::derive_child(*key, index + kHardenedOffset);
        if (!key) return key.error();
    }
    auto receive = bip32::derive_child(*key, static_cast<uint32_t>(Chain::kReceive));
    if (!receive) return receive.error();
    auto change = bip32::derive_child(*key, static_cast<uint32_t>(Chain::kChange));
    if (!change) return change.error();
    return Bip84Account(network, account, std::move(*key), std::move(*receive), std::move(*change));
}

Result<Bip84Account> Bip84Account::from_account_xpub(const Network& network,
                                                     std::string_view text) {
    auto key = bip32::decode(text, bip84_versions(network));
    if (!key) return key.error();
    if (key->is_private() || key->depth() != 3 || key->child_number() < kHardenedOffset)
        return make_error(
            "wallet_not_account_key",
            "expected an account's extended public key (depth 3, m/84'/coin'/account')");
    auto receive = bip32::derive_child(*key, static_cast<uint32_t>(Chain::kReceive));
    if (!receive) return receive.error();
    auto change = bip32::derive_child(*key, static_cast<uint32_t>(Chain::kChange));
    if (!change) return change.error();
    const uint32_t account = key->child_number() - kHardenedOffset;
    return Bip84Account(network, account, std::move(*key), std::move(*receive), std::move(*change));
}

Bip84Account Bip84Account::watch_only() const {
    return Bip84Account(network_, account_, bip32::neuter(account_key_),
                        bip32::neuter(receive_key_), bip32::neuter(change_key_));
}

std::string Bip84Account::account_path() const {
    return "m/84'/" + std::to_string(coin_type()) + "'/" + std::to_string(account_) + "'";
}

KeyPath Bip84Account::key_path(Chain chain, uint32_t index) const {
    return KeyPath{coin_type(), account_, chain, index};
}

std::string Bip84Account::encode_account_xpub() const {
    return bip32::encode(bip32::neuter(account_key_), bip84_versions(network_));
}

Result<std::string> Bip84Account::encode_account_xprv() const {
    if (!can_sign()) return make_error("wallet_watch_only", "this account has no private keys");
    return bip32::encode(account_key_, bip84_versions(network_));
}

ByteArray<4> Bip84Account::fingerprint() const {
    return bip32::fingerprint(account_key_);
}

const bip32::ExtendedKey& Bip84Account::chain_key(Chain chain) const {
    switch (chain) {
        case Chain::kReceive:
            return receive_key_;
        case Chain::kChange:
            return change_key_;
    }
    return receive_key_;  // unreachable: callers check the chain first
}

Result<crypto::PubKey> Bip84Account::public_key(Chain chain, uint32_t index) const {
    if (auto ok = check_chain_and_index(chain, index); !ok) return ok.error();
    // Public derivation (CKDpub) from the chain's public key: no secret is touched.
    auto child = bip32::derive_child(bip32::neuter(chain_key(chain)), index);
    if (!child) return child.error();
    return child->public_key();
}

Result<Script> Bip84Account::script_pubkey(Chain chain, uint32_t index) const {
    auto key = public_key(chain, index);
    if (!key) return key.error();
    return p2wpkh_script(*key);
}

Result<Address> Bip84Account::address(Chain chain, uint32_t index) const {
    auto script = script_pubkey(chain, index);
    if (!script) return script.error();
    return Address::from_script_pubkey(network_, *script);
}

Result<crypto::SecretKey> Bip84Account::secret_key(const KeyPath& path) const {
    if (path.coin_type != coin_type() || path.account != account_)
        return make_error("wallet_wrong_account",
                          path.to_string() + " is not a key of account " + account_path());
    if (!can_sign()) return make_error("wallet_watch_only", "this account has no private keys");
    if (auto ok = check_chain_and_index(path.chain, path.index); !ok) return ok.error();
    auto child = bip32::derive_child(chain_key(path.chain), path.index);
    if (!child) return child.error();
    return *child->secret_key();
}

}  // namespace datt::bitcoin::wallet
