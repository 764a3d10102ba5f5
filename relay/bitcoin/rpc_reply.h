// Validation of a Bitcoin node's JSON-RPC replies at the relay's edge. The node is trusted
// to be a node, not to be right: every reply is size-bounded, shape-checked, and what it
// claims about the chain is checked with core/bitcoin before a client sees it (headers
// parsed, hashed, linked and checked for proof of work; merkle proofs parsed, their root
// checked against their header and required to contain the txid asked for).
//
// Error codes (Error::code), all reported to clients as BTC-ERR:
//   rpc_reply_too_large   the body is over the limit
//   rpc_reply_malformed   not JSON-RPC (not an object with result/error, a batch of the wrong
//                         size or ids, a result of the wrong JSON type, bad hex)
//   node_error            the node answered with an error (its message is kept, shortened)
//   node_lied             the reply is well-formed but false: a header that does not hash
//                         to the hash asked for, headers that do not link, a header without
//                         valid proof of work, a merkle proof for another txid or whose root
//                         is not its header's, a txid other than the broadcast one's
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/amount.h"
#include "bitcoin/header.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::relay::bitcoin_bridge {

using nlohmann::json;

inline constexpr size_t kMaxNodeMessageChars = 200;

// One JSON-RPC reply (an object with "result" and "error"): the result, or node_error.
[[nodiscard]] Result<json> rpc_result(std::string_view body, size_t max_bytes);
// A batch reply for requests with ids 0..count-1: the results in id order. One failed
// entry fails the batch with its error.
[[nodiscard]] Result<std::vector<json>> rpc_batch_results(std::string_view body, size_t count,
                                                          size_t max_bytes);

// A display-order hash (64 hex digits) as the node writes block hashes and txids.
[[nodiscard]] Result<Hash256> hash_result(const json& result);

struct ChainInfo {
    std::string chain;  // "main", "test", "signet", "regtest"
    uint32_t blocks = 0;
    Hash256 best_block{};
};
// getblockchaininfo.
[[nodiscard]] Result<ChainInfo> chain_info_result(const json& result);

// Headers for consecutive heights: `hashes` from getblockhash, `raw` from getblockheader
// <hash> false. Each header must hash to its hash, carry valid proof of work for
// `network`, and link to the one before it.
[[nodiscard]] Result<std::vector<bitcoin::BlockHeader>> check_header_range(
    const std::vector<json>& hashes, const std::vector<json>& raw, const bitcoin::Network& network);

// gettxoutproof [txid]: a merkle block whose tree's root is its header's and which proves
// `txid` (internal byte order).
struct CheckedProof {
    Bytes merkle_block;
    bitcoin::TxInclusionProof proof;
};
[[nodiscard]] Result<CheckedProof> check_txout_proof(const json& result, const Hash256& txid,
                                                     const bitcoin::Network& network);

// gettxout <txid> <n> (bitcoind and bcoin answer alike; mempool outputs included, with 0
// confirmations): null when the output is spent or unknown, else its depth, value and
// script. The value is BTC as a JSON number (a double once parsed): it must be the double
// of a whole number of satoshis within 21 million BTC (exact: two amounts 1 sat apart never
// share a double below 2^53 sat), else rpc_reply_malformed; so must "confirmations"
// (unsigned, at most 2^32-1) and "scriptPubKey"."hex" (lower-case hex, at most 10,000
// bytes: consensus's script limit).
struct UnspentOutput {
    uint32_t confirmations = 0;
    bitcoin::Sats value{0};
    Bytes script_pubkey;
};
[[nodiscard]] Result<std::optional<UnspentOutput>> txout_result(const json& result);

}  // namespace datt::relay::bitcoin_bridge
