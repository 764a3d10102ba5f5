// Bitcoin Core's tx_valid.json and tx_invalid.json with the semantics of Core's
// transaction_tests.cpp, written from its description:
//   tx_valid:   CheckTransaction passes; every input verifies with all flags except the
//               listed (excluded) ones; still with any one more flag, or a random set of
//               flags, removed; and the excluded set is minimal: adding back any one of its
//               flags makes some input fail.
//   tx_invalid: "BADTX" cases must fail CheckTransaction (and only they may); the rest
//               pass it and some input fails with the listed flags; still with any one
//               more flag, or a random set, added; and the listed set is minimal: removing
//               any one of its flags lets every input pass.
// Flag sets are trimmed or filled to valid combinations as Core does (WITNESS needs P2SH,
// CLEANSTACK needs WITNESS). "All flags" is every flag this interpreter implements (no
// TAPROOT: these files have no taproot spends).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/tx.h"
#include "bitcoin/tx_check.h"
#include "script_asm.h"
#include "support/vectors.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

struct Prevout {
    Bytes script_pubkey;
    Sats amount{0};
};

struct Case {
    std::map<std::pair<Hash256, uint32_t>, Prevout> prevouts;
    Transaction tx;
    std::string flags_text;
    std::string dump;
};

std::optional<uint32_t> parse_flags(const std::string& text) {
    uint32_t flags = 0;
    std::istringstream names(text);
    for (std::string name; std::getline(names, name, ',');) {
        if (name.empty() || name == "NONE") continue;
        auto flag = script_flag_from_name(name);
        if (!flag) return std::nullopt;
        flags |= *flag;
    }
    return flags;
}

uint32_t trim_flags(uint32_t flags) {
    if (!(flags & kVerifyP2sh)) flags &= ~uint32_t{kVerifyWitness};
    if (!(flags & kVerifyWitness)) flags &= ~uint32_t{kVerifyCleanStack};
    return flags;
}

uint32_t fill_flags(uint32_t flags) {
    if (flags & kVerifyCleanStack) flags |= kVerifyWitness;
    if (flags & kVerifyWitness) flags |= kVerifyP2sh;
    return flags;
}

std::vector<uint32_t> each_flag() {
    std::vector<uint32_t> out;
    for (uint32_t bit = 1; bit & kAllSupportedScriptFlags; bit <<= 1) out.push_back(bit);
    return out;
}

// Core's ExcludeIndividualFlags: `flags` without each one of its flags, trimmed, distinct.
std::set<uint32_t> exclude_individual_flags(uint32_t flags) {
    std::set<uint32_t> out;
    for (uint32_t bit : each_flag()) {
        const uint32_t without = trim_flags(flags & ~bit);
        if (without != flags) out.insert(without);
    }
    return out;
}

// True when every input verifies. A prevout the case does not list counts as a failure.
bool all_inputs_verify(const Case& c, uint32_t flags, const SighashCache& cache,
                       ScriptError* first_error) {
    for (size_t i = 0; i < c.tx.inputs.size(); ++i) {
        const OutPoint& prevout = c.tx.inputs[i].prevout;
        auto it = c.prevouts.find({prevout.txid, prevout.index});
        if (it == c.prevouts.end()) {
            if (first_error) *first_error = ScriptError::kUnknownError;
            return false;
        }
        const ScriptError e = verify_input(c.tx, i, it->second.script_pubkey, it->second.amount,
                                           flags, &cache);
        if (e != ScriptError::kOk) {
            if (first_error) *first_error = e;
            return false;
        }
    }
    return true;
}

std::vector<Case> load_cases(const std::string& text) {
    std::vector<Case> cases;
    for (const auto& row : nlohmann::json::parse(text)) {
        if (!row[0].is_array()) continue;
        Case c;
        c.dump = row.dump();
        for (const auto& input : row[0]) {
            auto txid = from_display_hex(input[0].get<std::string>());
            auto script = test::parse_script_asm(input[2].get<std::string>());
            EXPECT_TRUE(txid.ok() && script) << c.dump;
            if (!txid.ok() || !script) return {};
            Prevout prevout{*script, Sats{input.size() >= 4 ? input[3].get<int64_t>() : 0}};
            // Core's test reads the index as an int and stores it as uint32 (-1 -> 0xffffffff).
            const auto index = static_cast<uint32_t>(input[1].get<int64_t>());
            c.prevouts[{*txid, index}] = prevout;
        }
        auto tx = parse_transaction(from_hex(row[1].get<std::string>()).value());
        EXPECT_TRUE(tx.ok()) << c.dump;
        if (!tx.ok()) return {};
        c.tx = std::move(*tx);
        c.flags_text = row[2].get<std::string>();
        cases.push_back(std::move(c));
    }
    return cases;
}

TEST(TxVectors, EveryTxValidCasePassesWithAllButItsExcludedFlags) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/tx_valid.json");
    const auto cases = load_cases(text);
    std::mt19937 rng(7);
    size_t ran = 0, passed = 0;
    for (const Case& c : cases) {
        ++ran;
        const auto excluded = parse_flags(c.flags_text);
        ASSERT_TRUE(excluded) << "unknown flag in " << c.dump;
        auto check = check_transaction(c.tx);
        EXPECT_TRUE(check.ok()) << c.dump << " " << (check.ok() ? "" : check.error().code);
        const SighashCache cache = make_sighash_cache(c.tx);
        EXPECT_EQ(fill_flags(~*excluded & kAllSupportedScriptFlags),
                  ~*excluded & kAllSupportedScriptFlags)
            << "bad test flags: " << c.dump;
        bool ok = check.ok();
        ScriptError error = ScriptError::kOk;
        if (!all_inputs_verify(c, ~*excluded & kAllSupportedScriptFlags, cache, &error)) {
            ADD_FAILURE() << "fails with " << script_error_name(error) << ": " << c.dump;
            ok = false;
        }
        for (uint32_t bit : each_flag()) {
            const uint32_t fewer = trim_flags(~(*excluded | bit) & kAllSupportedScriptFlags);
            const uint32_t random =
                trim_flags(~(*excluded | (rng() & kAllSupportedScriptFlags)) & kAllSupportedScriptFlags);
            for (uint32_t flags : {fewer, random}) {
                if (!all_inputs_verify(c, flags, cache, &error)) {
                    ADD_FAILURE() << "fails with fewer flags " << flags << ": " << c.dump;
                    ok = false;
                }
            }
        }
        for (uint32_t less_excluded : exclude_individual_flags(*excluded)) {
            if (all_inputs_verify(c, ~less_excluded & kAllSupportedScriptFlags, cache, nullptr)) {
                ADD_FAILURE() << "excluded flags not minimal: " << c.dump;
                ok = false;
            }
        }
        if (ok) ++passed;
    }
    std::cout << "[ vectors  ] tx_valid.json: ran " << ran << ", passed " << passed
              << " (no skips: no case needs taproot)\n";
    EXPECT_EQ(passed, ran);
    EXPECT_GT(ran, 100u);
}

TEST(TxVectors, EveryTxInvalidCaseFailsWithItsFlags) {
    DATT_LOAD_VECTORS(text, "bitcoin-core/tx_invalid.json");
    const auto cases = load_cases(text);
    std::mt19937 rng(11);
    size_t ran = 0, passed = 0, badtx = 0;
    for (const Case& c : cases) {
        ++ran;
        if (auto check = check_transaction(c.tx); !check.ok()) {
            EXPECT_EQ(c.flags_text, "BADTX") << check.error().code << ": " << c.dump;
            if (c.flags_text == "BADTX") ++passed, ++badtx;
            continue;
        }
        EXPECT_NE(c.flags_text, "BADTX") << "passes CheckTransaction: " << c.dump;
        const auto flags = parse_flags(c.flags_text);
        ASSERT_TRUE(flags) << "unknown flag in " << c.dump;
        EXPECT_EQ(fill_flags(*flags), *flags) << "bad test flags: " << c.dump;
        const SighashCache cache = make_sighash_cache(c.tx);
        bool ok = true;
        if (all_inputs_verify(c, *flags, cache, nullptr)) {
            ADD_FAILURE() << "passes: " << c.dump;
            ok = false;
        }
        for (uint32_t bit : each_flag()) {
            const uint32_t more = fill_flags(*flags | bit);
            const uint32_t random = fill_flags(*flags | (rng() & kAllSupportedScriptFlags));
            for (uint32_t f : {more, random}) {
                if (all_inputs_verify(c, f, cache, nullptr)) {
                    ADD_FAILURE() << "passes with more flags " << f << ": " << c.dump;
                    ok = false;
                }
            }
        }
        for (uint32_t fewer : exclude_individual_flags(*flags)) {
            ScriptError error = ScriptError::kOk;
            if (!all_inputs_verify(c, fewer, cache, &error)) {
                ADD_FAILURE() << "flags not minimal (still fails with " << fewer << ", "
                              << script_error_name(error) << "): " << c.dump;
                ok = false;
            }
        }
        if (ok) ++passed;
    }
    std::cout << "[ vectors  ] tx_invalid.json: ran " << ran << ", passed " << passed << " ("
              << badtx << " BADTX) (no skips: no case needs taproot)\n";
    EXPECT_EQ(passed, ran);
    EXPECT_GT(ran, 90u);
}

}  // namespace
}  // namespace datt::bitcoin
