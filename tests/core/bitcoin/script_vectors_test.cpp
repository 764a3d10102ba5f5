// Bitcoin Core's script_tests.json through the interpreter, with the semantics of Core's
// script_tests.cpp (DoTest): the test is a spend of a "crediting" transaction's only output;
// the expected error must match exactly; then removing flags from a passing test, or adding
// flags to a failing one, must not change whether it passes.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/tx.h"
#include "script_asm.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

// Core's BuildCreditingTransaction / BuildSpendingTransaction.
Transaction crediting_tx(const Bytes& script_pubkey, Sats value) {
    Transaction tx;
    tx.version = 1;
    TxIn in;
    in.prevout.index = 0xffffffff;
    in.script_sig = Bytes{OP_0, OP_0};
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{value, script_pubkey});
    return tx;
}

Transaction spending_tx(const Bytes& script_sig, const std::vector<Bytes>& witness,
                        const Transaction& credit) {
    Transaction tx;
    tx.version = 1;
    TxIn in;
    in.prevout = OutPoint{txid(credit), 0};
    in.script_sig = script_sig;
    in.witness = witness;
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{credit.outputs[0].value, Bytes{}});
    return tx;
}

// CLEANSTACK needs P2SH and WITNESS; WITNESS needs P2SH (Core's test adds them likewise).
bool valid_combination(uint32_t flags) {
    if ((flags & kVerifyCleanStack) && (~flags & (kVerifyP2sh | kVerifyWitness))) return false;
    if ((flags & kVerifyWitness) && !(flags & kVerifyP2sh)) return false;
    return true;
}

struct Counts {
    size_t ran = 0, passed = 0;
    std::map<std::string, size_t> skipped;  // reason -> cases
};

TEST(ScriptVectors, EveryCaseOfCoreScriptTestsJson) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/script_tests.json");
    const auto rows = nlohmann::json::parse(text);
    Counts counts;
    std::mt19937 rng(20240611);  // fixed: the flag combinations are the same every run
    for (const auto& row : rows) {
        size_t pos = 0;
        std::vector<Bytes> witness;
        Sats amount{0};
        bool witness_needs_taproot = false;
        if (!row.empty() && row[0].is_array()) {
            const auto& w = row[0];
            for (size_t i = 0; i + 1 < w.size(); ++i) {
                const std::string element = w[i].get<std::string>();
                if (element.rfind("#SCRIPT#", 0) == 0 || element == "#CONTROLBLOCK#") {
                    witness_needs_taproot = true;
                    continue;
                }
                auto bytes = from_hex(element);
                ASSERT_TRUE(bytes.ok()) << row.dump();
                witness.push_back(*bytes);
            }
            amount = Sats{std::llround(w.back().get<double>() * 1e8)};
            pos = 1;
        }
        if (row.size() < 4 + pos) continue;  // comments
        const std::string sig_text = row[pos].get<std::string>();
        const std::string pubkey_text = row[pos + 1].get<std::string>();
        const std::string flags_text = row[pos + 2].get<std::string>();
        const std::string expected_text = row[pos + 3].get<std::string>();

        uint32_t flags = 0;
        std::string unsupported;
        std::istringstream names(flags_text);
        for (std::string name; std::getline(names, name, ',');) {
            if (name.empty() || name == "NONE") continue;
            if (auto flag = script_flag_from_name(name)) {
                flags |= *flag;
            } else {
                unsupported = name;
            }
        }
        if (!unsupported.empty() || witness_needs_taproot ||
            pubkey_text.find("#TAPROOTOUTPUT#") != std::string::npos) {
            counts.skipped["flag " + (unsupported.empty() ? std::string("TAPROOT") : unsupported) +
                           ": taproot/tapscript (BIP-341/342) is not implemented"]++;
            continue;
        }
        auto script_sig = test::parse_script_asm(sig_text);
        auto script_pubkey = test::parse_script_asm(pubkey_text);
        ASSERT_TRUE(script_sig && script_pubkey) << row.dump();
        auto expected = script_error_from_name(expected_text);
        ASSERT_TRUE(expected) << "unknown error name " << expected_text;

        if (flags & kVerifyCleanStack) flags |= kVerifyP2sh | kVerifyWitness;
        const Transaction credit = crediting_tx(*script_pubkey, amount);
        const Transaction spend = spending_tx(*script_sig, witness, credit);
        TransactionSignatureChecker checker(spend, 0, amount, nullptr);
        ++counts.ran;
        const ScriptError got = verify_script(*script_sig, *script_pubkey, witness, flags, checker);
        EXPECT_EQ(script_error_name(got), expected_text) << row.dump();
        if (script_error_name(got) != expected_text) continue;

        // Core's check that flags only ever tighten: fewer flags keep a pass a pass, more
        // flags keep a failure a failure. Each single flag, then 16 random sets.
        const bool expect_ok = *expected == ScriptError::kOk;
        std::vector<uint32_t> extras;
        for (uint32_t bit = 1; bit & kAllSupportedScriptFlags; bit <<= 1) extras.push_back(bit);
        for (int i = 0; i < 16; ++i) extras.push_back(rng() & kAllSupportedScriptFlags);
        bool monotonic = true;
        for (uint32_t extra : extras) {
            const uint32_t combined = expect_ok ? (flags & ~extra) : (flags | extra);
            if (!valid_combination(combined)) continue;
            const bool ok = verify_script(*script_sig, *script_pubkey, witness, combined, checker) ==
                            ScriptError::kOk;
            if (ok != expect_ok) {
                monotonic = false;
                ADD_FAILURE() << row.dump() << " flips with flags " << combined;
            }
        }
        if (monotonic) ++counts.passed;
    }
    std::cout << "[ vectors  ] script_tests.json: ran " << counts.ran << ", passed "
              << counts.passed << "\n";
    for (const auto& [reason, n] : counts.skipped)
        std::cout << "[ skipped  ] script_tests.json: " << n << " cases, " << reason << "\n";
    EXPECT_EQ(counts.passed, counts.ran);
    EXPECT_GT(counts.ran, 1200u);
}

}  // namespace
}  // namespace datt::bitcoin
