// The header-chain validator on chains the input describes, and the stored chain state on
// raw bytes.
//
// Byte 0 picks a network: Core's regtest, bcoin's regtest, or an "easy testnet" (testnet3's
// retarget and min-difficulty rules with an interval of 8 one-second blocks and a pow limit a
// fuzzer can meet). Then up to 24 records of 4 bytes describe headers: a signed time step,
// which bits to use (the required ones, the limit, a harder target, raw), a version, and a
// tamper choice (break the link, skip mining, change a byte after mining). Each header is
// mined (bounded) and linked to the one before it. The rest of the input is read as a stored
// chain state.
//
// Invariants checked:
//   - a failure carries a documented code, sits at index == accepted, at height
//     state.height() + 1, and the state is the one after the accepted prefix;
//   - valid chains stay valid: the accepted prefix re-validated from the start is accepted
//     whole with the same state; validated in two pieces (split chosen by the input) it
//     gives the same state and failure as in one call;
//   - the state round-trips through serialize/parse; parsing raw bytes either fails with a
//     documented code or gives a state that serializes back to the same bytes;
//   - chain work only grows, by the work of each accepted header.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitcoin/header_chain.h"
#include "bitcoin/target.h"
#include "check.h"

namespace {

using namespace datt::bitcoin;
using datt::ByteSpan;

constexpr size_t kMaxHeaders = 24;
constexpr uint32_t kMaxMiningTries = 256;  // harder targets may stay unmined: bad_pow

const Network& easy_testnet() {
    static const Network network = [] {
        Network n = testnet3();
        n.name = "easy-testnet";
        n.target_spacing = 1;
        n.target_timespan = 8;
        n.pow_limit = decode_compact(0x2003ffff).value;
        n.genesis.bits = 0x2003ffff;
        while (!check_proof_of_work(block_hash(n.genesis), n.genesis.bits, n.pow_limit).ok()) {
            ++n.genesis.nonce;
        }
        n.genesis_hash = block_hash(n.genesis);
        n.bip34_height = 5;  // reachable within kMaxHeaders
        n.bip66_height = 10;
        n.bip65_height = 20;
        return n;
    }();
    return network;
}

bool is_documented(const std::string& code) {
    return datt::fuzz::is_one_of(
        code, {"bad_linkage", "invalid_bits", "bad_pow", "bad_bits", "time_too_old", "time_too_new",
               "bad_version", "chain_work_overflow", "height_overflow", "wrong_network"});
}

bool is_documented_state_error(const std::string& code) {
    return datt::fuzz::is_one_of(
        code, {"state_bad_format_version", "state_wrong_time_count", "wrong_network",
               "checkpoint_invalid", "truncated", "trailing_bytes"});
}

// Mines until the hash meets the header's own target (never, when bits is no valid target).
void mine(BlockHeader& header, const Network& network) {
    if (!target_from_bits(header.bits, network.pow_limit).ok()) return;
    for (uint32_t i = 0; i < kMaxMiningTries; ++i) {
        if (check_proof_of_work(block_hash(header), header.bits, network.pow_limit).ok()) return;
        ++header.nonce;
    }
}

std::vector<BlockHeader> describe_chain(const Network& network, const HeaderChainState& start,
                                        ByteSpan records) {
    std::vector<BlockHeader> headers;
    HeaderChainState shadow = start;  // follows the headers while they are valid
    datt::Hash256 prev = start.tip().hash;
    uint32_t last_time = start.tip().recent_times.back();
    for (size_t i = 0; i + 4 <= records.size() && headers.size() < kMaxHeaders; i += 4) {
        const auto step = static_cast<int8_t>(records[i]);
        const uint8_t bits_choice = records[i + 1];
        const uint8_t version_choice = records[i + 2];
        const uint8_t tamper = records[i + 3];
        BlockHeader header;
        header.prev_block = prev;
        header.merkle_root[0] = static_cast<uint8_t>(headers.size());
        header.merkle_root[1] = records[i + 1];
        header.time = static_cast<uint32_t>(int64_t{last_time} + step);
        switch (bits_choice % 5) {
            case 0:
            case 1:
                header.bits = next_required_bits(network, shadow, header.time);
                break;
            case 2:
                header.bits = encode_compact(network.pow_limit);
                break;
            case 3:
                header.bits = encode_compact(network.pow_limit >> (1 + bits_choice % 3));
                break;
            default:
                header.bits = 0x20000000u | (uint32_t{bits_choice} << 16) | 0xffff;
                break;
        }
        static constexpr int32_t kVersions[] = {0x20000000, 4, 3, 2, 1, 0, -1};
        header.version = kVersions[version_choice % 7];
        if (tamper % 11 == 1) header.prev_block[tamper % 32] ^= 1;
        if (tamper % 11 != 2) mine(header, network);
        if (tamper % 11 == 3) header.nonce ^= 0x80000000u;
        headers.push_back(header);
        const HeaderChainUpdate moved =
            extend_header_chain(network, shadow, std::span<const BlockHeader>(&header, 1));
        shadow = moved.state;
        prev = block_hash(header);
        last_time = header.time;
    }
    return headers;
}

void check_chain(const Network& network, ByteSpan records, size_t split_choice) {
    const HeaderChainState genesis = HeaderChainState::genesis(network);
    const std::vector<BlockHeader> headers = describe_chain(network, genesis, records);
    // A clock an hour before the genesis: headers more than 3200 s after it are too new.
    const std::optional<int64_t> now = int64_t{network.genesis.time} - 4000;
    const HeaderChainUpdate update = extend_header_chain(network, genesis, headers, now);

    DATT_FUZZ_CHECK(update.accepted <= headers.size());
    DATT_FUZZ_CHECK(update.state.height() == update.accepted);
    if (update.failure) {
        DATT_FUZZ_CHECK(is_documented(update.failure->error.code));
        DATT_FUZZ_CHECK(!update.failure->error.message.empty());
        DATT_FUZZ_CHECK(update.failure->index == update.accepted);
        DATT_FUZZ_CHECK(update.failure->height == update.state.height() + 1);
    } else {
        DATT_FUZZ_CHECK(update.accepted == headers.size());
    }

    // The accepted prefix, again from the start: all accepted, same state.
    const std::vector<BlockHeader> prefix(headers.begin(), headers.begin() + update.accepted);
    const HeaderChainUpdate again = extend_header_chain(network, genesis, prefix, now);
    DATT_FUZZ_CHECK(!again.failure && again.accepted == prefix.size());
    DATT_FUZZ_CHECK(again.state == update.state);

    // In two pieces, through the stored form.
    const size_t split = headers.empty() ? 0 : split_choice % (headers.size() + 1);
    const std::vector<BlockHeader> first(headers.begin(), headers.begin() + split);
    const std::vector<BlockHeader> second(headers.begin() + split, headers.end());
    const HeaderChainUpdate part = extend_header_chain(network, genesis, first, now);
    auto stored = HeaderChainState::parse(network, part.state.serialize());
    DATT_FUZZ_CHECK(stored.ok() && *stored == part.state);
    if (part.failure) {
        DATT_FUZZ_CHECK(update.failure && part.failure->index == update.failure->index &&
                        part.failure->error.code == update.failure->error.code);
        DATT_FUZZ_CHECK(part.state == update.state);
    } else {
        const HeaderChainUpdate rest = extend_header_chain(network, *stored, second, now);
        DATT_FUZZ_CHECK(rest.state == update.state);
        DATT_FUZZ_CHECK(part.accepted + rest.accepted == update.accepted);
        DATT_FUZZ_CHECK(rest.failure.has_value() == update.failure.has_value());
        if (rest.failure) {
            DATT_FUZZ_CHECK(rest.failure->error.code == update.failure->error.code);
            DATT_FUZZ_CHECK(split + rest.failure->index == update.failure->index);
        }
    }

    // Work grows by each header's work.
    Uint256 work = genesis.chain_work();
    for (const BlockHeader& header : prefix) {
        work += work_from_target(*target_from_bits(header.bits, network.pow_limit));
    }
    DATT_FUZZ_CHECK(work == update.state.chain_work());
}

void check_stored_state(const Network& network, ByteSpan bytes) {
    auto state = HeaderChainState::parse(network, bytes);
    if (!state.ok()) {
        DATT_FUZZ_CHECK(is_documented_state_error(state.error().code));
        return;
    }
    const datt::Bytes again = state->serialize();
    DATT_FUZZ_CHECK(again == datt::Bytes(bytes.begin(), bytes.end()));
    // A stored state can be extended by anything without crashing.
    const HeaderChainUpdate update = extend_header_chain(network, *state, {});
    DATT_FUZZ_CHECK(!update.failure && update.state == *state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const Network* networks[] = {&regtest(), &bcoin_regtest(), &easy_testnet()};
    const Network& network = *networks[data[0] % 3];
    const size_t record_bytes = std::min<size_t>(size - 2, 4 * kMaxHeaders);
    const ByteSpan all(data, size);
    check_chain(network, all.subspan(2, record_bytes), data[1]);
    check_stored_state(network, all.subspan(2));
    return 0;
}
