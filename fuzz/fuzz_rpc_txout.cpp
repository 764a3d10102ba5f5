// The bridge's check of a node's gettxout reply (relay/bitcoin/rpc_reply.h txout_result)
// on untrusted bytes: the input is the JSON-RPC body as the node would send it.
//
// Invariants checked:
//   - rpc_result never accepts a body over its limit, and errors carry the documented codes;
//   - txout_result accepts or refuses with rpc_reply_malformed only;
//   - an accepted output's value is in the money range and reads back exactly: the double
//     of value / 1e8 is the JSON number the node sent, and dumping the accepted fields as
//     a new reply parses back to the same output (round trip);
//   - its script is the node's hex decoded, at most 10,000 bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/rpc_reply.h"
#include "check.h"
#include "util/hex.h"

using datt::relay::bitcoin_bridge::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr size_t kMax = 4096;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto result = datt::relay::bitcoin_bridge::rpc_result(body, kMax);
    if (!result) {
        const std::string& code = result.error().code;
        DATT_FUZZ_CHECK(code == "rpc_reply_too_large" || code == "rpc_reply_malformed" || code == "node_error");
        DATT_FUZZ_CHECK((code == "rpc_reply_too_large") == (size > kMax));
        return 0;
    }
    {
        const json* candidate = &*result;
        auto out = datt::relay::bitcoin_bridge::txout_result(*candidate);
        if (!out) {
            DATT_FUZZ_CHECK(out.error().code == "rpc_reply_malformed");
            return 0;
        }
        if (!out->has_value()) {
            DATT_FUZZ_CHECK(candidate->is_null());
            return 0;
        }
        const auto& o = **out;
        DATT_FUZZ_CHECK(o.value.in_money_range());
        DATT_FUZZ_CHECK(static_cast<double>(o.value.value()) / 1e8 == (*candidate)["value"].get<double>());
        DATT_FUZZ_CHECK(o.script_pubkey.size() <= 10'000);
        DATT_FUZZ_CHECK(datt::to_hex(o.script_pubkey) == (*candidate)["scriptPubKey"]["hex"].get<std::string>());
        const json again = {{"confirmations", o.confirmations},
                            {"value", static_cast<double>(o.value.value()) / 1e8},
                            {"scriptPubKey", {{"hex", datt::to_hex(o.script_pubkey)}}}};
        auto back = datt::relay::bitcoin_bridge::txout_result(json::parse(again.dump()));
        DATT_FUZZ_CHECK(back && back->has_value());
        DATT_FUZZ_CHECK((*back)->value == o.value && (*back)->confirmations == o.confirmations &&
              (*back)->script_pubkey == o.script_pubkey);
    }
    return 0;
}
