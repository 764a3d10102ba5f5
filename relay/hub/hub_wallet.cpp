#include "hub/hub_wallet.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "bitcoin/wallet/sweep.h"

namespace datt::relay::hub {

using bitcoin::wallet::Chain;
using bitcoin::wallet::KeyPath;

Result<HubWallet> HubWallet::make(const bitcoin::Network& network, const StoreReader::StoredWallet& stored,
                                  const Hash256& fresh_seed, uint32_t tip) {
    if (stored.seed && stored.seed->size() != fresh_seed.size()) {
        return make_error("hub_wallet_seed", "the stored wallet seed is not 32 bytes");
    }
    const ByteSpan seed = stored.seed ? ByteSpan(*stored.seed) : ByteSpan(fresh_seed);
    auto account = bitcoin::wallet::Bip84Account::from_seed(network, seed, 0);
    if (!account) return account.error();
    HubWallet wallet(std::move(*account));
    if (!stored.seed) wallet.pending_.push_back(PutHubWalletSeed{fresh_seed, tip});
    wallet.birth_height_ = stored.seed ? static_cast<uint32_t>(std::clamp<int64_t>(stored.birth_height, 0, UINT32_MAX)) : tip;
    wallet.next_receive_ = static_cast<uint32_t>(std::clamp<int64_t>(stored.next_receive, 0, int64_t{1} << 31));
    for (const auto& row : stored.coins) {
        if (row.txid.size() != 32 || row.vout < 0 || row.vout > UINT32_MAX || row.value <= 0 ||
            (row.chain != 0 && row.chain != 1) || row.index < 0 || row.index >= (int64_t{1} << 31) ||
            row.height < 0 || row.height > UINT32_MAX || (row.spent_by && row.spent_by->size() != 32)) {
            continue;  // a damaged row: that coin is not used
        }
        Hash256 txid{};
        std::copy(row.txid.begin(), row.txid.end(), txid.begin());
        Coin coin{row.value, wallet.account_.key_path(static_cast<Chain>(row.chain), static_cast<uint32_t>(row.index)),
                  static_cast<uint32_t>(row.height), std::nullopt};
        if (row.spent_by) {
            Hash256 spender{};
            std::copy(row.spent_by->begin(), row.spent_by->end(), spender.begin());
            coin.spent_by = spender;
        }
        wallet.coins_[{txid, static_cast<uint32_t>(row.vout)}] = coin;
    }
    wallet.watch_up_to(Chain::kReceive, wallet.next_index(Chain::kReceive) + kGap);
    wallet.watch_up_to(Chain::kChange, wallet.next_index(Chain::kChange) + kGap);
    return wallet;
}

std::vector<WriteCommand> HubWallet::take_commands() { return std::exchange(pending_, {}); }

std::vector<bitcoin::Script> HubWallet::new_scripts() { return std::exchange(unreturned_, {}); }

uint32_t HubWallet::next_index(Chain chain) const {
    uint32_t next = chain == Chain::kReceive ? next_receive_ : 0;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.path.chain == chain) next = std::max(next, coin.path.index + 1);
    }
    return next;
}

void HubWallet::watch_up_to(Chain chain, uint32_t end) {
    uint32_t& watched = watched_[static_cast<uint32_t>(chain)];
    for (; watched < end; ++watched) {
        auto script = account_.script_pubkey(chain, watched);
        if (!script) continue;  // bip32_invalid_child: BIP-32 says skip the index
        scripts_[*script] = account_.key_path(chain, watched);
        unreturned_.push_back(*script);
    }
}

WriteCommand HubWallet::put(const std::pair<Hash256, uint32_t>& outpoint, const Coin& coin) {
    return PutHubWalletCoin{outpoint.first,    outpoint.second,  coin.value, static_cast<uint32_t>(coin.path.chain),
                            coin.path.index, coin.height, coin.spent_by};
}

std::vector<WriteCommand> HubWallet::on_payment(const PaymentSeen& payment) {
    std::vector<WriteCommand> commands;
    for (uint32_t vout = 0; vout < payment.tx.outputs.size(); ++vout) {
        const auto& out = payment.tx.outputs[vout];
        auto path = scripts_.find(out.script_pubkey);
        if (path == scripts_.end()) continue;
        const std::pair<Hash256, uint32_t> outpoint{payment.txid, vout};
        auto [found, added] = coins_.try_emplace(outpoint, Coin{out.value.value(), path->second, 0, std::nullopt});
        const uint32_t height = payment.height.value_or(0);
        if (!added && found->second.height == height) continue;  // seen before as it is
        if (!added && height == 0) continue;                      // a block's coin seen in the mempool again
        found->second.height = height;
        commands.push_back(put(outpoint, found->second));
        watch_up_to(path->second.chain, path->second.index + 1 + kGap);
    }
    return commands;
}

std::vector<bitcoin::wallet::WalletCoin> HubWallet::confirmed_coins() const {
    std::vector<bitcoin::wallet::WalletCoin> coins;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.height == 0 || coin.spent_by) continue;
        auto script = account_.script_pubkey(coin.path.chain, coin.path.index);
        if (!script) continue;
        coins.push_back({bitcoin::OutPoint{outpoint.first, outpoint.second}, bitcoin::Sats{coin.value}, *script,
                         coin.path});
    }
    return coins;
}

Result<WalletSpend> HubWallet::fund(const bitcoin::TxOut& payee, bitcoin::wallet::FeeRate rate, uint32_t lock_time,
                                    const bitcoin::wallet::RandomSeed& random) {
    bitcoin::wallet::PaymentRequest request;
    request.payees = {payee};
    request.fee_rate = rate;
    request.lock_time = lock_time;
    request.random_seed = random;
    request.coins = confirmed_coins();
    const uint32_t change_index = next_index(Chain::kChange);
    auto change = account_.script_pubkey(Chain::kChange, change_index);
    if (!change) return change.error();
    request.change_script = *change;
    auto unsigned_tx = bitcoin::wallet::build_payment(request);
    if (!unsigned_tx) {
        if (unsigned_tx.error().code == "wallet_insufficient_funds") {
            return make_error("hub_wallet_empty", "the hub's confirmed coins cannot fund it: " + unsigned_tx.error().message);
        }
        return unsigned_tx.error();
    }
    return take(*unsigned_tx, payee, change_index);
}

Result<WalletSpend> HubWallet::withdraw(const bitcoin::Script& script, std::optional<bitcoin::Sats> sats,
                                        bitcoin::wallet::FeeRate rate, uint32_t lock_time,
                                        const bitcoin::wallet::RandomSeed& random) {
    if (sats) return fund(bitcoin::TxOut{*sats, script}, rate, lock_time, random);
    // Everything: every confirmed coin in, one output of their sum less the fee.
    bitcoin::wallet::SweepRequest sweep{confirmed_coins(), script, rate, lock_time};
    if (sweep.coins.empty()) return make_error("hub_wallet_empty", "the hub has no confirmed coin");
    auto unsigned_tx = bitcoin::wallet::build_sweep(sweep);
    if (!unsigned_tx) return unsigned_tx.error();
    return take(*unsigned_tx, unsigned_tx->tx.outputs[0], next_index(Chain::kChange));
}

Result<WalletSpend> HubWallet::take(const bitcoin::wallet::UnsignedTransaction& unsigned_tx,
                                    const bitcoin::TxOut& payee, uint32_t change_index) {
    auto tx = bitcoin::wallet::sign_wallet_transaction(account_, unsigned_tx);
    if (!tx) return tx.error();
    WalletSpend spend{*tx, bitcoin::txid(*tx), 0, unsigned_tx.fee.value(), {}};
    for (uint32_t i = 0; i < tx->outputs.size(); ++i) {
        if (tx->outputs[i] == payee) spend.output_index = i;
    }
    for (const auto& input : tx->inputs) {
        auto found = coins_.find({input.prevout.txid, input.prevout.index});
        found->second.spent_by = spend.txid;
        spend.commands.push_back(put(found->first, found->second));
    }
    if (unsigned_tx.change_output) {
        const std::pair<Hash256, uint32_t> outpoint{spend.txid, *unsigned_tx.change_output};
        Coin coin{tx->outputs[outpoint.second].value.value(), account_.key_path(Chain::kChange, change_index), 0,
                  std::nullopt};
        coins_[outpoint] = coin;
        spend.commands.push_back(put(outpoint, coin));
        watch_up_to(Chain::kChange, change_index + 1 + kGap);
    }
    return spend;
}

std::vector<bitcoin::OutPoint> HubWallet::spent_by(const Hash256& txid) const {
    std::vector<bitcoin::OutPoint> out;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.spent_by == txid) out.push_back({outpoint.first, outpoint.second});
    }
    return out;
}

std::vector<WriteCommand> HubWallet::release(const Hash256& txid, const std::vector<bitcoin::OutPoint>& gone) {
    std::vector<WriteCommand> commands;
    for (auto it = coins_.begin(); it != coins_.end();) {
        if (it->first.first == txid) {  // its change: that transaction will not exist
            commands.push_back(DeleteHubWalletCoin{it->first.first, it->first.second});
            it = coins_.erase(it);
            continue;
        }
        if (it->second.spent_by == txid) {
            const bool elsewhere =
                std::find(gone.begin(), gone.end(), bitcoin::OutPoint{it->first.first, it->first.second}) != gone.end();
            // Kept, spent: forgotten, a rescan of its block would bring it back unspent.
            if (elsewhere) {
                it->second.spent_by = kSpentElsewhere;
            } else {
                it->second.spent_by.reset();
            }
            commands.push_back(put(it->first, it->second));
        }
        ++it;
    }
    return commands;
}

std::vector<WriteCommand> HubWallet::on_reorg(uint32_t fork_height) {
    std::vector<WriteCommand> commands;
    for (auto& [outpoint, coin] : coins_) {
        if (coin.height <= fork_height) continue;
        coin.height = 0;
        commands.push_back(put(outpoint, coin));
    }
    return commands;
}

std::vector<bitcoin::OutPoint> HubWallet::to_check(const std::vector<Hash256>& unmined_own) const {
    std::vector<bitcoin::OutPoint> out;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.height != 0 || coin.spent_by) continue;
        if (std::find(unmined_own.begin(), unmined_own.end(), outpoint.first) != unmined_own.end()) continue;
        out.push_back({outpoint.first, outpoint.second});
    }
    return out;
}

std::vector<WriteCommand> HubWallet::gone(const bitcoin::OutPoint& outpoint) {
    auto found = coins_.find({outpoint.txid, outpoint.index});
    // Asked while pending and unspent; a block or a spend of ours since then wins.
    if (found == coins_.end() || found->second.height != 0 || found->second.spent_by) return {};
    coins_.erase(found);
    return {DeleteHubWalletCoin{outpoint.txid, outpoint.index}};
}

WalletBalance HubWallet::balance() const {
    WalletBalance balance;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.spent_by) {
            balance.spent_sats += coin.value;
        } else if (coin.height > 0) {
            balance.confirmed_sats += coin.value;
        } else {
            balance.unconfirmed_sats += coin.value;
        }
    }
    return balance;
}

Result<HubWallet::CloseScript> HubWallet::close_script(const std::set<Bytes>& in_use) {
    std::set<uint32_t> paid;
    for (const auto& [outpoint, coin] : coins_) {
        if (coin.path.chain == Chain::kReceive) paid.insert(coin.path.index);
    }
    std::optional<std::pair<uint32_t, bitcoin::Script>> unused;  // the lowest given out, unused
    for (const auto& [script, path] : scripts_) {
        if (path.chain != Chain::kReceive || path.index >= next_receive_ || paid.count(path.index) ||
            in_use.count(script) || (unused && unused->first < path.index)) {
            continue;
        }
        unused.emplace(path.index, script);
    }
    if (unused) return CloseScript{unused->second, PutHubWalletNextReceive{next_receive_}};
    const uint32_t index = next_index(Chain::kReceive);
    auto script = account_.script_pubkey(Chain::kReceive, index);
    if (!script) return script.error();
    next_receive_ = index + 1;
    watch_up_to(Chain::kReceive, next_receive_ + kGap);
    return CloseScript{*script, PutHubWalletNextReceive{next_receive_}};
}

std::string HubWallet::deposit_address() const {
    auto address = account_.address(Chain::kReceive, next_index(Chain::kReceive));
    return address ? address->to_string() : std::string{};
}

}  // namespace datt::relay::hub
