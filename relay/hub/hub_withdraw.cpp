// The operator's withdrawal from the hub's wallet (POST /hub/wallet/withdraw, loopback only;
// docs/operations.md): the request checked, the transaction built and signed, committed with
// the coins it spends (hub_wallet_txs) before it is broadcast, broadcast again at each start
// until the node has it in a block. And what follows a refusal by the node, for a withdrawal
// or a channel's funding: the node is asked which of the transaction's outputs and inputs
// it has; unless it has one of its outputs (then it has the transaction), the inputs it
// still has are the wallet's again, the others (spent by another transaction) and its
// change are forgotten.
#include <algorithm>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "bitcoin/address.h"
#include "bitcoin/display_hash.h"
#include "engine/log.h"
#include "hub/hub.h"
#include "hub/random_seed.h"
#include "util/hex.h"

namespace datt::relay::hub {

namespace {

std::string error_json(const std::string& code, const std::string& message) {
    return nlohmann::json{{"error", code}, {"message", message}}.dump();
}

// The request's fields, or what is wrong with it.
struct WithdrawRequest {
    std::string address;
    std::optional<bitcoin::Sats> sats;  // none: all
    uint32_t feerate_sat_per_vb = 0;
};

Result<WithdrawRequest> parse_request(const std::string& body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    const auto bad = [](const std::string& why) { return make_error("hub_withdraw_request", why); };
    if (!json.is_object()) return bad("the body is not a JSON object");
    WithdrawRequest request;
    if (!json.contains("address") || !json["address"].is_string()) return bad("address: a string is needed");
    request.address = json["address"].get<std::string>();
    if (!json.contains("sats")) return bad("sats: a whole number of sats or \"all\" is needed");
    const auto& sats = json["sats"];
    if (sats.is_string() && sats.get<std::string>() == "all") {
        request.sats.reset();
    } else if (sats.is_number_unsigned() && sats.get<uint64_t>() > 0 &&
               sats.get<uint64_t>() <= static_cast<uint64_t>(bitcoin::kMaxMoney.value())) {
        request.sats = bitcoin::Sats{static_cast<int64_t>(sats.get<uint64_t>())};
    } else {
        return bad("sats: a whole number of sats above 0 or \"all\" is needed");
    }
    const auto& rate = json.contains("feerate_sat_per_vb") ? json["feerate_sat_per_vb"] : nlohmann::json();
    if (!rate.is_number_unsigned() || rate.get<uint64_t>() < 1 || rate.get<uint64_t>() > 10'000) {
        return bad("feerate_sat_per_vb: a whole number from 1 to 10000 is needed");
    }
    request.feerate_sat_per_vb = static_cast<uint32_t>(rate.get<uint64_t>());
    return request;
}

}  // namespace

void Hub::wallet_withdraw(std::string request_json, std::function<void(unsigned, std::string)> done) {
    post([this, body = std::move(request_json), done = std::move(done)] { withdraw(body, done); });
}

void Hub::withdraw(const std::string& body, const std::function<void(unsigned, std::string)>& done) {
    if (!wallet_ || !chain_) {
        wallet_wanted_ = true;
        return done(503, error_json("hub_wallet_not_ready", "the hub wallet is not ready"));
    }
    auto request = parse_request(body);
    if (!request) return done(400, error_json(request.error().code, request.error().message));
    auto address = bitcoin::Address::parse(*options_.network, request->address);
    if (!address) {
        return done(400, error_json("hub_withdraw_address", "not an address of " + options_.network->name + ": " +
                                                                address.error().message));
    }
    // The sats promised to channel requests waiting for accept_channel are not the operator's
    // to take (the fee is not counted: the node refuses too little).
    const int64_t promised = promised_to_opens();
    const int64_t free = wallet_->balance().confirmed_sats - promised;
    if (promised > 0 && (!request->sats || request->sats->value() > free)) {
        return done(409, error_json("hub_wallet_reserved",
                                    std::to_string(promised) + " confirmed sats are promised to channel requests waiting for "
                                    "the client's accept_channel; " + std::to_string(std::max<int64_t>(free, 0)) +
                                    " are free"));
    }
    const auto random = random_seed();
    if (!random) return done(500, error_json("hub_random", "no random bytes"));
    auto spend = wallet_->withdraw(address->script_pubkey(), request->sats,
                                   bitcoin::wallet::FeeRate::sat_per_vb(request->feerate_sat_per_vb),
                                   chain_->tip_height(), *random);
    if (!spend) return done(400, error_json(spend.error().code, spend.error().message));
    Out out;
    for (WriteCommand& command : spend->commands) out.commands.push_back(std::move(command));
    out.commands.push_back(PutHubWalletTx{spend->txid, bitcoin::serialize(spend->tx)});
    withdrawals_[spend->txid] = spend->tx;
    log::info("hub wallet: withdrawal " + bitcoin::to_display_hex(spend->txid) + " stored, fee " +
              std::to_string(spend->fee_sats) + " sats");
    const std::string answer =
        nlohmann::json{{"txid", bitcoin::to_display_hex(spend->txid)}, {"fee_sats", spend->fee_sats}}.dump();
    broadcast_withdrawal(out, spend->tx, [done, answer](const Result<BroadcastVerdict>& verdict) {
        if (!verdict) return done(502, error_json("hub_withdraw_unsent", verdict.error().message));
        if (!verdict->accepted) return done(502, error_json("hub_withdraw_refused", verdict->reason));
        done(200, answer);
    });
    publish_wallet(out);
    flush(out);
}

void Hub::broadcast_withdrawal(Out& out, const bitcoin::Transaction& tx,
                               std::function<void(const Result<BroadcastVerdict>&)> then) {
    out.after.push_back([this, tx, then = std::move(then)] {
        chain_->broadcast(bitcoin::serialize(tx), [this, tx, then](const Result<BroadcastVerdict>& verdict) {
            const Hash256 txid = bitcoin::txid(tx);
            if (verdict && (!verdict->accepted || verdict->in_block)) {
                if (!verdict->accepted) {
                    log::warn("hub wallet: withdrawal " + bitcoin::to_display_hex(txid) + " refused: " + verdict->reason);
                }
                // Refused (its coins are looked at) or mined: it is not broadcast again.
                post([this, tx, txid, refused = !verdict->accepted] {
                    Out out;
                    out.commands.push_back(DeleteHubWalletTx{txid});
                    withdrawals_.erase(txid);
                    flush(out);
                    if (refused) release_refused(tx, [](Out&, bool) {});
                });
            }
            then(verdict);
        });
    });
}

void Hub::resume_withdrawals(Out& out) {
    for (const auto& [txid, tx] : withdrawals_) broadcast_withdrawal(out, tx, [](const Result<BroadcastVerdict>&) {});
}

void Hub::release_refused(const bitcoin::Transaction& tx, std::function<void(Out&, bool)> then) {
    if (!wallet_ || !chain_) return;
    const Hash256 txid = bitcoin::txid(tx);
    std::vector<bitcoin::OutPoint> asked;
    for (uint32_t i = 0; i < tx.outputs.size(); ++i) asked.push_back({txid, i});
    const std::vector<bitcoin::OutPoint> inputs = wallet_->spent_by(txid);
    asked.insert(asked.end(), inputs.begin(), inputs.end());
    struct Answers {
        std::mutex mutex;
        size_t left = 0;
        bool known = false;   // the node has one of its outputs: it has the transaction
        bool failed = false;  // the node could not say: nothing is undone
        std::vector<bitcoin::OutPoint> gone;
    };
    auto answers = std::make_shared<Answers>();
    answers->left = asked.size();
    const size_t outputs = tx.outputs.size();
    for (size_t i = 0; i < asked.size(); ++i) {
        chain_->unspent_output(asked[i].txid, asked[i].index,
                               [this, answers, i, outputs, point = asked[i], txid, then](
                                   const Result<std::optional<ChainOutput>>& output) {
            std::lock_guard lock(answers->mutex);
            if (!output) {
                answers->failed = true;
            } else if (i < outputs && output->has_value()) {
                answers->known = true;
            } else if (i >= outputs && !output->has_value()) {
                answers->gone.push_back(point);
            }
            if (--answers->left > 0) return;
            post([this, answers, txid, then] {
                Out out;
                const bool undo = !answers->known && !answers->failed;
                if (undo && wallet_) {
                    for (WriteCommand& command : wallet_->release(txid, answers->gone)) {
                        out.commands.push_back(std::move(command));
                    }
                    log::info("hub wallet: " + bitcoin::to_display_hex(txid) + " refused: its coins released (" +
                              std::to_string(answers->gone.size()) + " spent elsewhere, forgotten)");
                    publish_wallet(out);
                }
                then(out, undo);
                flush(out);
            });
        });
    }
}

}  // namespace datt::relay::hub
