// The hub's on-chain wallet: the coins it funds channels to clients with (docs/channels.md
// "The hub opens a channel"). A value the hub thread owns, with no I/O: it is made from the
// stored rows (StoreReader::hub_wallet), learns payments from the bridge's watch
// (BitcoinService::watch_scripts) and answers with the store commands that record them; the
// hub commits those through the relay's single writer.
//
// Keys: the hub had no seed of its own (each channel has a random seed), so the wallet draws
// one when it is first needed (hub_open.cpp), 32 random bytes stored in hub_wallet before
// any address is given out, and uses it as a
// BIP-39 seed for BIP-84 account 0: m/84'/coin_type'/0'/chain/index (core/bitcoin/wallet
// bip84.h), P2WPKH. Deposits go to receive addresses (chain 0), the change of the hub's
// funding transactions to chain 1. Each channel's closing output and sweeps pay a receive
// address of its own (close_script), given out once: the next receive index is stored
// (hub_wallet_receive) before the address is sent, so no two channels share one and
// the watched window covers it; an address given to an open the client abandoned before
// its channel was stored is given to the next open (nothing records the abandon: the
// stored channels' scripts and the coins say which given-out addresses are unused, so the
// choice is the same after a restart). The watched window is kGap addresses past the highest
// index used or given out on each chain. Keys are never logged.
//
// Coins: every output paying a watched script, height 0 until it is seen in a block. Only
// confirmed coins fund a channel (coin selection and signing: core/bitcoin/wallet
// tx_builder.h); the coins a funding transaction spends are marked spent by it at once, in
// memory and in the commit that stores the channel, so two requests never spend one coin.
// A transaction given up before it was broadcast, or refused by the node (release), gives
// its coins back, except those the node says another transaction spent: they stay, spent by
// kSpentElsewhere (all zeros), so that a rescan of their block (the bridge rescans from the
// wallet's birth whenever the window grows) does not bring them back unspent. The operator's
// withdrawals (withdraw) are built the same way.
//
// Reorganizations and pending coins (docs/channels.md "The hub's wallet and the chain"): a
// reorganization turns every coin of a disconnected block back to pending (height 0) at
// once, before any other request is served, so it funds nothing until a block holds it again
// (the new branch's blocks, scanned after, set its height). At every new tip the hub asks
// the node about each unspent pending coin (to_check) except the change of its own
// transactions not yet mined; one the node has neither in its mempool nor in its chain
// (gone) is forgotten: its transaction was double-spent or dropped. A coin spent by the
// hub's own transaction stays spent: if that transaction was reorganized out it normally
// comes back to the mempool; if it cannot (its input is gone), its change is forgotten as
// above and the spent coin stays recorded as spent (balance().spent_sats).
//
// Error codes:
//   hub_wallet_seed          a stored seed that is not 32 bytes
//   hub_wallet_empty         no confirmed coin can pay (message: the shortfall)
// and tx_builder.h's (wallet_insufficient_funds is reported as hub_wallet_empty).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bitcoin/network.h"
#include "bitcoin/tx.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/fee_rate.h"
#include "bitcoin/wallet/tx_builder.h"
#include "engine/bitcoin_service.h"
#include "store/store.h"
#include "store/write_command.h"
#include "util/result.h"

namespace datt::relay::hub {

struct WalletBalance {
    int64_t confirmed_sats = 0;    // unspent, in a block
    int64_t unconfirmed_sats = 0;  // unspent, in the mempool
    int64_t spent_sats = 0;        // spent by the hub's own transactions (fundings)
};

// A transaction built and signed from the wallet (a channel's funding, a withdrawal): its
// txid, where the payee's output is, its fee, and the commands that record the coins it
// spends and its change (committed before it is broadcast).
struct WalletSpend {
    bitcoin::Transaction tx;
    Hash256 txid{};
    uint32_t output_index = 0;
    int64_t fee_sats = 0;
    std::vector<WriteCommand> commands;
};

class HubWallet {
  public:
    static constexpr uint32_t kGap = 20;
    static constexpr Hash256 kSpentElsewhere{};  // spent by a transaction not the hub's

    // From the stored rows; `fresh_seed` is used (and a PutHubWalletSeed returned through
    // take_commands) when none is stored. Errors: hub_wallet_seed, the BIP-32 codes.
    // `tip` is the node's height now: a fresh wallet's birth height.
    [[nodiscard]] static Result<HubWallet> make(const bitcoin::Network& network,
                                                const StoreReader::StoredWallet& stored,
                                                const Hash256& fresh_seed, uint32_t tip);
    // The height from which blocks may pay it (scanned again at each start).
    uint32_t birth_height() const { return birth_height_; }

    // Commands not yet handed to the writer (the new seed).
    std::vector<WriteCommand> take_commands();

    // The scripts to watch (the window on both chains); the ones already returned are not
    // returned again.
    std::vector<bitcoin::Script> new_scripts();

    // A transaction the bridge saw paying a watched script: the coins it adds or confirms,
    // as commands to store.
    std::vector<WriteCommand> on_payment(const PaymentSeen& payment);

    // Builds and signs a transaction paying `payee` from confirmed coins, change to the next
    // change address; its coins are marked spent at once. Errors: hub_wallet_empty, the
    // builder's codes.
    [[nodiscard]] Result<WalletSpend> fund(const bitcoin::TxOut& payee, bitcoin::wallet::FeeRate rate,
                                           uint32_t lock_time, const bitcoin::wallet::RandomSeed& random);
    // The operator's withdrawal: `sats` to `script` (none: every confirmed coin, less the
    // fee, no change), as fund() does. Errors: hub_wallet_empty, wallet_dust_output (the
    // amount, or all of it less the fee, below the output's dust threshold), the builder's.
    [[nodiscard]] Result<WalletSpend> withdraw(const bitcoin::Script& script, std::optional<bitcoin::Sats> sats,
                                               bitcoin::wallet::FeeRate rate, uint32_t lock_time,
                                               const bitcoin::wallet::RandomSeed& random);
    // The transaction `txid` will not be mined (given up before broadcast, or refused by the
    // node): its change is forgotten; the coins it spent are unspent again, except those the
    // node no longer has (`gone`: spent by another transaction), now spent by kSpentElsewhere.
    // Commands to store.
    std::vector<WriteCommand> release(const Hash256& txid, const std::vector<bitcoin::OutPoint>& gone = {});
    // The outpoints the transaction `txid` spends from the wallet.
    std::vector<bitcoin::OutPoint> spent_by(const Hash256& txid) const;

    // The blocks above `fork_height` were disconnected: their coins are pending again.
    // Commands to store.
    std::vector<WriteCommand> on_reorg(uint32_t fork_height);
    // The unspent pending coins to ask the node about, but those of `unmined_own` (the hub's
    // transactions not yet known mined: their change is not in the node before broadcast).
    std::vector<bitcoin::OutPoint> to_check(const std::vector<Hash256>& unmined_own) const;
    // The node has `outpoint` neither in its mempool nor in its chain: a pending unspent coin
    // there is forgotten. Commands to store.
    std::vector<WriteCommand> gone(const bitcoin::OutPoint& outpoint);

    WalletBalance balance() const;
    // The first receive address no coin has paid yet (what an operator deposits to).
    std::string deposit_address() const;

    // A receive address's script for a channel's closing output and sweeps, and the command
    // that records it as given out (committed before the script is sent): the lowest one
    // given out before that no coin has paid and no channel holds (`in_use`: the shutdown
    // scripts of the stored channels and of the opens under way; one abandoned before its
    // channel was stored is given again), else the next fresh one.
    struct CloseScript {
        bitcoin::Script script;
        WriteCommand command;
    };
    [[nodiscard]] Result<CloseScript> close_script(const std::set<Bytes>& in_use);

  private:
    struct Coin {
        int64_t value = 0;
        bitcoin::wallet::KeyPath path;
        uint32_t height = 0;
        std::optional<Hash256> spent_by;
    };
    explicit HubWallet(bitcoin::wallet::Bip84Account account) : account_(std::move(account)) {}
    uint32_t next_index(bitcoin::wallet::Chain chain) const;  // past the highest used or given out
    static WriteCommand put(const std::pair<Hash256, uint32_t>& outpoint, const Coin& coin);
    std::vector<bitcoin::wallet::WalletCoin> confirmed_coins() const;
    // Signs `unsigned_tx`, marks its coins spent and records its change (at change_index).
    Result<WalletSpend> take(const bitcoin::wallet::UnsignedTransaction& unsigned_tx, const bitcoin::TxOut& payee,
                             uint32_t change_index);
    void watch_up_to(bitcoin::wallet::Chain chain, uint32_t end);

    bitcoin::wallet::Bip84Account account_;
    uint32_t birth_height_ = 0;
    uint32_t next_receive_ = 0;  // receive indexes below it were given out to closes
    std::map<std::pair<Hash256, uint32_t>, Coin> coins_;  // by outpoint
    std::map<bitcoin::Script, bitcoin::wallet::KeyPath> scripts_;  // the watched window
    uint32_t watched_[2] = {0, 0};                                 // per chain: indexes below are watched
    std::vector<bitcoin::Script> unreturned_;
    std::vector<WriteCommand> pending_;
};

}  // namespace datt::relay::hub
