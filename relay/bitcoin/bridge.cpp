#include "bridge/bridge.h"

#include <algorithm>
#include <fstream>

#include "bitcoin/address.h"
#include "bitcoin/display_hash.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sign.h"
#include "engine/log.h"
#include "util/hex.h"

namespace datt::relay::bitcoin_bridge {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxQueued = 1024;
constexpr size_t kMaxQueuedPerConnection = 16;
constexpr size_t kMaxWatchItemsPerConnection = 100;
constexpr size_t kFaucetPerConnectionPerMinute = 5;
constexpr size_t kRecentBlocks = 200;
constexpr uint32_t kMaxBlocksPerPoll = 50;   // scanned per poll when watching (the rest next poll)
constexpr size_t kMaxMempoolSeen = 20000;
constexpr size_t kMaxSpendTxBytes = 100000;  // a `spend` notification's `tx`, serialized
constexpr uint32_t kCoinbaseMaturity = 100;
constexpr int64_t kFaucetFee = 20'000;       // sats, plenty for one legacy input, two outputs
constexpr int64_t kFaucetMaxSats = 10 * 100'000'000LL;
constexpr uint8_t kSighashAll = 1;
constexpr std::chrono::milliseconds kVerdictWait{2000};  // bcoin verifies after answering

std::string chain_name_for(const bitcoin::Network& network) {
    if (network.name == "mainnet") return "main";
    if (network.name == "testnet3") return "test";
    if (network.name == "signet") return "signet";
    return "regtest";
}

std::string hex_of(const Hash256& hash) { return bitcoin::to_display_hex(hash); }

Result<Bytes> random_bytes(size_t n) {
    std::ifstream in("/dev/urandom", std::ios::binary);
    Bytes out(n);
    if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n))) {
        return make_error("random", "cannot read /dev/urandom");
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<Bridge>> Bridge::make(const Config& config) {
    auto network = bitcoin::network_by_name(config.bitcoin_network);
    if (!network) return make_error("unknown_network", "--bitcoin-network: " + network.error().message);
    RpcEndpoint endpoint;
    endpoint.url = config.bitcoin_rpc_url;
    endpoint.user = config.bitcoin_rpc_user;
    endpoint.password_file = config.bitcoin_rpc_password_file;
    endpoint.cookie_file = config.bitcoin_rpc_cookie_file;
    endpoint.timeout = std::chrono::milliseconds(config.bitcoin_rpc_timeout_ms);
    endpoint.max_reply_bytes = config.bitcoin_max_reply_bytes;
    auto client = RpcClient::make(endpoint);
    if (!client) return client.error();
    return std::unique_ptr<Bridge>(new Bridge(config, *network, std::move(*client)));
}

Bridge::Bridge(const Config& config, const bitcoin::Network& network, RpcClient client)
    : config_(config), network_(network), client_(std::move(client)) {}

Bridge::~Bridge() { stop(); }

bool Bridge::is_regtest() const { return network_.name == "regtest" || network_.name == "bcoin-regtest"; }

void Bridge::start(Outbox& outbox) {
    outbox_ = &outbox;
    thread_ = std::thread([this] { run(); });
}

void Bridge::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Bridge::submit(ConnectionId from, proto::BtcRequest request) {
    ++requests_;
    {
        std::lock_guard lock(mutex_);
        size_t& mine = pending_[from];
        if (!stopping_ && queue_.size() < kMaxQueued && mine < kMaxQueuedPerConnection) {
            ++mine;
            queue_.push_back({from, std::move(request), {}});
            wake_.notify_one();
            return;
        }
    }
    reply_err(from, request.request_id,
              make_error("busy", "too many Bitcoin requests waiting; wait for answers before sending more"));
}

uint32_t Bridge::tip_height() const {
    std::lock_guard lock(state_mutex_);
    return height_;
}

void Bridge::queue_job(std::function<void()> job, const std::function<void()>& refused) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_ && queue_.size() < kMaxQueued) {
            queue_.push_back({0, std::nullopt, std::move(job)});
            wake_.notify_one();
            return;
        }
    }
    refused();
}

void Bridge::unspent_output(const Hash256& txid, uint32_t vout,
                            std::function<void(Result<std::optional<ChainOutput>>)> done) {
    auto job = [this, txid, vout, done] {
        auto out = call("gettxout", json::array({hex_of(txid), vout, true}));
        if (!out) return done(out.error());
        auto parsed = txout_result(*out);
        if (!parsed) return done(parsed.error());
        if (!*parsed) return done(std::optional<ChainOutput>{});
        done(std::optional<ChainOutput>{
            ChainOutput{(*parsed)->confirmations, (*parsed)->value, std::move((*parsed)->script_pubkey)}});
    };
    queue_job(std::move(job), [&] { done(make_error("busy", "the bridge's queue is full")); });
}

// The hub's jobs are not bounded by the queue: they are a few per channel (and the wallet's
// bounded window), the hub bounds its channels, and losing one would lose a spend or a coin.
void Bridge::push_hub_job(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    queue_.push_back({0, std::nullopt, std::move(job)});
    wake_.notify_one();
}

// What is in the mempool already is news for a new watch; blocks from `rescan_from` are
// scanned again for it.
void Bridge::hub_watch_added(uint32_t rescan_from) {
    mempool_seen_.clear();
    if (rescan_from > 0) rescan_from_ = std::min(rescan_from_.value_or(rescan_from), rescan_from);
    next_poll_ = Clock::now();
}

void Bridge::set_spend_listener(std::function<void(const SpendSeen&)> listener) {
    // Set on the bridge's thread, in order with the watches that follow it.
    push_hub_job([this, listener = std::move(listener)] { spend_listener_ = listener; });
}

void Bridge::watch_spend(const bitcoin::OutPoint& outpoint, uint32_t rescan_from) {
    push_hub_job([this, outpoint, rescan_from] {
        hub_outpoints_.insert({outpoint.txid, outpoint.index});
        hub_watch_added(rescan_from);
    });
}

void Bridge::set_payment_listener(std::function<void(const PaymentSeen&)> listener) {
    push_hub_job([this, listener = std::move(listener)] { payment_listener_ = listener; });
}

void Bridge::watch_scripts(std::vector<Bytes> scripts, uint32_t rescan_from) {
    push_hub_job([this, scripts = std::move(scripts), rescan_from] {
        hub_scripts_.insert(scripts.begin(), scripts.end());
        hub_watch_added(rescan_from);
    });
}

void Bridge::broadcast(Bytes raw, std::function<void(Result<BroadcastVerdict>)> done) {
    auto job = [this, raw = std::move(raw), done] {
        auto verdict = broadcast(raw);
        if (!verdict) return done(verdict.error());
        BroadcastVerdict out;
        out.accepted = (*verdict)["accepted"].get<bool>();
        if (!out.accepted) out.reason = (*verdict)["reason"].get<std::string>();
        out.in_block = out.accepted && verdict->value("in", "") == "chain";
        done(out);
    };
    queue_job(std::move(job), [&] { done(make_error("busy", "the bridge's queue is full")); });
}

// Scans blocks again from rescan_from_ for the hub's outpoints and scripts, kMaxBlocksPerPoll
// per call.
Status Bridge::rescan_for_hub() {
    if (!rescan_from_) return Ok{};
    uint32_t height;
    {
        std::lock_guard lock(state_mutex_);
        height = height_;
    }
    const uint32_t last = std::min<uint32_t>(height, *rescan_from_ + kMaxBlocksPerPoll - 1);
    for (uint32_t h = *rescan_from_; h <= last; ++h) {
        auto parsed = block_hash_at(h);
        if (!parsed) return parsed.error();
        if (auto scanned = scan_block(h, *parsed, true); !scanned) return scanned;
        rescan_from_ = h + 1;
    }
    if (*rescan_from_ > height) {
        rescan_from_.reset();
    } else {
        next_poll_ = Clock::now();  // more to scan
    }
    return Ok{};
}

void Bridge::connection_closed(ConnectionId id) {
    std::lock_guard lock(mutex_);
    queue_.push_back({id, std::nullopt, {}});  // not bounded: one per connection, ever
    wake_.notify_one();
}

void Bridge::reply_ok(ConnectionId to, const std::string& id, const json& result) {
    outbox_->send(to, std::make_shared<const std::string>(proto::format_btc_ok(id, result.dump())));
}

void Bridge::reply_err(ConnectionId to, const std::string& id, const Error& error) {
    ++request_errors_;
    outbox_->send(to, std::make_shared<const std::string>(proto::format_btc_err(id, error.code, error.message)));
}

void Bridge::notify(ConnectionId to, const json& event) {
    ++notifications_;
    outbox_->send(to, std::make_shared<const std::string>(proto::format_btc_event(event.dump())));
}

// ---------------------------------------------------------------------------------------
// The thread

void Bridge::run() {
    for (;;) {
        std::optional<Queued> next;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_poll_, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            if (!queue_.empty()) {
                next = std::move(queue_.front());
                queue_.pop_front();
                if (next->request) {
                    auto found = pending_.find(next->from);
                    if (found != pending_.end() && --found->second == 0) pending_.erase(found);
                }
            }
        }
        if (next) handle(*next);
        if (Clock::now() >= next_poll_) poll();
    }
}

void Bridge::handle(const Queued& queued) {
    if (queued.job) return queued.job();
    if (!queued.request) {
        watches_.erase(queued.from);
        std::lock_guard lock(mutex_);
        pending_.erase(queued.from);
        return;
    }
    const proto::BtcRequest& request = *queued.request;
    Result<json> result = std::visit(
        [&](const auto& c) -> Result<json> {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, proto::BtcStatus>) {
                return status();
            } else if constexpr (std::is_same_v<T, proto::BtcBroadcast>) {
                return broadcast(c.tx);
            } else if constexpr (std::is_same_v<T, proto::BtcHeaders>) {
                return headers(c.from, c.count);
            } else if constexpr (std::is_same_v<T, proto::BtcProof>) {
                return proof(c.txid_hex);
            } else if constexpr (std::is_same_v<T, proto::BtcWatch>) {
                return watch(queued.from, c);
            } else if constexpr (std::is_same_v<T, proto::BtcFaucet>) {
                if (auto allowed = faucet_allowed(queued.from); !allowed) return allowed.error();
                return faucet(c.address, c.sats);
            } else if constexpr (std::is_same_v<T, proto::BtcMine>) {
                if (auto allowed = faucet_allowed(queued.from); !allowed) return allowed.error();
                return mine(c.blocks);
            }
        },
        request.call);
    if (result) {
        reply_ok(queued.from, request.request_id, *result);
    } else {
        log::debug("bitcoin: " + std::string(proto::btc_method_name(request.call)) + ": " + result.error().code +
                   ": " + result.error().message);
        reply_err(queued.from, request.request_id, result.error());
    }
}

// ---------------------------------------------------------------------------------------
// RPC and the node's state

Status Bridge::usable() {
    std::lock_guard lock(state_mutex_);
    if (connected_ || Clock::now() >= retry_at_) return Ok{};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - Clock::now()).count();
    return make_error("node_unavailable", "the Bitcoin node is unavailable (" + last_error_ + "); retrying in " +
                                              std::to_string(wait) + " ms");
}

void Bridge::mark_up() {
    std::lock_guard lock(state_mutex_);
    if (!connected_) log::info("bitcoin: node at " + client_.host() + ":" + client_.port() + " is up");
    connected_ = true;
    retries_ = 0;
}

void Bridge::mark_down(const Error& error) {
    std::lock_guard lock(state_mutex_);
    if (connected_) log::warn("bitcoin: node down: " + error.code + ": " + error.message);
    connected_ = false;
    last_error_ = error.code + ": " + error.message;
    ++retries_;
    // 250 ms doubling to 30 s.
    const int64_t backoff = std::min<int64_t>(30000, 250LL << std::min<uint64_t>(retries_ - 1, 7));
    retry_at_ = Clock::now() + std::chrono::milliseconds(backoff);
    next_poll_ = retry_at_;
}

Result<json> Bridge::call(const std::string& method, json params) {
    if (auto ok = usable(); !ok) return ok.error();
    ++rpc_calls_;
    const json request = {{"jsonrpc", "1.0"}, {"id", 0}, {"method", method}, {"params", std::move(params)}};
    auto body = client_.post(request.dump());
    if (!body) {
        ++rpc_errors_;
        if (body.error().code != "rpc_reply_too_large") mark_down(body.error());
        return body.error();
    }
    auto result = rpc_result(*body, config_.bitcoin_max_reply_bytes);
    if (!result) {
        ++rpc_errors_;
        if (result.error().code != "node_error") {
            std::lock_guard lock(state_mutex_);
            last_error_ = result.error().code + ": " + result.error().message;
        }
        return Error{result.error().code, method + ": " + result.error().message};
    }
    mark_up();
    return result;
}

Result<std::vector<json>> Bridge::batch(const std::string& method, const std::vector<json>& params) {
    if (params.empty()) return std::vector<json>{};
    if (auto ok = usable(); !ok) return ok.error();
    ++rpc_calls_;
    json request = json::array();
    for (size_t i = 0; i < params.size(); ++i) {
        request.push_back({{"jsonrpc", "1.0"}, {"id", i}, {"method", method}, {"params", params[i]}});
    }
    auto body = client_.post(request.dump());
    if (!body) {
        ++rpc_errors_;
        if (body.error().code != "rpc_reply_too_large") mark_down(body.error());
        return body.error();
    }
    auto results = rpc_batch_results(*body, params.size(), config_.bitcoin_max_reply_bytes);
    if (!results) {
        ++rpc_errors_;
        return Error{results.error().code, method + ": " + results.error().message};
    }
    mark_up();
    return results;
}

void Bridge::poll() {
    next_poll_ = Clock::now() + std::chrono::milliseconds(config_.bitcoin_poll_ms);
    {
        // While backing off, the retry time decides (mark_down set it).
        std::lock_guard lock(state_mutex_);
        if (!connected_ && Clock::now() < retry_at_) {
            next_poll_ = retry_at_;
            return;
        }
    }
    {
        std::lock_guard lock(state_mutex_);
        retry_at_ = Clock::now();  // this poll is the retry
    }
    auto result = call("getblockchaininfo", json::array());
    if (!result) return;
    auto info = chain_info_result(*result);
    if (!info) {
        mark_down(info.error());
        return;
    }
    if (info->chain != chain_name_for(network_)) {
        mark_down(make_error("node_wrong_chain", "the node is on " + info->chain + ", the relay is configured for " +
                                                     network_.name));
        return;
    }
    if (auto scanned = scan_tip(*info); !scanned) {
        log::warn("bitcoin: scanning the chain: " + scanned.error().code + ": " + scanned.error().message);
        return;
    }
    if (auto rescanned = rescan_for_hub(); !rescanned) {
        log::warn("bitcoin: scanning blocks again for the hub: " + rescanned.error().code + ": " +
                  rescanned.error().message);
    }
    if (auto rescanned = rescan_for_clients(); !rescanned) {
        log::warn("bitcoin: scanning blocks again for clients: " + rescanned.error().code + ": " +
                  rescanned.error().message);
    }
}

bool Bridge::anyone_watching() const {
    if (!hub_outpoints_.empty() || !hub_scripts_.empty()) return true;
    for (const auto& [id, watch] : watches_) {
        if (!watch.scripts.empty() || !watch.outpoints.empty()) return true;
    }
    return false;
}

Status Bridge::scan_tip(const ChainInfo& info) {
    uint32_t old_height;
    Hash256 old_tip;
    {
        std::lock_guard lock(state_mutex_);
        old_height = height_;
        old_tip = tip_;
    }
    const bool changed = !scanned_once_ || info.best_block != old_tip;
    if (!changed) return anyone_watching() ? scan_mempool() : Status{Ok{}};
    if (!scanned_once_ || !anyone_watching()) {
        // Nothing to tell anyone: remember where the chain is and move on.
        recent_blocks_.clear();
        recent_blocks_[info.blocks] = info.best_block;
        {
            std::lock_guard lock(state_mutex_);
            height_ = info.blocks;
            tip_ = info.best_block;
        }
        scanned_once_ = true;
        return Ok{};
    }
    // Where does the new chain leave the blocks we saw? Walk back until a height agrees.
    uint32_t fork = std::min(old_height, info.blocks);
    bool reorg = false;
    while (true) {
        auto known = recent_blocks_.find(fork);
        if (known == recent_blocks_.end()) break;  // older than we remember: assume it agrees
        auto parsed = block_hash_at(fork);
        if (!parsed) return parsed.error();
        if (*parsed == known->second) break;
        reorg = true;
        if (fork == 0) break;
        --fork;
    }
    if (reorg || info.blocks < old_height) {
        std::vector<Hash256> unconfirmed;
        for (auto it = confirmed_.begin(); it != confirmed_.end();) {
            if (it->second > fork) {
                unconfirmed.push_back(it->first);
                it = confirmed_.erase(it);
            } else {
                ++it;
            }
        }
        recent_blocks_.erase(recent_blocks_.upper_bound(fork), recent_blocks_.end());
        for (const auto& [id, watch] : watches_) {
            notify(id, {{"type", "reorg"},
                        {"fork_height", fork},
                        {"old_tip", hex_of(old_tip)},
                        {"old_height", old_height},
                        {"new_tip", hex_of(info.best_block)},
                        {"new_height", info.blocks}});
            for (const Hash256& txid : unconfirmed) {
                notify(id, {{"type", "unconfirmed"}, {"txid", hex_of(txid)}});
            }
        }
        mempool_seen_.clear();  // what the old branch held may be back in the mempool
    }
    // New blocks after the fork, oldest first (bounded per poll; the rest next time).
    const uint32_t first = fork + 1;
    const uint32_t last = std::min<uint32_t>(info.blocks, first + kMaxBlocksPerPoll - 1);
    uint32_t done = fork;
    for (uint32_t height = first; height <= last && info.blocks >= first; ++height) {
        auto parsed = block_hash_at(height);
        if (!parsed) return parsed.error();
        if (auto scanned = scan_block(height, *parsed); !scanned) return scanned;
        recent_blocks_[height] = *parsed;
        done = height;
    }
    while (recent_blocks_.size() > kRecentBlocks) recent_blocks_.erase(recent_blocks_.begin());
    const Hash256 done_hash = recent_blocks_.count(done) ? recent_blocks_[done] : info.best_block;
    {
        std::lock_guard lock(state_mutex_);
        height_ = done;
        tip_ = done_hash;
    }
    for (const auto& [id, watch] : watches_) {
        if (!watch.scripts.empty() || !watch.outpoints.empty()) {
            notify(id, {{"type", "tip"}, {"height", done}, {"hash", hex_of(done_hash)}});
        }
    }
    if (done < info.blocks) next_poll_ = Clock::now();  // more to scan
    return scan_mempool();
}

Result<Hash256> Bridge::block_hash_at(uint32_t height) {
    auto hash = call("getblockhash", json::array({height}));
    if (!hash) return hash.error();
    return hash_result(*hash);
}

Result<std::vector<Bridge::BlockTx>> Bridge::block_transactions(const Hash256& hash) {
    auto block = call("getblock", json::array({hex_of(hash), true}));
    if (!block) return block.error();
    if (!block->is_object() || !block->contains("tx") || !(*block)["tx"].is_array()) {
        return make_error("rpc_reply_malformed", "getblock: no tx list");
    }
    std::vector<json> params;
    std::vector<Hash256> txids;
    for (const json& txid : (*block)["tx"]) {
        auto parsed = hash_result(txid.is_object() && txid.contains("txid") ? txid["txid"] : txid);
        if (!parsed) return parsed.error();
        txids.push_back(*parsed);
        params.push_back(json::array({hex_of(*parsed), false}));
    }
    auto raws = batch("getrawtransaction", params);
    if (!raws) return raws.error();
    std::vector<BlockTx> out;
    for (size_t i = 0; i < raws->size(); ++i) {
        const json& raw = (*raws)[i];
        if (!raw.is_string()) return make_error("rpc_reply_malformed", "getrawtransaction: expected hex");
        auto bytes = from_hex(raw.get_ref<const std::string&>());
        if (!bytes) return make_error("rpc_reply_malformed", "getrawtransaction: not hex");
        auto tx = bitcoin::parse_transaction(*bytes);
        if (!tx) return make_error("node_lied", "getrawtransaction: " + tx.error().message);
        if (bitcoin::txid(*tx) != txids[i]) {
            return make_error("node_lied", "getrawtransaction returned another transaction than " + hex_of(txids[i]));
        }
        out.push_back({std::move(*tx), txids[i]});
    }
    return out;
}

Status Bridge::scan_block(uint32_t height, const Hash256& hash, bool hub_only) {
    auto txs = block_transactions(hash);
    if (!txs) return txs.error();
    for (const BlockTx& t : *txs) match_transaction(t.tx, t.txid, height, &hash, hub_only);
    return Ok{};
}

Status Bridge::scan_mempool() {
    if (!anyone_watching()) return Ok{};
    auto pool = call("getrawmempool", json::array());
    if (!pool) return pool.error();
    if (!pool->is_array()) return make_error("rpc_reply_malformed", "getrawmempool: expected an array");
    std::vector<json> params;
    std::vector<Hash256> txids;
    for (const json& entry : *pool) {
        auto txid = hash_result(entry);
        if (!txid) return txid.error();
        if (mempool_seen_.count(*txid) || confirmed_.count(*txid)) continue;
        if (mempool_seen_.size() >= kMaxMempoolSeen) mempool_seen_.clear();
        mempool_seen_.insert(*txid);
        txids.push_back(*txid);
        params.push_back(json::array({hex_of(*txid), false}));
        if (params.size() >= 500) break;  // the rest next poll
    }
    auto raws = batch("getrawtransaction", params);
    if (!raws) return raws.error();
    for (size_t i = 0; i < raws->size(); ++i) {
        if (!(*raws)[i].is_string()) continue;
        auto bytes = from_hex((*raws)[i].get_ref<const std::string&>());
        if (!bytes) continue;
        auto tx = bitcoin::parse_transaction(*bytes);
        if (!tx || bitcoin::txid(*tx) != txids[i]) continue;
        match_transaction(*tx, txids[i], std::nullopt, nullptr);
    }
    return Ok{};
}

void Bridge::match_transaction(const bitcoin::Transaction& tx, const Hash256& txid, std::optional<uint32_t> height,
                               const Hash256* block, bool hub_only) {
    bool relevant = false;
    for (const bitcoin::TxIn& in : tx.inputs) {
        if (!hub_outpoints_.count({in.prevout.txid, in.prevout.index}) || !spend_listener_) continue;
        relevant = true;
        spend_listener_(SpendSeen{in.prevout, tx, height});
    }
    for (const bitcoin::TxOut& out : tx.outputs) {
        if (!hub_scripts_.count(out.script_pubkey) || !payment_listener_) continue;
        relevant = true;
        payment_listener_(PaymentSeen{txid, tx, height});
        break;  // once per transaction: the wallet reads every output
    }
    if (hub_only) return;
    std::optional<Bytes> raw_tx;  // serialized once, for the spend notifications
    for (auto& [id, watch] : watches_) {
        for (size_t vout = 0; vout < tx.outputs.size(); ++vout) {
            const auto& out = tx.outputs[vout];
            if (!watch.scripts.count(out.script_pubkey)) continue;
            relevant = true;
            json event = {{"type", height ? "confirmed" : "payment"},
                          {"txid", hex_of(txid)},
                          {"vout", vout},
                          {"sats", out.value.value()},
                          {"script", to_hex(out.script_pubkey)}};
            if (height) {
                event["height"] = *height;
                event["block"] = hex_of(*block);
            }
            notify(id, event);
            // Its spend is what the client wants next: watch the new outpoint too.
            if (watch.scripts.size() + watch.outpoints.size() < kMaxWatchItemsPerConnection) {
                watch.outpoints.insert({txid, static_cast<uint32_t>(vout)});
            }
        }
        for (size_t vin = 0; vin < tx.inputs.size(); ++vin) {
            const auto& prev = tx.inputs[vin].prevout;
            if (!watch.outpoints.count({prev.txid, prev.index})) continue;
            relevant = true;
            if (!raw_tx) raw_tx = bitcoin::serialize(tx);
            notify(id, spend_event(prev, txid, vin, *raw_tx, height, block));
        }
    }
    if (relevant && height) confirmed_[txid] = *height;
}

json Bridge::spend_event(const bitcoin::OutPoint& prev, const Hash256& txid, size_t vin, const Bytes& raw_tx,
                         std::optional<uint32_t> height, const Hash256* block) {
    json event = {{"type", "spend"},
                  {"outpoint", {{"txid", hex_of(prev.txid)}, {"vout", prev.index}}},
                  {"txid", hex_of(txid)},
                  {"vin", vin}};
    // The spending tx itself, for a channel client's resolver (a commitment is a few KB); one
    // larger than a notification should carry is left out.
    if (raw_tx.size() <= kMaxSpendTxBytes) event["tx"] = to_hex(raw_tx);
    if (height) {
        event["height"] = *height;
        event["block"] = hex_of(*block);
    }
    return event;
}

// ---------------------------------------------------------------------------------------
// Requests

Result<json> Bridge::status() {
    // Asks the node now, so a client sees the current state, not the last poll's.
    auto info = call("getblockchaininfo", json::array());
    if (info) {
        auto parsed = chain_info_result(*info);
        if (!parsed) return parsed.error();
    }
    return json::parse(state_json());
}

std::string Bridge::state_json() const {
    std::lock_guard lock(state_mutex_);
    json state = {{"network", network_.name},
                  {"connected", connected_},
                  {"height", height_},
                  {"tip", hex_of(tip_)},
                  {"last_error", last_error_},
                  {"retries", retries_},
                  {"faucet", network_.name == "regtest" || network_.name == "bcoin-regtest"}};
    return state.dump();
}

std::string Bridge::metrics_text() const {
    bool connected;
    uint32_t height;
    uint64_t retries;
    {
        std::lock_guard lock(state_mutex_);
        connected = connected_;
        height = height_;
        retries = retries_;
    }
    std::string out;
    auto metric = [&](const char* name, const char* type, const char* help, uint64_t value) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
               std::to_string(value) + "\n";
    };
    metric("datt_bitcoin_node_connected", "gauge", "1 when the last RPC to the Bitcoin node succeeded.", connected);
    metric("datt_bitcoin_node_height", "gauge", "Height of the Bitcoin node's tip as last scanned.", height);
    metric("datt_bitcoin_node_retries", "gauge", "Failed attempts since the node was last reachable.", retries);
    metric("datt_bitcoin_rpc_calls_total", "counter", "JSON-RPC calls made to the node.", rpc_calls_.load());
    metric("datt_bitcoin_rpc_errors_total", "counter", "JSON-RPC calls that failed or were rejected.",
           rpc_errors_.load());
    metric("datt_bitcoin_requests_total", "counter", "BTC requests from clients.", requests_.load());
    metric("datt_bitcoin_request_errors_total", "counter", "BTC requests answered with BTC-ERR.",
           request_errors_.load());
    metric("datt_bitcoin_notifications_total", "counter", "BTC-EVENT notifications sent.", notifications_.load());
    return out;
}

Result<json> Bridge::broadcast(const Bytes& raw) {
    auto tx = bitcoin::parse_transaction(raw);
    if (!tx) return make_error("tx_invalid", tx.error().code + ": " + tx.error().message);
    const Hash256 txid = bitcoin::txid(*tx);
    const std::string txid_hex = hex_of(txid);
    auto sent = call("sendrawtransaction", json::array({to_hex(raw)}));
    if (!sent) {
        // bitcoind refuses with an RPC error carrying its reason.
        if (sent.error().code == "node_error") {
            return json{{"txid", txid_hex}, {"accepted", false}, {"reason", sent.error().message}};
        }
        return sent.error();
    }
    auto echoed = hash_result(*sent);
    if (!echoed) return echoed.error();
    if (*echoed != txid) {
        return make_error("node_lied", "sendrawtransaction answered txid " + hex_of(*echoed) + " for " + txid_hex);
    }
    // bcoin answers the txid before it has verified the transaction (it adds it to its
    // mempool afterwards, asynchronously) and even when its mempool refuses it: the
    // mempool, or the chain, says what happened. Asked for up to kVerdictWait.
    const auto deadline = Clock::now() + kVerdictWait;
    for (;;) {
        auto entry = call("getmempoolentry", json::array({txid_hex}));
        if (entry) return json{{"txid", txid_hex}, {"accepted", true}, {"in", "mempool"}};
        if (entry.error().code != "node_error") return entry.error();
        auto known = call("getrawtransaction", json::array({txid_hex, true}));
        if (known && known->is_object() && known->contains("confirmations") &&
            (*known)["confirmations"].is_number_unsigned() && (*known)["confirmations"].get<uint64_t>() > 0) {
            return json{{"txid", txid_hex}, {"accepted", true}, {"in", "chain"}};
        }
        if (Clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return json{{"txid", txid_hex},
                {"accepted", false},
                {"reason", "not in the node's mempool " + std::to_string(kVerdictWait.count()) +
                               " ms after broadcast (bcoin gives its reason only in its log; bitcoind says it)"}};
}

Result<json> Bridge::headers(uint32_t from, uint32_t count) {
    auto info_json = call("getblockchaininfo", json::array());
    if (!info_json) return info_json.error();
    auto info = chain_info_result(*info_json);
    if (!info) return info.error();
    if (from > info->blocks) {
        return make_error("headers_out_of_range", "the node's chain ends at height " + std::to_string(info->blocks));
    }
    const uint32_t n = std::min<uint64_t>(count, uint64_t{info->blocks} - from + 1);
    std::vector<json> height_params;
    for (uint32_t i = 0; i < n; ++i) height_params.push_back(json::array({from + i}));
    auto hashes = batch("getblockhash", height_params);
    if (!hashes) return hashes.error();
    std::vector<json> header_params;
    for (const json& hash : *hashes) header_params.push_back(json::array({hash, false}));
    auto raw = batch("getblockheader", header_params);
    if (!raw) return raw.error();
    auto checked = check_header_range(*hashes, *raw, network_);
    if (!checked) return checked.error();
    std::string hex;
    hex.reserve(160 * checked->size());
    for (const auto& header : *checked) hex += to_hex(bitcoin::serialize_block_header(header));
    return json{{"from", from}, {"count", checked->size()}, {"tip_height", info->blocks}, {"headers", hex}};
}

Result<json> Bridge::proof(const std::string& txid_hex) {
    auto txid = bitcoin::from_display_hex(txid_hex);
    if (!txid) return make_error("btc_bad_params", "txid: " + txid.error().message);
    auto reply = call("gettxoutproof", json::array({json::array({txid_hex})}));
    if (!reply) return reply.error();
    auto checked = check_txout_proof(*reply, *txid, network_);
    if (!checked) return checked.error();
    const std::string block_hex = hex_of(checked->proof.block_hash);
    json result = {{"txid", txid_hex}, {"block", block_hex}, {"proof", to_hex(checked->merkle_block)}};
    // The height, so a client can find the header in its chain; checked by hash there.
    auto header = call("getblockheader", json::array({block_hex, true}));
    if (header && header->is_object() && header->contains("height") && (*header)["height"].is_number_unsigned()) {
        result["height"] = (*header)["height"];
    }
    return result;
}

Result<json> Bridge::watch(ConnectionId from, const proto::BtcWatch& request) {
    Watch& watch = watches_[from];
    std::vector<std::pair<Hash256, uint32_t>> outpoints;
    for (const auto& o : request.outpoints) {
        auto txid = bitcoin::from_display_hex(o.txid_hex);
        if (!txid) return make_error("btc_bad_params", "outpoint txid: " + txid.error().message);
        outpoints.push_back({*txid, o.vout});
    }
    if (request.add) {
        size_t added = 0;
        for (const auto& s : request.scripts) added += !watch.scripts.count(s);
        for (const auto& o : outpoints) added += !watch.outpoints.count(o);
        if (watch.scripts.size() + watch.outpoints.size() + added > kMaxWatchItemsPerConnection) {
            return make_error("watch_limit", "at most " + std::to_string(kMaxWatchItemsPerConnection) +
                                                 " scripts and outpoints per connection");
        }
        for (const auto& s : request.scripts) watch.scripts.insert(s);
        for (const auto& o : outpoints) watch.outpoints.insert(o);
        // What is already in the mempool is news to this watcher too.
        mempool_seen_.clear();
        if (!scanned_once_) poll();
    } else {
        for (const auto& s : request.scripts) watch.scripts.erase(s);
        for (const auto& o : outpoints) watch.outpoints.erase(o);
    }
    json result = json::object();
    if (request.from_height) {
        auto rescan = start_rescan(watch, outpoints, *request.from_height);
        if (!rescan) return rescan.error();
        result["rescan"] = std::move(*rescan);
    }
    std::lock_guard lock(state_mutex_);
    result.update(json{{"scripts", watch.scripts.size()}, {"outpoints", watch.outpoints.size()}, {"height", height_},
                       {"tip", hex_of(tip_)}});
    return result;
}

Status Bridge::faucet_allowed(ConnectionId from) {
    if (!is_regtest()) {
        return make_error("faucet_unavailable", "the faucet and mining exist only on regtest; this relay is on " +
                                                    network_.name);
    }
    const double now = std::chrono::duration<double>(Clock::now() - started_).count();
    auto trim = [&](std::deque<double>& times) {
        while (!times.empty() && times.front() < now - 60) times.pop_front();
    };
    Watch& mine = watches_[from];
    trim(mine.faucet_times);
    trim(faucet_times_);
    if (mine.faucet_times.size() >= kFaucetPerConnectionPerMinute ||
        faucet_times_.size() >= config_.bitcoin_faucet_per_minute) {
        return make_error("rate_limited", "too many faucet or mine requests; try again in a minute");
    }
    mine.faucet_times.push_back(now);
    faucet_times_.push_back(now);
    return Ok{};
}

Result<std::vector<Hash256>> Bridge::generate(uint32_t blocks, const std::string& address) {
    auto reply = call("generatetoaddress", json::array({blocks, address}));
    if (!reply) return reply.error();
    if (!reply->is_array() || reply->size() != blocks) {
        return make_error("rpc_reply_malformed", "generatetoaddress: expected " + std::to_string(blocks) + " hashes");
    }
    std::vector<Hash256> hashes;
    for (const json& hash : *reply) {
        auto parsed = hash_result(hash);
        if (!parsed) return parsed.error();
        hashes.push_back(*parsed);
    }
    next_poll_ = Clock::now();  // tell watchers soon
    return hashes;
}

Result<json> Bridge::mine(uint32_t blocks) {
    if (!faucet_key_) {
        // The faucet's key: made at startup of the faucet, kept in memory only (regtest coins).
        for (;;) {
            auto bytes = random_bytes(32);
            if (!bytes) return bytes.error();
            std::array<uint8_t, 32> raw{};
            std::copy(bytes->begin(), bytes->end(), raw.begin());
            faucet_key_ = crypto::SecretKey::from_bytes(raw);
            if (faucet_key_) break;
        }
        faucet_script_ = bitcoin::p2pkh_script(crypto::pubkey(*faucet_key_));
        auto address = bitcoin::Address::from_script_pubkey(network_, faucet_script_);
        if (!address) return address.error();
        faucet_address_ = address->to_string();
    }
    auto hashes = generate(blocks, faucet_address_);
    if (!hashes) return hashes.error();
    json list = json::array();
    for (const Hash256& hash : *hashes) {
        list.push_back(hex_of(hash));
        // Each block's coinbase pays the faucet: remember it for later sends.
        auto block = call("getblock", json::array({hex_of(hash), true}));
        if (!block || !block->is_object() || !block->contains("tx") || !(*block)["tx"].is_array() ||
            (*block)["tx"].empty() || !block->contains("height") || !(*block)["height"].is_number_unsigned()) {
            continue;
        }
        const json& first = (*block)["tx"][0];
        auto txid = hash_result(first.is_object() && first.contains("txid") ? first["txid"] : first);
        if (!txid) continue;
        auto raw = call("getrawtransaction", json::array({hex_of(*txid), false}));
        if (!raw || !raw->is_string()) continue;
        auto bytes = from_hex(raw->get_ref<const std::string&>());
        if (!bytes) continue;
        auto tx = bitcoin::parse_transaction(*bytes);
        if (!tx || bitcoin::txid(*tx) != *txid) continue;
        for (size_t vout = 0; vout < tx->outputs.size(); ++vout) {
            if (tx->outputs[vout].script_pubkey == faucet_script_ && tx->outputs[vout].value.value() > 0) {
                coins_.push_back({{*txid, static_cast<uint32_t>(vout)},
                                  tx->outputs[vout].value,
                                  static_cast<uint32_t>((*block)["height"].get<uint64_t>()),
                                  true});
            }
        }
    }
    std::lock_guard lock(state_mutex_);
    return json{{"blocks", list}, {"address", faucet_address_}};
}

Result<json> Bridge::faucet(const std::string& address_text, uint64_t sats) {
    if (sats > static_cast<uint64_t>(kFaucetMaxSats)) {
        return make_error("btc_bad_params", "the faucet sends at most " + std::to_string(kFaucetMaxSats) + " sats");
    }
    auto address = bitcoin::Address::parse(network_, address_text);
    if (!address) return make_error("btc_bad_params", "address: " + address.error().message);
    const int64_t need = static_cast<int64_t>(sats) + kFaucetFee;
    auto height_now = [&]() -> Result<uint32_t> {
        auto info = call("getblockchaininfo", json::array());
        if (!info) return info.error();
        auto parsed = chain_info_result(*info);
        if (!parsed) return parsed.error();
        return parsed->blocks;
    };
    // A spendable coin: a mature coinbase, or change (unconfirmed chains are fine in regtest).
    auto pick = [&](uint32_t height) -> std::optional<size_t> {
        for (size_t i = 0; i < coins_.size(); ++i) {
            const Coin& c = coins_[i];
            const bool mature = !c.coinbase || height + 1 >= c.height + kCoinbaseMaturity;
            if (mature && c.value.value() >= need) return i;
        }
        return std::nullopt;
    };
    auto height = height_now();
    if (!height) return height.error();
    std::optional<size_t> coin = pick(*height);
    if (!coin) {
        // Mine one block to the faucet, then enough on top for it to mature.
        auto mined = mine(1);
        if (!mined) return mined.error();
        // In steps, so no single RPC runs long on a busy node (bcoin mines in JS).
        for (uint32_t mined_blocks = 0; mined_blocks < kCoinbaseMaturity; mined_blocks += 20) {
            auto more = generate(20, faucet_address_);
            if (!more) return more.error();
        }
        height = height_now();
        if (!height) return height.error();
        coin = pick(*height);
        if (!coin) return make_error("faucet_empty", "the faucet has no coin large enough for " + std::to_string(sats) + " sats");
    }
    const Coin spent = coins_[*coin];
    bitcoin::Transaction tx;
    tx.version = 2;
    bitcoin::TxIn in;
    in.prevout = spent.outpoint;
    in.sequence = 0xfffffffd;  // replaceable
    tx.inputs.push_back(in);
    tx.outputs.push_back({bitcoin::Sats(static_cast<int64_t>(sats)), address->script_pubkey()});
    const int64_t change = spent.value.value() - need;
    if (change >= 1000) tx.outputs.push_back({bitcoin::Sats(change), faucet_script_});
    auto script_sig = bitcoin::sign_p2pkh_input(tx, 0, *faucet_key_, kSighashAll);
    if (!script_sig) return script_sig.error();
    tx.inputs[0].script_sig = std::move(*script_sig);
    auto verdict = broadcast(bitcoin::serialize(tx));
    if (!verdict) return verdict.error();
    if (!(*verdict)["accepted"].get<bool>()) {
        coins_.erase(coins_.begin() + static_cast<std::ptrdiff_t>(*coin));  // most likely already spent
        return make_error("faucet_refused", "the node refused the faucet's transaction: " +
                                                (*verdict)["reason"].get<std::string>());
    }
    coins_.erase(coins_.begin() + static_cast<std::ptrdiff_t>(*coin));
    const Hash256 txid = bitcoin::txid(tx);
    if (tx.outputs.size() == 2) coins_.push_back({{txid, 1}, tx.outputs[1].value, 0, false});
    return json{{"txid", hex_of(txid)}, {"vout", 0}, {"sats", sats}, {"address", address->to_string()},
                {"tx", to_hex(bitcoin::serialize(tx))}};
}

}  // namespace datt::relay::bitcoin_bridge
