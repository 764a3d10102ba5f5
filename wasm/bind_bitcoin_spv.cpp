// core/bitcoin for JavaScript, part 2: SPV. Block headers, header-chain validation with
// its state carried in and out as bytes (HeaderChainState::serialize: what the browser
// keeps in IndexedDB), and merkle proofs (gettxoutproof replies). Hashes cross as hex in
// display order, raw headers, states and proofs as Uint8Array.
#include <emscripten/bind.h>

#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "bitcoin_convert.h"
#include "convert.h"

namespace datt::wasm {
namespace {

// 16 MiB of headers per call (209,715 headers); a longer chain is validated in pieces,
// the state of one call given to the next.
constexpr size_t kMaxHeaderBytes = kMaxBytesArgument;
constexpr size_t kMaxProofBytes = 1 << 20;  // a 16,666-tx block's proof is under 600 KB

val header_value(const bitcoin::BlockHeader& header) {
    val out = val::object();
    out.set("hash", bitcoin::to_display_hex(bitcoin::block_hash(header)));
    out.set("version", header.version);
    out.set("prevBlock", bitcoin::to_display_hex(header.prev_block));
    out.set("merkleRoot", bitcoin::to_display_hex(header.merkle_root));
    out.set("time", header.time);
    out.set("bits", header.bits);
    out.set("nonce", header.nonce);
    return out;
}

val parse_block_header(val bytes) {
    auto raw = bytes_argument(bytes, "header", bitcoin::kBlockHeaderSize + 1);
    if (!raw) return fail(raw.error().code == "too_large"
                              ? make_error("header_wrong_size", "a block header is 80 bytes")
                              : raw.error());
    auto header = bitcoin::parse_block_header(*raw);
    return header ? ok(header_value(*header)) : fail(header.error());
}

// {height, tipHash, bits, chainWork (64 hex digits), medianTimePast, network}
val state_summary(const bitcoin::HeaderChainState& state, const bitcoin::Network& network) {
    val out = val::object();
    out.set("network", network.name);
    out.set("height", state.height());
    out.set("tipHash", bitcoin::to_display_hex(state.tip().hash));
    out.set("bits", state.tip().bits);
    out.set("chainWork", state.chain_work().to_hex());
    out.set("medianTimePast", state.median_time_past());
    return out;
}

Result<bitcoin::HeaderChainState> state_argument(const val& input, const bitcoin::Network& network) {
    auto bytes = bytes_argument(input, "state", 1024);
    if (!bytes) return bytes.error();
    return bitcoin::HeaderChainState::parse(network, *bytes);
}

// The state of a chain holding only the network's genesis block.
val header_chain_genesis(val network_name) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    return ok(bytes_value(bitcoin::HeaderChainState::genesis(*network).serialize()));
}

// What a stored state says (it is validated as parse() does).
val header_chain_info(val network_name, val state_bytes) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto state = state_argument(state_bytes, *network);
    if (!state) return fail(state.error());
    return ok(state_summary(*state, *network));
}

// A checkpoint {height, hash, bits, recentTimes: number[], periodStartTime,
// lastRegularBits?, chainWork? (64 hex digits)} as a state.
val header_chain_from_checkpoint(val network_name, val checkpoint) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    if (!is_plain_object(checkpoint)) return fail(make_error("wrong_type", "checkpoint must be an object"));
    bitcoin::HeaderCheckpoint point;
    auto height = uint32_argument(checkpoint["height"], "height");
    if (!height) return fail(height.error());
    point.height = *height;
    auto hash = display_hash_argument(checkpoint["hash"], "hash");
    if (!hash) return fail(hash.error());
    point.hash = *hash;
    auto bits = uint32_argument(checkpoint["bits"], "bits");
    if (!bits) return fail(bits.error());
    point.bits = *bits;
    point.last_regular_bits = *bits;
    if (!is_absent(checkpoint["lastRegularBits"])) {
        auto last = uint32_argument(checkpoint["lastRegularBits"], "lastRegularBits");
        if (!last) return fail(last.error());
        point.last_regular_bits = *last;
    }
    auto period_start = uint32_argument(checkpoint["periodStartTime"], "periodStartTime");
    if (!period_start) return fail(period_start.error());
    point.period_start_time = *period_start;
    const val times = checkpoint["recentTimes"];
    if (!times.isArray() || times["length"].as<size_t>() > bitcoin::kMedianTimeSpan) {
        return fail(make_error("wrong_type", "recentTimes must be an array of at most 11 times"));
    }
    for (size_t i = 0; i < times["length"].as<size_t>(); ++i) {
        auto time = uint32_argument(times[i], "recentTimes[]");
        if (!time) return fail(time.error());
        point.recent_times.push_back(*time);
    }
    if (!is_absent(checkpoint["chainWork"])) {
        auto text = text_argument(checkpoint["chainWork"], "chainWork");
        if (!text) return fail(text.error());
        auto work = bitcoin::Uint256::from_hex(text->substr(0, 65));
        if (!work) return fail(work.error());
        point.chain_work = *work;
    }
    auto state = bitcoin::HeaderChainState::from_checkpoint(*network, point);
    return state ? ok(bytes_value(state->serialize())) : fail(state.error());
}

// Validates raw headers (80 bytes each, back to back) as the successors of `state`:
// {state (after the valid prefix), accepted, height, tipHash, chainWork, medianTimePast,
//  failure?: {index, height, code, message}}. A failure is a result, not an error: the
// headers before it are accepted and the new state is returned with it. `now` (seconds,
// the caller's clock) enables the two-hours-in-the-future check.
val extend_header_chain(val network_name, val state_bytes, val headers, val now) {
    auto network = network_argument(network_name);
    if (!network) return fail(network.error());
    auto state = state_argument(state_bytes, *network);
    if (!state) return fail(state.error());
    auto raw = bytes_argument(headers, "headers", kMaxHeaderBytes);
    if (!raw) return fail(raw.error());
    auto parsed = bitcoin::parse_block_headers(*raw);
    if (!parsed) return fail(parsed.error());
    std::optional<int64_t> clock;
    if (!is_absent(now)) {
        auto seconds = safe_integer_argument(now, "now");
        if (!seconds) return fail(seconds.error());
        clock = *seconds;
    }
    const auto update = bitcoin::extend_header_chain(*network, *state, *parsed, clock);
    val out = state_summary(update.state, *network);
    out.set("state", bytes_value(update.state.serialize()));
    out.set("accepted", update.accepted);
    if (update.failure) {
        val failure = val::object();
        failure.set("index", update.failure->index);
        failure.set("height", update.failure->height);
        failure.set("code", update.failure->error.code);
        failure.set("message", update.failure->error.message);
        out.set("failure", failure);
    }
    return ok(out);
}

// A gettxoutproof reply (bytes): the proof's header with its hash, the matched txids with
// their positions, and the block's transaction count. The caller must still find the
// block hash in its validated header chain.
val verify_merkle_proof(val proof) {
    auto bytes = bytes_argument(proof, "proof", kMaxProofBytes);
    if (!bytes) return fail(bytes.error());
    auto verified = bitcoin::verify_merkle_block(*bytes);
    if (!verified) return fail(verified.error());
    val out = val::object();
    out.set("blockHash", bitcoin::to_display_hex(verified->block_hash));
    out.set("header", header_value(verified->header));
    out.set("transactionCount", verified->transaction_count);
    val matches = val::array();
    for (const bitcoin::MerkleMatch& match : verified->matches) {
        val entry = val::object();
        entry.set("txid", bitcoin::to_display_hex(match.txid));
        entry.set("index", match.index);
        matches.call<void>("push", entry);
    }
    out.set("matches", matches);
    return ok(out);
}

}  // namespace

EMSCRIPTEN_BINDINGS(datt_bitcoin_spv) {
    emscripten::function("btcParseBlockHeader", &parse_block_header);
    emscripten::function("btcHeaderChainGenesis", &header_chain_genesis);
    emscripten::function("btcHeaderChainInfo", &header_chain_info);
    emscripten::function("btcHeaderChainFromCheckpoint", &header_chain_from_checkpoint);
    emscripten::function("btcExtendHeaderChain", &extend_header_chain);
    emscripten::function("btcVerifyMerkleProof", &verify_merkle_proof);
}

}  // namespace datt::wasm
