// The fundee's check of the funding output the chain shows (channel/funding_check.h): the
// expected output is built here from BOLT-3's definition (P2WSH of the sorted 2-of-2), not
// taken from the code under test.
#include <gtest/gtest.h>

#include "bitcoin/script_templates.h"
#include "channel/funding_check.h"
#include "crypto/sha256.h"

namespace datt::channel {
namespace {

Hash256 filled(uint8_t fill) {
    Hash256 out{};
    out.fill(fill);
    return out;
}

struct Fixture {
    ChannelSecrets ours = ChannelSecrets::from_seed(filled(1)).value();
    ChannelSecrets theirs = ChannelSecrets::from_seed(filled(2)).value();
    Channel channel{ours.basepoints(), ours.funding_pubkey()};
    Fixture() {
        channel.remote_funding_pubkey = theirs.funding_pubkey();
        channel.funding_amount = bitcoin::Sats{1'000'000};
        channel.funding_outpoint = {filled(9), 1};
    }
    // BOLT-3: 0x0020 SHA256(2 <key1> <key2> 2 OP_CHECKMULTISIG), keys sorted by their bytes.
    Bytes expected_script() const {
        auto a = ours.funding_pubkey().compressed();
        auto b = theirs.funding_pubkey().compressed();
        if (b < a) std::swap(a, b);
        Bytes witness{0x52, 33};
        witness.insert(witness.end(), a.begin(), a.end());
        witness.push_back(33);
        witness.insert(witness.end(), b.begin(), b.end());
        witness.insert(witness.end(), {0x52, 0xae});
        const Hash256 hash = crypto::sha256(witness);
        Bytes script{0x00, 0x20};
        script.insert(script.end(), hash.begin(), hash.end());
        return script;
    }
};

TEST(FundingCheck, TheRightOutputPasses) {
    Fixture f;
    EXPECT_TRUE(check_funding_output(f.channel, bitcoin::Sats{1'000'000}, f.expected_script()));
}

TEST(FundingCheck, AnotherValueIsRefused) {
    Fixture f;
    for (int64_t sats : {999'999, 1'000'001, 0, 2'000'000}) {
        auto checked = check_funding_output(f.channel, bitcoin::Sats{sats}, f.expected_script());
        ASSERT_FALSE(checked) << sats;
        EXPECT_EQ(checked.error().code, "channel_funding_mismatch");
        EXPECT_NE(checked.error().message.find(std::to_string(sats) + " sat"), std::string::npos);
    }
}

TEST(FundingCheck, AnotherScriptIsRefused) {
    Fixture f;
    Bytes flipped = f.expected_script();
    flipped.back() ^= 1;
    const Bytes to_one_key = bitcoin::p2wpkh_script(f.theirs.funding_pubkey());
    // The keys unsorted: a different witness script, so a different P2WSH.
    auto a = f.ours.funding_pubkey().compressed();
    auto b = f.theirs.funding_pubkey().compressed();
    if (a < b) std::swap(a, b);
    Bytes unsorted{0x52, 33};
    unsorted.insert(unsorted.end(), a.begin(), a.end());
    unsorted.push_back(33);
    unsorted.insert(unsorted.end(), b.begin(), b.end());
    unsorted.insert(unsorted.end(), {0x52, 0xae});
    const Bytes wrong_order = bitcoin::p2wsh_script_for(unsorted);
    for (const Bytes& script : {flipped, to_one_key, wrong_order, Bytes{}}) {
        auto checked = check_funding_output(f.channel, bitcoin::Sats{1'000'000}, script);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error().code, "channel_funding_mismatch");
    }
}

TEST(FundingCheck, NoFundingYet) {
    Fixture f;
    f.channel.remote_funding_pubkey.reset();
    EXPECT_EQ(check_funding_output(f.channel, bitcoin::Sats{1'000'000}, f.expected_script()).error().code,
              "channel_funding_not_agreed");
    Fixture g;
    g.channel.funding_outpoint = {};
    EXPECT_EQ(check_funding_output(g.channel, bitcoin::Sats{1'000'000}, g.expected_script()).error().code,
              "channel_funding_not_agreed");
}

}  // namespace
}  // namespace datt::channel
