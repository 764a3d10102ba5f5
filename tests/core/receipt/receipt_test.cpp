// core/receipt: a payment's receipt built from real parts (a post signed by its author, the
// author's BOLT-11 invoice signed with the same key, the payer's BIP-340 request, the hub's
// signed kind 4571 event), verified; then each tampering refused with its code.
#include "receipt/receipt.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/sha256.h"
#include "invoice/encode.h"
#include "invoice/hrp.h"
#include "receipt/receipt_request.h"
#include "receipt/verify_receipt.h"
#include "support/test_signer.h"
#include "util/hex.h"

namespace datt::receipt {
namespace {

using bitcoin::Msats;

constexpr uint8_t kAuthor = 1;
constexpr uint8_t kPayer = 2;
constexpr uint8_t kHub = 3;
constexpr uint8_t kStranger = 4;
constexpr uint64_t kAmount = 21'000;

ByteArray<32> xonly(uint8_t signer) {
    return crypto::xonly_pubkey(testing::key(signer)).bytes();
}

event::Event post(uint8_t author, const std::string& text) {
    return testing::sign(author, event::Draft{1733000000, event::kinds::kComment, {}, text});
}

Hash256 preimage() {
    Hash256 p{};
    p.fill(0x5a);
    return p;
}

invoice::InvoiceFields invoice_fields(const Hash256& target, uint64_t amount = kAmount) {
    invoice::InvoiceFields f;
    f.currency = invoice::Currency::kRegtest;
    f.amount = Msats{amount};
    f.timestamp = 1'733'000'100;
    f.payment_hash = crypto::sha256(preimage());
    f.payment_secret.fill(0x0c);
    f.description = tip_description(target);
    f.features = *invoice::FeatureBits::from_bits({8, 14});
    return f;
}

std::string invoice_text(uint8_t signer, const invoice::InvoiceFields& fields) {
    auto text = invoice::encode_invoice(fields, testing::key(signer));
    EXPECT_TRUE(text) << text.error().code;
    return *text;
}

ByteArray<64> payer_sig(uint8_t signer, const Hash256& target, uint64_t amount = kAmount) {
    const std::array<uint8_t, 32> aux{};
    return sign_receipt_request(testing::key(signer), crypto::sha256(preimage()), target,
                                Msats{amount}, aux);
}

// What the hub would put in a receipt for a tip of kAmount to `target`.
ReceiptFields good_fields(const event::Event& target) {
    ReceiptFields f;
    f.target = target.id();
    f.payee = target.pubkey();
    f.payer = xonly(kPayer);
    f.amount = Msats{kAmount};
    f.invoice = invoice_text(kAuthor, invoice_fields(target.id()));
    f.preimage = preimage();
    f.payer_sig = payer_sig(kPayer, target.id());
    return f;
}

Receipt signed_receipt(const ReceiptFields& fields, uint8_t hub = kHub) {
    auto parsed = Receipt::parse(testing::sign(hub, receipt_template(fields, 1733000200)));
    EXPECT_TRUE(parsed) << parsed.error().code;
    return *parsed;
}

std::string verify_code(const ReceiptFields& fields, const event::Event& target) {
    auto verified = verify_receipt(signed_receipt(fields), target);
    return verified ? "ok" : verified.error().code;
}

TEST(Receipt, VerifiesAndSaysWhatItProves) {
    const event::Event target = post(kAuthor, "a post worth a tip");
    const ReceiptFields fields = good_fields(target);
    const Receipt receipt = signed_receipt(fields);
    EXPECT_EQ(receipt.fields(), fields);
    EXPECT_EQ(receipt.event().kind(), 4571);
    EXPECT_EQ(receipt.event().tag_value("e"), to_hex(target.id()));
    EXPECT_EQ(receipt.event().tag_value("amount"), "21000");
    auto verified = verify_receipt(receipt, target, xonly(kHub));
    ASSERT_TRUE(verified) << verified.error().code << ": " << verified.error().message;
    EXPECT_EQ(verified->target, target.id());
    EXPECT_EQ(verified->payee, xonly(kAuthor));
    EXPECT_EQ(verified->payer, xonly(kPayer));
    EXPECT_EQ(verified->amount, Msats{kAmount});
    EXPECT_EQ(verified->payment_hash, crypto::sha256(preimage()));
    EXPECT_EQ(verified->hub, xonly(kHub));
}

TEST(Receipt, EachTamperingHasItsCode) {
    const event::Event target = post(kAuthor, "a post worth a tip");
    const event::Event other = post(kAuthor, "another post by the same author");
    ReceiptFields f = good_fields(target);

    EXPECT_EQ(verify_receipt(signed_receipt(f), target, xonly(kStranger)).error().code,
              "receipt_wrong_hub");

    f = good_fields(target);
    f.invoice = "lnbcrt1notaninvoice";
    EXPECT_EQ(verify_code(f, target), "receipt_invoice_malformed");

    // An n field naming the author, signed by someone else.
    f = good_fields(target);
    const auto named = invoice::tagged_fields(
        [&] {
            auto fields = invoice_fields(target.id());
            fields.include_payee = true;
            return fields;
        }(),
        crypto::pubkey(testing::key(kAuthor)));
    f.invoice =
        *invoice::sign_invoice(invoice::format_hrp(invoice::Currency::kRegtest, Msats{kAmount}),
                               1'733'000'100, named, testing::key(kStranger));
    EXPECT_EQ(verify_code(f, target), "receipt_invoice_signature");

    f = good_fields(target);
    f.preimage[0] ^= 1;
    EXPECT_EQ(verify_code(f, target), "receipt_preimage_mismatch");

    // The receipt moved to another post of the same author, and an invoice for another post.
    f = good_fields(target);
    EXPECT_EQ(verify_code(f, other), "receipt_target_mismatch");
    f.target = other.id();
    EXPECT_EQ(verify_code(f, other), "receipt_target_mismatch");
    f = good_fields(target);
    f.invoice = invoice_text(kAuthor, invoice_fields(other.id()));
    EXPECT_EQ(verify_code(f, target), "receipt_target_mismatch");

    // An invoice the author did not sign; a p tag that is not the author.
    f = good_fields(target);
    f.invoice = invoice_text(kStranger, invoice_fields(target.id()));
    EXPECT_EQ(verify_code(f, target), "receipt_payee_mismatch");
    f = good_fields(target);
    f.payee = xonly(kStranger);
    EXPECT_EQ(verify_code(f, target), "receipt_payee_mismatch");

    // The author paying their own post.
    f = good_fields(target);
    f.payer = xonly(kAuthor);
    f.payer_sig = payer_sig(kAuthor, target.id());
    EXPECT_EQ(verify_code(f, target), "receipt_self");

    f = good_fields(target);
    f.amount = Msats{kAmount + 1000};
    EXPECT_EQ(verify_code(f, target), "receipt_amount_mismatch");
    f = good_fields(target);
    auto no_amount = invoice_fields(target.id());
    no_amount.amount.reset();
    f.invoice = invoice_text(kAuthor, no_amount);
    EXPECT_EQ(verify_code(f, target), "receipt_amount_mismatch");

    // Someone else's signature under the payer's name; a payer key that is not a point.
    f = good_fields(target);
    f.payer_sig = payer_sig(kStranger, target.id());
    EXPECT_EQ(verify_code(f, target), "receipt_payer_signature");
    f = good_fields(target);
    f.payer_sig = payer_sig(kPayer, target.id(), kAmount + 1);  // signed for another amount
    EXPECT_EQ(verify_code(f, target), "receipt_payer_signature");
    f = good_fields(target);
    f.payer.fill(0xff);  // x >= p
    EXPECT_EQ(verify_code(f, target), "receipt_payer_key");
}

event::Event with_tags(event::Tags tags, event::Kind kind = kReceiptKind,
                       std::string content = "") {
    return testing::sign(kHub, event::Draft{1733000200, kind, std::move(tags), std::move(content)});
}

TEST(Receipt, ParseRefusals) {
    const event::Event target = post(kAuthor, "a post worth a tip");
    const event::Draft good = receipt_template(good_fields(target), 1733000200);
    auto code = [](const event::Event& e) {
        auto parsed = Receipt::parse(e);
        return parsed ? std::string("ok") : parsed.error().code;
    };
    EXPECT_EQ(code(with_tags(good.tags)), "ok");
    EXPECT_EQ(code(with_tags(good.tags, 4570)), "receipt_wrong_kind");
    EXPECT_EQ(code(with_tags(good.tags, kReceiptKind, "thanks")), "receipt_content_not_empty");

    auto tags = good.tags;
    tags.push_back({"t", "extra"});
    EXPECT_EQ(code(with_tags(tags)), "receipt_unknown_tag");
    tags = good.tags;
    tags.push_back(good.tags[0]);
    EXPECT_EQ(code(with_tags(tags)), "receipt_duplicate_tag");
    for (size_t i = 0; i < good.tags.size(); ++i) {
        tags = good.tags;
        tags.erase(tags.begin() + static_cast<long>(i));
        EXPECT_EQ(code(with_tags(tags)), "receipt_missing_tag") << good.tags[i][0];
    }
    const std::vector<std::pair<size_t, std::string>> bad_values = {{0, "AB"},
                                                                    {1, std::string(64, 'A')},
                                                                    {2, std::string(63, 'a')},
                                                                    {3, "0"},
                                                                    {3, "021000"},
                                                                    {3, "18446744073709551616"},
                                                                    {3, "-1"},
                                                                    {4, ""},
                                                                    {5, std::string(66, 'a')},
                                                                    {6, std::string(64, 'a')}};
    for (const auto& [index, value] : bad_values) {
        tags = good.tags;
        tags[index][1] = value;
        EXPECT_EQ(code(with_tags(tags)), "receipt_tag_malformed")
            << good.tags[index][0] << " " << value;
    }
    tags = good.tags;
    tags[0].push_back("wss://relay");
    EXPECT_EQ(code(with_tags(tags)), "receipt_tag_malformed");
    tags = good.tags;
    tags[3][1] = "18446744073709551615";  // the largest amount parses (and verifies nothing)
    EXPECT_EQ(code(with_tags(tags)), "ok");
}

TEST(ReceiptRequest, WhatTheHubChecks) {
    const event::Event target = post(kAuthor, "a post worth a tip");
    const Hash256 payment_hash = crypto::sha256(preimage());
    ReceiptRequest request{target.id(), xonly(kPayer), payer_sig(kPayer, target.id()),
                           invoice_text(kAuthor, invoice_fields(target.id()))};
    auto checked = check_receipt_request(request, payment_hash, Msats{kAmount});
    ASSERT_TRUE(checked) << checked.error().code;
    EXPECT_EQ(checked->payee(), crypto::pubkey(testing::key(kAuthor)));

    auto code = [&](const ReceiptRequest& r, const Hash256& hash, uint64_t amount) {
        auto result = check_receipt_request(r, hash, Msats{amount});
        return result ? std::string("ok") : result.error().code;
    };
    Hash256 other_hash = payment_hash;
    other_hash[5] ^= 1;
    EXPECT_EQ(code(request, other_hash, kAmount), "receipt_payment_hash_mismatch");
    EXPECT_EQ(code(request, payment_hash, kAmount - 1), "receipt_amount_mismatch");
    ReceiptRequest moved = request;
    moved.target[0] ^= 1;
    EXPECT_EQ(code(moved, payment_hash, kAmount), "receipt_target_mismatch");
    ReceiptRequest forged = request;
    forged.payer = xonly(kStranger);
    EXPECT_EQ(code(forged, payment_hash, kAmount), "receipt_payer_signature");
    ReceiptRequest self{target.id(), xonly(kAuthor), payer_sig(kAuthor, target.id()),
                        request.invoice};
    EXPECT_EQ(code(self, payment_hash, kAmount), "receipt_self");
    ReceiptRequest garbage = request;
    garbage.invoice = "not an invoice";
    EXPECT_EQ(code(garbage, payment_hash, kAmount), "receipt_invoice_malformed");
}

TEST(ReceiptRequest, PayerMessageLayout) {
    // Written out by hand: "datt-receipt" || hash || target || amount u64 BE.
    Hash256 hash{}, target{};
    hash.fill(0x01);
    target.fill(0x02);
    Bytes message = {'d', 'a', 't', 't', '-', 'r', 'e', 'c', 'e', 'i', 'p', 't'};
    message.insert(message.end(), 32, 0x01);
    message.insert(message.end(), 32, 0x02);
    const Bytes amount = {0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05};
    message.insert(message.end(), amount.begin(), amount.end());
    EXPECT_EQ(payer_message(hash, target, Msats{0x0102030405}), crypto::sha256(message));
    EXPECT_EQ(tip_description(target),
              "datt:tip:0202020202020202020202020202020202020202020202020202020202020202");
}

}  // namespace
}  // namespace datt::receipt
