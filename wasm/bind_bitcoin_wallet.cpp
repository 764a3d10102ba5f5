// core/bitcoin/wallet for JavaScript: BIP-84 accounts, gap-limit scanning, coin selection,
// payments, signing and BIP-125 bumps (wasm/README.md "Wallet"). Pure like the core: the
// caller holds the state (the scan progress bytes, the coins, unsigned transactions) and
// passes randomness in (randomSeed, 32 bytes).
//
// An account is given as its root: the identity's BIP-39 seed (Uint8Array, wiped after use;
// signs) or the account's extended public key (zpub/vpub/rpub text; watch-only).
// Unsigned transactions cross as {tx, inputs: [{txid, vout, value, scriptPubKey, kind,
// path?, witnessScript?}], changeOutput, fee, maxWeight, maxVsize}, tx as transaction_value.
//
// Codes, besides the core's (wallet_*, bip32_*) and the converters': bad_key_path (a path
// that is not m/84'/coin'/account'/chain/index), bad_fee_rate (not a multiple of 0.001
// sat/vB, or above 1,000,000 sat/vB), unknown_spend_kind, too_many (an array over its bound).
#include <emscripten/bind.h>

#include <cmath>

#include "bip32/extended_key.h"
#include "bip32/path.h"
#include "bitcoin/display_hash.h"
#include "bitcoin/wallet/bip84.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/gap_limit.h"
#include "bitcoin/wallet/rbf.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin_convert.h"
#include "convert.h"
#include "crypto/wipe.h"
#include "util/hex.h"

namespace datt::wasm {
namespace {

namespace wallet = bitcoin::wallet;

constexpr size_t kMaxSeedBytes = 64;
constexpr size_t kMaxScriptBytes = 10'000;
constexpr uint32_t kMaxAddressesPerCall = 1'000;
constexpr uint32_t kHardened = bip32::kHardenedOffset;

Error too_many(const std::string& name, size_t max) {
    return make_error("too_many", name + " has more than " + std::to_string(max) + " items");
}

// An array of at most `max` elements, or an error.
Result<size_t> array_length(const val& input, const std::string& name, size_t max) {
    if (!input.isArray()) return make_error("wrong_type", name + " must be an array");
    const size_t length = input["length"].as<size_t>();
    if (length > max) return too_many(name, max);
    return length;
}

Result<wallet::Bip84Account> account_argument(const val& root, const bitcoin::Network& network,
                                              const val& number) {
    if (is_uint8array(root)) {
        auto account = is_absent(number) ? Result<uint32_t>(0u) : uint32_argument(number, "account");
        if (!account) return account.error();
        auto seed = bytes_argument(root, "seed", kMaxSeedBytes);
        if (!seed) return seed.error();
        crypto::WipeOnExit wipe(seed->data(), seed->size());
        return wallet::Bip84Account::from_seed(network, *seed, *account);
    }
    auto xpub = text_argument(root, "root");
    if (!xpub) {
        return make_error("wrong_type", "root must be a seed (Uint8Array) or an account xpub (string)");
    }
    return wallet::Bip84Account::from_account_xpub(network, *xpub);
}

Result<wallet::Chain> chain_argument(const val& input) {
    auto chain = uint32_argument(input, "chain");
    if (!chain) return chain.error();
    if (*chain > 1) return make_error("wallet_bad_chain", "chain must be 0 (receive) or 1 (change)");
    return static_cast<wallet::Chain>(*chain);
}

// "m/84'/coin'/account'/chain/index".
Result<wallet::KeyPath> key_path_argument(const val& input, const std::string& name) {
    auto text = text_argument(input, name);
    if (!text) return text.error();
    auto parts = bip32::parse_path(*text);
    const auto bad = make_error("bad_key_path", name + " must be m/84'/coin'/account'/chain/index");
    if (!parts || parts->size() != 5 || (*parts)[0] != (wallet::kBip84Purpose | kHardened) ||
        (*parts)[1] < kHardened || (*parts)[2] < kHardened || (*parts)[3] > 1 ||
        (*parts)[4] >= kHardened) {
        return bad;
    }
    return wallet::KeyPath{(*parts)[1] - kHardened, (*parts)[2] - kHardened,
                           static_cast<wallet::Chain>((*parts)[3]), (*parts)[4]};
}

// sat/vB as a Number with at most three decimals (exact in msat/vB).
Result<wallet::FeeRate> fee_rate_argument(const val& input, const std::string& name) {
    if (!input.isNumber()) return make_error("wrong_type", name + " must be a Number of sat/vB");
    const double msat = input.as<double>() * 1000;
    const double rounded = std::round(msat);
    if (!std::isfinite(msat) || msat < 0 || msat > 1e9 || std::fabs(msat - rounded) > 1e-6) {
        return make_error("bad_fee_rate", name + " must be 0 to 1,000,000 sat/vB in steps of 0.001");
    }
    return wallet::FeeRate::msat_per_vb(static_cast<uint64_t>(rounded));
}

double fee_rate_value(wallet::FeeRate rate) { return static_cast<double>(rate.msat_per_vb()) / 1000; }

Result<Bytes> script_argument(const val& input, const std::string& name) {
    auto bytes = bytes_argument(input, name.c_str(), kMaxScriptBytes);
    if (!bytes) return make_error(bytes.error().code, name + ": " + bytes.error().message);
    return bytes;
}

Result<wallet::RandomSeed> seed_argument(const val& input) {
    return fixed_bytes_argument<32>(input, "randomSeed");
}

Result<bitcoin::OutPoint> outpoint_argument(const val& input, const std::string& where) {
    auto txid = display_hash_argument(input["txid"], where + ".txid");
    if (!txid) return txid.error();
    auto vout = uint32_argument(input["vout"], where + ".vout");
    if (!vout) return vout.error();
    return bitcoin::OutPoint{*txid, *vout};
}

// [{txid, vout, value, scriptPubKey, path}]
Result<std::vector<wallet::WalletCoin>> coins_argument(const val& input) {
    auto length = array_length(input, "coins", wallet::kMaxSelectionCandidates);
    if (!length) return length.error();
    std::vector<wallet::WalletCoin> coins;
    coins.reserve(*length);
    for (size_t i = 0; i < *length; ++i) {
        const std::string where = "coins[" + std::to_string(i) + "]";
        const val coin = input[i];
        if (!is_plain_object(coin)) return make_error("wrong_type", where + " must be an object");
        auto outpoint = outpoint_argument(coin, where);
        if (!outpoint) return outpoint.error();
        auto value = sats_argument(coin["value"], where + ".value", AmountRange::kMoney);
        if (!value) return value.error();
        auto script = script_argument(coin["scriptPubKey"], where + ".scriptPubKey");
        if (!script) return script.error();
        auto path = key_path_argument(coin["path"], where + ".path");
        if (!path) return path.error();
        coins.push_back(wallet::WalletCoin{*outpoint, *value, std::move(*script), *path});
    }
    return coins;
}

// [{scriptPubKey, value}]
Result<std::vector<bitcoin::TxOut>> payees_argument(const val& input) {
    auto length = array_length(input, "payees", wallet::kMaxPayees);
    if (!length) return length.error();
    std::vector<bitcoin::TxOut> payees;
    for (size_t i = 0; i < *length; ++i) {
        const std::string where = "payees[" + std::to_string(i) + "]";
        const val payee = input[i];
        if (!is_plain_object(payee)) return make_error("wrong_type", where + " must be an object");
        auto value = sats_argument(payee["value"], where + ".value", AmountRange::kMoney);
        if (!value) return value.error();
        auto script = script_argument(payee["scriptPubKey"], where + ".scriptPubKey");
        if (!script) return script.error();
        payees.push_back(bitcoin::TxOut{*value, std::move(*script)});
    }
    return payees;
}

const char* kind_name(wallet::SpendKind kind) {
    switch (kind) {
        case wallet::SpendKind::kP2wpkh: return "p2wpkh";
        case wallet::SpendKind::kMultisig2of2: return "multisig_2of2";
        case wallet::SpendKind::kTimelock: return "timelock";
        case wallet::SpendKind::kHashLockPreimage: return "hash_lock_preimage";
        case wallet::SpendKind::kHashLockTimeout: return "hash_lock_timeout";
    }
    return "";
}

Result<wallet::SpendKind> kind_argument(const val& input, const std::string& name) {
    auto text = text_argument(input, name);
    if (!text) return text.error();
    for (uint8_t k = 0; k <= static_cast<uint8_t>(wallet::SpendKind::kHashLockTimeout); ++k) {
        const auto kind = static_cast<wallet::SpendKind>(k);
        if (*text == kind_name(kind)) return kind;
    }
    return make_error("unknown_spend_kind", name + " is not a known spend kind");
}

val unsigned_value(const wallet::UnsignedTransaction& unsigned_tx) {
    val out = val::object();
    out.set("tx", transaction_value(unsigned_tx.tx));
    val inputs = val::array();
    for (const wallet::InputDescription& in : unsigned_tx.inputs) {
        val entry = val::object();
        entry.set("txid", bitcoin::to_display_hex(in.outpoint.txid));
        entry.set("vout", in.outpoint.index);
        entry.set("value", sats_value(in.value));
        entry.set("scriptPubKey", bytes_value(in.script_pubkey));
        entry.set("kind", std::string(kind_name(in.kind)));
        if (in.key_path) entry.set("path", in.key_path->to_string());
        if (!in.witness_script.empty()) entry.set("witnessScript", bytes_value(in.witness_script));
        inputs.call<void>("push", entry);
    }
    out.set("inputs", inputs);
    out.set("changeOutput", unsigned_tx.change_output ? val(*unsigned_tx.change_output) : val::null());
    out.set("fee", sats_value(unsigned_tx.fee));
    out.set("maxWeight", static_cast<double>(unsigned_tx.max_weight));
    out.set("maxVsize", static_cast<double>(unsigned_tx.max_vsize()));
    return out;
}

Result<wallet::UnsignedTransaction> unsigned_argument(const val& input, const std::string& name) {
    if (!is_plain_object(input)) return make_error("wrong_type", name + " must be an unsigned transaction object");
    wallet::UnsignedTransaction out;
    auto tx = transaction_argument(input["tx"]);
    if (!tx) return tx.error();
    out.tx = std::move(*tx);
    auto length = array_length(input["inputs"], name + ".inputs", out.tx.inputs.size());
    if (!length) return length.error();
    for (size_t i = 0; i < *length; ++i) {
        const std::string where = name + ".inputs[" + std::to_string(i) + "]";
        const val in = input["inputs"][i];
        if (!is_plain_object(in)) return make_error("wrong_type", where + " must be an object");
        wallet::InputDescription description;
        auto outpoint = outpoint_argument(in, where);
        if (!outpoint) return outpoint.error();
        description.outpoint = *outpoint;
        auto value = sats_argument(in["value"], where + ".value", AmountRange::kMoney);
        if (!value) return value.error();
        description.value = *value;
        auto script = script_argument(in["scriptPubKey"], where + ".scriptPubKey");
        if (!script) return script.error();
        description.script_pubkey = std::move(*script);
        auto kind = kind_argument(in["kind"], where + ".kind");
        if (!kind) return kind.error();
        description.kind = *kind;
        if (!is_absent(in["path"])) {
            auto path = key_path_argument(in["path"], where + ".path");
            if (!path) return path.error();
            description.key_path = *path;
        }
        if (!is_absent(in["witnessScript"])) {
            auto witness_script = script_argument(in["witnessScript"], where + ".witnessScript");
            if (!witness_script) return witness_script.error();
            description.witness_script = std::move(*witness_script);
        }
        out.inputs.push_back(std::move(description));
    }
    if (!is_absent(input["changeOutput"])) {
        auto change = uint32_argument(input["changeOutput"], name + ".changeOutput");
        if (!change) return change.error();
        out.change_output = *change;
    }
    auto fee = sats_argument(input["fee"], name + ".fee", AmountRange::kMoney);
    if (!fee) return fee.error();
    out.fee = *fee;
    // The weight is recomputed rather than trusted.
    out.max_weight = wallet::max_signed_weight(out.tx, out.inputs);
    const Status checked = wallet::check_unsigned(out);
    if (!checked) return checked.error();
    return out;
}

// {xpub, fingerprint (hex), path, network, coinType, account, canSign}
val wallet_account(val root, val network_name, val number) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto account = account_argument(root, *network, number);
    if (!account) return fail(account.error());
    val out = val::object();
    out.set("xpub", account->encode_account_xpub());
    out.set("fingerprint", to_hex(account->fingerprint()));
    out.set("path", account->account_path());
    out.set("network", network->name);
    out.set("coinType", account->coin_type());
    out.set("account", account->account());
    out.set("canSign", account->can_sign());
    return ok(out);
}

// [{chain, index, path, address, scriptPubKey, publicKey}] for indices [start, start + count).
val wallet_addresses(val root, val network_name, val number, val chain_arg, val start_arg, val count_arg) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto account = account_argument(root, *network, number);
    if (!account) return fail(account.error());
    auto chain = chain_argument(chain_arg);
    if (!chain) return fail(chain.error());
    auto start = uint32_argument(start_arg, "start");
    if (!start) return fail(start.error());
    auto count = uint32_argument(count_arg, "count");
    if (!count) return fail(count.error());
    if (*count > kMaxAddressesPerCall) return fail(too_many("count", kMaxAddressesPerCall));
    val out = val::array();
    for (uint32_t i = 0; i < *count; ++i) {
        const uint32_t index = *start + i;
        if (index < *start) return fail(make_error("wallet_bad_index", "index beyond 2^32"));
        auto key = account->public_key(*chain, index);
        if (!key) return fail(key.error());
        auto script = account->script_pubkey(*chain, index);
        if (!script) return fail(script.error());
        auto address = account->address(*chain, index);
        if (!address) return fail(address.error());
        val entry = val::object();
        entry.set("chain", static_cast<uint32_t>(*chain));
        entry.set("index", index);
        entry.set("path", account->key_path(*chain, index).to_string());
        entry.set("address", address->to_string());
        entry.set("scriptPubKey", bytes_value(*script));
        entry.set("publicKey", bytes_value(key->compressed()));
        out.call<void>("push", entry);
    }
    return ok(out);
}

val watched_value(const wallet::WatchedScript& watched) {
    val entry = val::object();
    entry.set("scriptPubKey", bytes_value(watched.script_pubkey));
    entry.set("path", watched.path.to_string());
    entry.set("chain", static_cast<uint32_t>(watched.path.chain));
    entry.set("index", watched.path.index);
    return entry;
}

// Restores (or creates, when `progress` is absent, with `gapLimit`) the scan state of the
// account, marks `usedScripts` as paid, and returns {progress (bytes to store), gapLimit,
// nextReceive, nextChange, matched: [path per used script, or null], watched: [...]}.
val wallet_scan(val root, val network_name, val number, val progress_arg, val gap_arg, val used) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto account = account_argument(root, *network, number);
    if (!account) return fail(account.error());
    Result<wallet::ScanState> state = make_error("wallet_state_truncated", "no state");
    if (is_absent(progress_arg)) {
        auto gap = is_absent(gap_arg) ? Result<uint32_t>(wallet::kDefaultGapLimit)
                                      : uint32_argument(gap_arg, "gapLimit");
        if (!gap) return fail(gap.error());
        state = wallet::ScanState::create(account->watch_only(), *gap);
    } else {
        auto bytes = bytes_argument(progress_arg, "progress", wallet::kScanProgressSize + 1);
        if (!bytes) return fail(bytes.error());
        auto progress = wallet::ScanProgress::parse(*bytes);
        if (!progress) return fail(progress.error());
        state = wallet::ScanState::restore(account->watch_only(), *progress);
    }
    if (!state) return fail(state.error());
    val matched = val::array();
    if (!is_absent(used)) {
        auto length = array_length(used, "usedScripts", wallet::kMaxSelectionCandidates);
        if (!length) return fail(length.error());
        for (size_t i = 0; i < *length; ++i) {
            auto script = script_argument(val(used[i]), "usedScripts[" + std::to_string(i) + "]");
            if (!script) return fail(script.error());
            auto marked = state->mark_used(*script);
            if (!marked) return fail(marked.error());
            matched.call<void>("push", marked->matched ? val(marked->matched->to_string()) : val::null());
            state = std::move(marked->state);
        }
    }
    val out = val::object();
    out.set("progress", bytes_value(state->progress().serialize()));
    out.set("gapLimit", state->gap_limit());
    out.set("nextReceive", state->next_unused(wallet::Chain::kReceive));
    out.set("nextChange", state->next_unused(wallet::Chain::kChange));
    out.set("matched", matched);
    val watched = val::array();
    for (const wallet::WatchedScript& script : state->watched_scripts()) {
        watched.call<void>("push", watched_value(script));
    }
    out.set("watched", watched);
    return ok(out);
}

const char* algorithm_name(wallet::SelectionAlgorithm algorithm) {
    switch (algorithm) {
        case wallet::SelectionAlgorithm::kFixedInputsOnly: return "fixed_inputs_only";
        case wallet::SelectionAlgorithm::kBranchAndBound: return "branch_and_bound";
        case wallet::SelectionAlgorithm::kSingleRandomDraw: return "single_random_draw";
    }
    return "";
}

// candidates [{value, inputWeight}], params {valueOut, fixedValueIn?, fixedWeight, feeRate,
// changeOutputWeight, minChange, changeSpendFee, randomSeed}:
// {selected: [indices], algorithm, changeExpected, selectedValue, selectedEffectiveValue}.
val wallet_select_coins(val candidates_arg, val params_arg) {
    auto length = array_length(candidates_arg, "candidates", wallet::kMaxSelectionCandidates);
    if (!length) return fail(length.error());
    std::vector<wallet::SelectionCandidate> candidates;
    for (size_t i = 0; i < *length; ++i) {
        const std::string where = "candidates[" + std::to_string(i) + "]";
        const val candidate = candidates_arg[i];
        if (!is_plain_object(candidate)) return fail(make_error("wrong_type", where + " must be an object"));
        auto value = sats_argument(candidate["value"], where + ".value", AmountRange::kMoney);
        if (!value) return fail(value.error());
        auto weight = integer_argument(candidate["inputWeight"], where + ".inputWeight", 0, 4'000'000);
        if (!weight) return fail(weight.error());
        candidates.push_back({*value, static_cast<uint64_t>(*weight)});
    }
    if (!is_plain_object(params_arg)) return fail(make_error("wrong_type", "params must be an object"));
    wallet::CoinSelectionParams params;
    auto value_out = sats_argument(params_arg["valueOut"], "valueOut", AmountRange::kMoney);
    if (!value_out) return fail(value_out.error());
    params.value_out = *value_out;
    if (!is_absent(params_arg["fixedValueIn"])) {
        auto fixed = sats_argument(params_arg["fixedValueIn"], "fixedValueIn", AmountRange::kMoney);
        if (!fixed) return fail(fixed.error());
        params.fixed_value_in = *fixed;
    }
    auto fixed_weight = integer_argument(params_arg["fixedWeight"], "fixedWeight", 0, 4'000'000);
    if (!fixed_weight) return fail(fixed_weight.error());
    params.fixed_weight = static_cast<uint64_t>(*fixed_weight);
    auto rate = fee_rate_argument(params_arg["feeRate"], "feeRate");
    if (!rate) return fail(rate.error());
    params.fee.rate = *rate;
    auto change_weight = integer_argument(params_arg["changeOutputWeight"], "changeOutputWeight", 0, 4'000'000);
    if (!change_weight) return fail(change_weight.error());
    params.change_output_weight = static_cast<uint64_t>(*change_weight);
    auto min_change = sats_argument(params_arg["minChange"], "minChange", AmountRange::kMoney);
    if (!min_change) return fail(min_change.error());
    params.min_change = *min_change;
    auto change_fee = sats_argument(params_arg["changeSpendFee"], "changeSpendFee", AmountRange::kMoney);
    if (!change_fee) return fail(change_fee.error());
    params.change_spend_fee = *change_fee;
    auto seed = seed_argument(params_arg["randomSeed"]);
    if (!seed) return fail(seed.error());
    params.random_seed = *seed;
    auto selection = wallet::select_coins(candidates, params);
    if (!selection) return fail(selection.error());
    val out = val::object();
    val selected = val::array();
    for (size_t index : selection->selected) selected.call<void>("push", index);
    out.set("selected", selected);
    out.set("algorithm", std::string(algorithm_name(selection->algorithm)));
    out.set("changeExpected", selection->change_expected);
    out.set("selectedValue", sats_value(selection->selected_value));
    out.set("selectedEffectiveValue", sats_value(selection->selected_effective_value));
    return ok(out);
}

// {payees, coins, feeRate, changeScript, lockTime?, randomSeed, discardFeeRate?}
val wallet_build_payment(val request) {
    if (!is_plain_object(request)) return fail(make_error("wrong_type", "request must be an object"));
    wallet::PaymentRequest payment;
    auto payees = payees_argument(request["payees"]);
    if (!payees) return fail(payees.error());
    payment.payees = std::move(*payees);
    auto coins = coins_argument(request["coins"]);
    if (!coins) return fail(coins.error());
    payment.coins = std::move(*coins);
    auto rate = fee_rate_argument(request["feeRate"], "feeRate");
    if (!rate) return fail(rate.error());
    payment.fee_rate = *rate;
    auto change = script_argument(request["changeScript"], "changeScript");
    if (!change) return fail(change.error());
    payment.change_script = std::move(*change);
    if (!is_absent(request["lockTime"])) {
        auto lock_time = uint32_argument(request["lockTime"], "lockTime");
        if (!lock_time) return fail(lock_time.error());
        payment.lock_time = *lock_time;
    }
    if (!is_absent(request["discardFeeRate"])) {
        auto discard = fee_rate_argument(request["discardFeeRate"], "discardFeeRate");
        if (!discard) return fail(discard.error());
        payment.discard_fee_rate = *discard;
    }
    auto seed = seed_argument(request["randomSeed"]);
    if (!seed) return fail(seed.error());
    payment.random_seed = *seed;
    auto built = wallet::build_payment(payment);
    return built ? ok(unsigned_value(*built)) : fail(built.error());
}

// {original, feeRate, coins?, changeScript?, randomSeed}
val wallet_bump_fee(val request) {
    if (!is_plain_object(request)) return fail(make_error("wrong_type", "request must be an object"));
    wallet::BumpRequest bump;
    auto original = unsigned_argument(request["original"], "original");
    if (!original) return fail(original.error());
    bump.original = std::move(*original);
    auto rate = fee_rate_argument(request["feeRate"], "feeRate");
    if (!rate) return fail(rate.error());
    bump.fee_rate = *rate;
    if (!is_absent(request["coins"])) {
        auto coins = coins_argument(request["coins"]);
        if (!coins) return fail(coins.error());
        bump.coins = std::move(*coins);
    }
    if (!is_absent(request["changeScript"])) {
        auto change = script_argument(request["changeScript"], "changeScript");
        if (!change) return fail(change.error());
        bump.change_script = std::move(*change);
    }
    auto seed = seed_argument(request["randomSeed"]);
    if (!seed) return fail(seed.error());
    bump.random_seed = *seed;
    auto bumped = wallet::bump_fee(bump);
    return bumped ? ok(unsigned_value(*bumped)) : fail(bumped.error());
}

// {transaction (bytes), txid, wtxid, vsize, weight, fee, feeRate (sat/vB paid, rounded down)}
val wallet_sign(val root, val network_name, val number, val unsigned_arg) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto unsigned_tx = unsigned_argument(unsigned_arg, "unsigned");
    if (!unsigned_tx) return fail(unsigned_tx.error());
    auto account = account_argument(root, *network, number);
    if (!account) return fail(account.error());
    auto signed_tx = wallet::sign_wallet_transaction(*account, *unsigned_tx);
    if (!signed_tx) return fail(signed_tx.error());
    val out = val::object();
    out.set("transaction", bytes_value(bitcoin::serialize(*signed_tx)));
    out.set("txid", bitcoin::to_display_hex(bitcoin::txid(*signed_tx)));
    out.set("wtxid", bitcoin::to_display_hex(bitcoin::wtxid(*signed_tx)));
    const uint64_t vsize = bitcoin::vsize(*signed_tx);
    out.set("vsize", static_cast<double>(vsize));
    out.set("weight", static_cast<double>(bitcoin::weight(*signed_tx)));
    out.set("fee", sats_value(unsigned_tx->fee));
    const auto paid = wallet::FeeRate::paid(unsigned_tx->fee, vsize);
    out.set("feeRate", paid ? val(fee_rate_value(*paid)) : val::null());
    return ok(out);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_bitcoin_wallet) {
    emscripten::function("btcWalletAccount", &wallet_account);
    emscripten::function("btcWalletAddresses", &wallet_addresses);
    emscripten::function("btcWalletScan", &wallet_scan);
    emscripten::function("btcWalletSelectCoins", &wallet_select_coins);
    emscripten::function("btcWalletBuildPayment", &wallet_build_payment);
    emscripten::function("btcWalletBumpFee", &wallet_bump_fee);
    emscripten::function("btcWalletSign", &wallet_sign);
}

}  // namespace datt::wasm
