// core/tip: the payout-address event (kind 10570) and the tip event (kind 4570) parsed from
// real signed events, every documented code, drafts that parse back to what they describe,
// the commitment against SHA-256 written out by hand, totals.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bitcoin/display_hash.h"
#include "crypto/sha256.h"
#include "tip/tip_total.h"
#include "tip_support.h"
#include "util/hex.h"

namespace datt::tip {
namespace {

using bitcoin::bcoin_regtest;
using bitcoin::mainnet;
using bitcoin::regtest;
using test::kAuthor;
using test::kPayer;
using test::kStranger;

std::string code_of_payout(const event::Event& event) {
    auto parsed = PayoutAddresses::parse(event);
    return parsed.ok() ? "ok" : parsed.error().code;
}

event::Event signed_payout_with_tags(event::Tags tags, event::Kind kind = kPayoutKind) {
    return testing::sign(kAuthor, event::Draft{1700000000, kind, std::move(tags), ""});
}

// BIP-84's first mainnet receive address (its published test vector) and its program.
constexpr const char* kBip84Address = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
constexpr const char* kBip84Program = "c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2";

TEST(Payout, ParsesOneAddressPerNetwork) {
    const std::string rb = test::p2wpkh_address(bcoin_regtest(), 0x11);
    const event::Event event =
        test::payout_event(kAuthor, {{"mainnet", kBip84Address}, {"bcoin-regtest", rb}});
    auto payout = PayoutAddresses::parse(event);
    ASSERT_TRUE(payout.ok()) << payout.error().code;
    EXPECT_EQ(payout->author(), test::pubkey_of(kAuthor));
    ASSERT_EQ(payout->addresses().size(), 2u);
    EXPECT_EQ(payout->addresses()[0].network, &mainnet());
    EXPECT_EQ(to_hex(payout->address_for("mainnet")->script_pubkey()),
              std::string("0014") + kBip84Program);
    EXPECT_EQ(payout->address_for("bcoin-regtest")->to_string(), rb);
    EXPECT_EQ(payout->address_for("regtest"), nullptr);
    EXPECT_EQ(payout->address_for("main"), nullptr);
    // The draft is exactly the tags given, in order.
    EXPECT_EQ(event.tags(),
              (event::Tags{{"btc", "mainnet", kBip84Address}, {"btc", "bcoin-regtest", rb}}));
    EXPECT_EQ(event.kind(), 10570);
}

TEST(Payout, AcceptsEveryStandardTypeAndIgnoresOtherTags) {
    // P2PKH and P2SH (base58, mainnet), P2WSH, P2TR: BIP-173/350 examples.
    const std::vector<std::string> addresses = {
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"};
    for (const std::string& address : addresses) {
        EXPECT_EQ(code_of_payout(signed_payout_with_tags(
                      {{"client", "x"}, {"btc", "mainnet", address}, {"t", "y"}})),
                  "ok")
            << address;
    }
}

TEST(Payout, EachRuleBrokenHasItsCode) {
    const std::string bcrt = test::p2wpkh_address(regtest(), 0x22);
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "mainnet", kBip84Address}}, 10571)),
              "payout_wrong_kind");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "mainnet"}})),
              "payout_tag_malformed");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "mainnet", kBip84Address, "x"}})),
              "payout_tag_malformed");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "main", kBip84Address}})),
              "payout_unknown_network");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags(
                  {{"btc", "mainnet", kBip84Address}, {"btc", "mainnet", kBip84Address}})),
              "payout_duplicate_network");
    // Another network's address, an upper-case (valid but not canonical) one, garbage.
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "mainnet", bcrt}})),
              "payout_bad_address");
    std::string upper = kBip84Address;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "mainnet", upper}})),
              "payout_bad_address");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"btc", "regtest", "nope"}})),
              "payout_bad_address");
    // Witness v2 (BIP-350's example) and a 40-byte v1 program are valid but not standard.
    EXPECT_EQ(code_of_payout(signed_payout_with_tags(
                  {{"btc", "mainnet", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"}})),
              "payout_address_nonstandard");
    EXPECT_EQ(code_of_payout(signed_payout_with_tags({{"t", "x"}})), "payout_no_address");
    // payout_draft refuses the same things with the same codes.
    const std::vector<PayoutEntry> duplicate = {{"mainnet", kBip84Address},
                                                {"mainnet", kBip84Address}};
    EXPECT_EQ(payout_draft(duplicate, 1).error().code, "payout_duplicate_network");
    EXPECT_EQ(payout_draft({}, 1).error().code, "payout_no_address");
}

// A tip of `sats` on bcoin regtest for target_id(), by kPayer to kAuthor.
struct TipFixture {
    std::string address = test::p2wpkh_address(bcoin_regtest(), 0x11);
    event::Event payout = test::payout_event(kAuthor, {{"bcoin-regtest", address}});
    TipRequest request;

    TipFixture() {
        request.target = test::target_id();
        request.payment.network = &bcoin_regtest();
        request.payment.txid.fill(0xab);
        request.payment.txid[0] = 0x01;
        request.payment.vout = 0;
        request.payment.sats = bitcoin::Sats(12'345);
        request.message = "thanks";
        request.created_at = 1700000100;
    }
    event::Draft draft() const {
        auto draft = tip_draft(payout, request);
        EXPECT_TRUE(draft.ok()) << draft.error().code;
        return *draft;
    }
};

std::string code_of_tip(const event::Draft& draft, uint8_t signer = kPayer) {
    auto parsed = Tip::parse(testing::sign(signer, draft));
    return parsed.ok() ? "ok" : parsed.error().code;
}

event::Draft with_tag(event::Draft draft, const std::string& name, event::Tag replacement) {
    for (event::Tag& tag : draft.tags) {
        if (tag[0] == name) tag = replacement;
    }
    return draft;
}

event::Draft without_tag(event::Draft draft, const std::string& name) {
    std::erase_if(draft.tags, [&](const event::Tag& tag) { return tag[0] == name; });
    return draft;
}

TEST(Tip, DraftSignsAndParsesBack) {
    TipFixture f;
    const event::Draft draft = f.draft();
    // The tags as the protocol writes them: txid in display order.
    ASSERT_EQ(draft.tags.size(), 4u);
    EXPECT_EQ(draft.tags[0], (event::Tag{"e", std::string(64, '7')}));
    EXPECT_EQ(draft.tags[1], (event::Tag{"p", to_hex(test::pubkey_of(kAuthor))}));
    // Display order: internal byte 0 (0x01) printed last.
    std::string display;
    for (int i = 0; i < 31; ++i) display += "ab";
    display += "01";
    EXPECT_EQ(draft.tags[2], (event::Tag{"payment", "bcoin-regtest", display, "0", "12345"}));
    EXPECT_EQ(draft.tags[3], (event::Tag{"payout", f.payout.to_json()}));
    EXPECT_EQ(draft.kind, 4570);
    EXPECT_EQ(draft.content, "thanks");

    const event::Event signed_tip = testing::sign(kPayer, draft);
    auto tip = Tip::parse(signed_tip);
    ASSERT_TRUE(tip.ok()) << tip.error().code;
    EXPECT_EQ(tip->payer(), test::pubkey_of(kPayer));
    EXPECT_EQ(tip->author(), test::pubkey_of(kAuthor));
    EXPECT_EQ(tip->target(), test::target_id());
    EXPECT_EQ(tip->payment(), f.request.payment);
    EXPECT_EQ(tip->paid_address().to_string(), f.address);
    EXPECT_EQ(tip->message(), "thanks");
    EXPECT_EQ(tip->payout().event(), f.payout);

    // The parsed fields make the same draft again.
    TipRequest again{tip->target(), tip->payment(), tip->message(), signed_tip.created_at()};
    auto redraft = tip_draft(tip->payout().event(), again);
    ASSERT_TRUE(redraft.ok());
    EXPECT_EQ(redraft->tags, draft.tags);

    // Other tags (a chain tag, a community) are allowed and ignored; so are extra e/p values.
    event::Draft extra = draft;
    extra.tags.push_back({"chain", std::string(32, '0'), "0"});
    extra.tags.push_back({"A", "34550:" + std::string(64, '1') + ":bitcoin"});
    extra.tags[0].push_back("ws://127.0.0.1:1");
    EXPECT_EQ(code_of_tip(extra), "ok");
}

TEST(Tip, EachRuleBrokenHasItsCode) {
    TipFixture f;
    const event::Draft draft = f.draft();
    const std::string txid = draft.tags[2][2];
    event::Draft other_kind = draft;
    other_kind.kind = 4571;
    EXPECT_EQ(code_of_tip(other_kind), "tip_wrong_kind");
    for (const char* name : {"e", "p", "payment", "payout"}) {
        EXPECT_EQ(code_of_tip(without_tag(draft, name)), "tip_missing_tag") << name;
        event::Draft twice = draft;
        for (const event::Tag& tag : draft.tags) {
            if (tag[0] == name) twice.tags.push_back(tag);
        }
        EXPECT_EQ(code_of_tip(twice), "tip_duplicate_tag") << name;
    }
    const std::vector<event::Tag> malformed = {
        {"e", std::string(63, '7')},
        {"e", std::string(64, 'A')},
        {"e"},
        {"p", "xyz"},
        {"payment", "bcoin-regtest", txid, "0"},
        {"payment", "testnet", txid, "0", "1"},  // an alias, not the canonical name
        {"payment", "bcoin-regtest", std::string(64, 'G'), "0", "1"},
        {"payment", "bcoin-regtest", txid, "00", "1"},  // leading zero
        {"payment", "bcoin-regtest", txid, "-1", "1"},
        {"payment", "bcoin-regtest", txid, "4294967296", "1"},  // 2^32
        {"payment", "bcoin-regtest", txid, "0", "0"},
        {"payment", "bcoin-regtest", txid, "0", "2100000000000001"},
        {"payment", "bcoin-regtest", txid, "0", "1.5"},
        {"payout"},
    };
    for (const event::Tag& tag : malformed) {
        EXPECT_EQ(code_of_tip(with_tag(draft, tag[0], tag)), "tip_tag_malformed")
            << tag.size() << " " << (tag.size() > 1 ? tag[1] : "");
    }
    // The largest values are accepted.
    EXPECT_EQ(
        code_of_tip(with_tag(draft, "payment",
                             {"payment", "bcoin-regtest", txid, "4294967295", "2100000000000000"})),
        "ok");
    // Signed by the author: a self-tip.
    event::Draft to_self = draft;
    EXPECT_EQ(code_of_tip(to_self, kAuthor), "tip_self");
    event::Draft long_message = draft;
    long_message.content = std::string(1001, 'x');
    EXPECT_EQ(code_of_tip(long_message), "tip_content_too_large");
    long_message.content = std::string(1000, 'x');
    EXPECT_EQ(code_of_tip(long_message), "ok");

    // The embedded payout event: tampered (its id no longer matches), another kind, another
    // author's, without an address on the payment's network.
    std::string tampered = f.payout.to_json();
    tampered.replace(tampered.find(f.address), f.address.size(),
                     test::p2wpkh_address(bcoin_regtest(), 0x12));
    event::Draft bad_payout = with_tag(draft, "payout", {"payout", tampered});
    auto parsed = Tip::parse(testing::sign(kPayer, bad_payout));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "tip_payout_invalid");
    EXPECT_NE(parsed.error().message.find("id_mismatch"), std::string::npos);
    const event::Event not_payout = testing::sign(kAuthor, event::Draft{1, 1, {}, "hi"});
    EXPECT_EQ(code_of_tip(with_tag(draft, "payout", {"payout", not_payout.to_json()})),
              "tip_payout_invalid");
    const event::Event strangers = test::payout_event(kStranger, {{"bcoin-regtest", f.address}});
    EXPECT_EQ(code_of_tip(with_tag(draft, "payout", {"payout", strangers.to_json()})),
              "tip_payout_wrong_author");
    const event::Event mainnet_only = test::payout_event(kAuthor, {{"mainnet", kBip84Address}});
    EXPECT_EQ(code_of_tip(with_tag(draft, "payout", {"payout", mainnet_only.to_json()})),
              "tip_payout_no_address");

    // tip_draft checks the same rules before anything is signed.
    EXPECT_EQ(tip_draft(mainnet_only, f.request).error().code, "tip_payout_no_address");
    TipRequest zero = f.request;
    zero.payment.sats = bitcoin::Sats(0);
    EXPECT_EQ(tip_draft(f.payout, zero).error().code, "tip_tag_malformed");
    TipRequest no_network = f.request;
    no_network.payment.network = nullptr;
    EXPECT_EQ(tip_draft(f.payout, no_network).error().code, "tip_tag_malformed");
}

TEST(Tip, CommitmentIsTheTaggedHashOfTargetAndPayer) {
    // BIP-340's tagged hash written out with plain SHA-256.
    const std::string tag = "datt/tip";
    const auto tag_hash =
        crypto::Sha256()
            .write(ByteSpan(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()))
            .finalize();
    const Hash256 target = test::target_id();
    const ByteArray<32> payer = test::pubkey_of(kPayer);
    crypto::Sha256 outer;
    outer.write(tag_hash).write(tag_hash).write(target).write(payer);
    const auto expected = outer.finalize();
    EXPECT_EQ(to_hex(tip_commitment(target, payer)), to_hex(expected));
    EXPECT_EQ(to_hex(commitment_script(target, payer)), "6a20" + to_hex(expected));
    // Order matters: target then payer.
    EXPECT_NE(tip_commitment(payer, target), tip_commitment(target, payer));
}

TEST(TipTotal, CountsEachOutpointOnce) {
    Hash256 a{}, b{};
    a.fill(1);
    b.fill(2);
    const std::vector<PaidOutput> paid = {{a, 0, bitcoin::Sats(1000)},
                                          {a, 0, bitcoin::Sats(1000)},
                                          {a, 1, bitcoin::Sats(500)},
                                          {b, 0, bitcoin::Sats(250)},
                                          {a, 0, bitcoin::Sats(1000)}};
    const auto total = total_tips(paid);
    ASSERT_TRUE(total.has_value());
    EXPECT_EQ(total->sats.value(), 1750);
    EXPECT_EQ(total->payments, 3u);
    EXPECT_EQ(total_tips({})->sats.value(), 0);
    // Amounts outside the money range, or a sum beyond it, give no total.
    const std::vector<PaidOutput> negative = {{a, 0, bitcoin::Sats(-1)}};
    EXPECT_FALSE(total_tips(negative).has_value());
    const std::vector<PaidOutput> too_much = {{a, 0, bitcoin::kMaxMoney}, {b, 0, bitcoin::Sats(1)}};
    EXPECT_FALSE(total_tips(too_much).has_value());
}

}  // namespace
}  // namespace datt::tip
