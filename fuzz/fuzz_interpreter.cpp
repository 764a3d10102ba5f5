// The script interpreter (bitcoin/interpreter.h) on hostile scripts, witnesses and flags.
//
// Input layout: flags:u32le | then items separated by the two bytes 0xff 0xfe: scriptSig,
// scriptPubKey, then witness items. Signature checks go through a deterministic checker
// whose answer depends only on the signature's bytes (so the fuzzer can reach both
// outcomes), lock time and sequence checks through the same rule.
//
// Invariants checked:
//   - never crashes, never reads out of bounds (ASan), returns an error with a name;
//   - flags only ever restrict (the soft-fork property Core's tests assert on its vectors):
//     a spend that passes with some valid flag set also passes with every valid subset we
//     try (no flags, the consensus-only flags, and the given set less each one flag);
//   - eval_script() leaving success has at most 1,000 stack items of at most 520 bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitcoin/interpreter.h"
#include "bitcoin/script.h"
#include "bitcoin/script_flags.h"
#include "check.h"

using namespace datt;
using namespace datt::bitcoin;

namespace {

class FuzzChecker final : public SignatureChecker {
  public:
    bool check_ecdsa_signature(ByteSpan signature, ByteSpan, ByteSpan, SigVersion) const override {
        return !signature.empty() && (signature[0] & 1) == 0;
    }
    bool check_lock_time(int64_t lock_time) const override { return lock_time % 3 != 0; }
    bool check_sequence(int64_t sequence) const override { return sequence % 5 != 0; }
};

bool valid_combination(uint32_t flags) {
    if ((flags & kVerifyWitness) && !(flags & kVerifyP2sh)) return false;
    if ((flags & kVerifyCleanStack) && (~flags & (kVerifyP2sh | kVerifyWitness))) return false;
    return true;
}

std::vector<Bytes> split(ByteSpan input) {
    std::vector<Bytes> items(1);
    for (size_t i = 0; i < input.size(); ++i) {
        if (input[i] == 0xff && i + 1 < input.size() && input[i + 1] == 0xfe) {
            items.emplace_back();
            ++i;
        } else {
            items.back().push_back(input[i]);
        }
    }
    return items;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4 || size > 20'000) return 0;
    const uint32_t raw_flags = uint32_t{data[0]} | uint32_t{data[1]} << 8 |
                               uint32_t{data[2]} << 16 | uint32_t{data[3]} << 24;
    const uint32_t flags = raw_flags & kAllSupportedScriptFlags;
    std::vector<Bytes> items = split(ByteSpan(data + 4, size - 4));
    while (items.size() < 2) items.emplace_back();
    const Bytes script_sig = items[0];
    const Bytes script_pubkey = items[1];
    const std::vector<Bytes> witness(items.begin() + 2, items.end());
    const FuzzChecker checker;

    const ScriptError result = verify_script(script_sig, script_pubkey, witness, flags, checker);
    DATT_FUZZ_CHECK(!script_error_name(result).empty());
    if (!valid_combination(flags)) {
        DATT_FUZZ_CHECK(result == ScriptError::kInvalidFlagCombination);
        return 0;
    }
    if (result == ScriptError::kOk) {
        std::vector<uint32_t> subsets = {0, flags & kMandatoryScriptFlags};
        for (uint32_t bit = 1; bit & kAllSupportedScriptFlags; bit <<= 1)
            if (flags & bit) subsets.push_back(flags & ~bit);
        for (uint32_t subset : subsets) {
            if (!valid_combination(subset)) continue;
            DATT_FUZZ_CHECK(verify_script(script_sig, script_pubkey, witness, subset, checker) ==
                            ScriptError::kOk);
        }
    }

    ScriptStack stack(witness.begin(), witness.end());
    for (const Bytes& item : stack)
        if (item.size() > kMaxScriptElementSize || stack.size() > kMaxStackSize) return 0;
    if (eval_script(stack, script_pubkey, flags, checker, SigVersion::kWitnessV0) == ScriptError::kOk) {
        DATT_FUZZ_CHECK(stack.size() <= kMaxStackSize);
        for (const Bytes& item : stack) DATT_FUZZ_CHECK(item.size() <= kMaxScriptElementSize);
    }
    return 0;
}
