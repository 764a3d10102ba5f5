#include <gtest/gtest.h>

#include "bitcoin/script_error.h"
#include "bitcoin/script_flags.h"

namespace datt::bitcoin {
namespace {

TEST(ScriptErrorNames, EveryNameMapsBackToItsValue) {
    for (int i = 0; i <= static_cast<int>(ScriptError::kInvalidFlagCombination); ++i) {
        const auto error = static_cast<ScriptError>(i);
        const std::string_view name = script_error_name(error);
        EXPECT_FALSE(name.empty());
        EXPECT_EQ(script_error_from_name(name), error) << name;
    }
    EXPECT_EQ(script_error_name(ScriptError::kEvalFalse), "EVAL_FALSE");
    EXPECT_EQ(script_error_from_name("TAPSCRIPT_EMPTY_PUBKEY"), std::nullopt);
}

TEST(ScriptFlagNames, CoreNamesParse) {
    EXPECT_EQ(script_flag_from_name("P2SH"), kVerifyP2sh);
    EXPECT_EQ(script_flag_from_name("CONST_SCRIPTCODE"), kVerifyConstScriptCode);
    EXPECT_EQ(script_flag_from_name("TAPROOT"), std::nullopt);
    uint32_t all = 0;
    for (uint32_t bit = 1; bit & kAllSupportedScriptFlags; bit <<= 1) {
        const auto name = script_flag_name(static_cast<ScriptFlag>(bit));
        ASSERT_FALSE(name.empty()) << bit;
        EXPECT_EQ(script_flag_from_name(name), static_cast<ScriptFlag>(bit));
        all |= bit;
    }
    EXPECT_EQ(all, kAllSupportedScriptFlags);
    EXPECT_EQ(kStandardScriptFlags & ~kAllSupportedScriptFlags, 0u);
}

}  // namespace
}  // namespace datt::bitcoin
