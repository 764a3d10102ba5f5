// core/receipt on untrusted input: kind 4571 receipts as a relay delivers them (signed here
// with a fixed hub key, since the fuzzer cannot forge signatures), parsed and verified
// against a fixed target post.
//
// Input: the first byte picks the mode.
//   0  tags: the rest split at '\n' into tags and at NUL into strings; the strings "$T"
//      (target id), "$A" (its author), "$B" (the payer), "$I" (the author's valid invoice for
//      the target), "$R" (its preimage), "$S" (the payer's valid signature) are replaced by
//      valid values, so the fuzzer reaches every rule.
//   1  one value: a valid receipt with tag number (second byte % 7) given the rest as value.
// Invariants checked:
//   - failures carry documented codes (parse's and verify's);
//   - a parsed receipt's fields make (receipt_template) the same tags in canonical order,
//     and that template signed parses back to the same fields;
//   - a verified receipt is rechecked by hand: sha256(preimage) is the invoice's payment
//     hash, the invoice's signer and p are the target's author, e is the target, the amount
//     is the invoice's, the payer is not the author and its signature verifies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "invoice/encode.h"
#include "invoice/invoice.h"
#include "receipt/receipt.h"
#include "receipt/receipt_request.h"
#include "receipt/verify_receipt.h"
#include "util/hex.h"

namespace {

using namespace datt;

crypto::SecretKey key(uint8_t n) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = n;
    return *crypto::SecretKey::from_bytes(bytes);
}

event::Event sign(uint8_t signer, const event::Draft& draft) {
    const std::array<uint8_t, 32> aux{};
    auto signed_event = event::Event::sign(draft, key(signer), aux);
    DATT_FUZZ_CHECK(signed_event.ok());
    return *signed_event;
}

constexpr uint8_t kAuthor = 1, kPayer = 2, kHub = 3;

// The valid parts, made once.
struct Scenario {
    event::Event target = sign(kAuthor, event::Draft{1733000000, 1111, {}, "a post"});
    Hash256 preimage{};
    receipt::ReceiptFields fields;
    Scenario() {
        preimage.fill(0x5a);
        invoice::InvoiceFields f;
        f.currency = invoice::Currency::kRegtest;
        f.amount = bitcoin::Msats{21'000};
        f.timestamp = 1'733'000'100;
        f.payment_hash = crypto::sha256(preimage);
        f.payment_secret.fill(0x0c);
        f.description = receipt::tip_description(target.id());
        f.features = *invoice::FeatureBits::from_bits({8, 14});
        fields.target = target.id();
        fields.payee = target.pubkey();
        fields.payer = crypto::xonly_pubkey(key(kPayer)).bytes();
        fields.amount = *f.amount;
        fields.invoice = *invoice::encode_invoice(f, key(kAuthor));
        fields.preimage = preimage;
        const std::array<uint8_t, 32> aux{};
        fields.payer_sig = receipt::sign_receipt_request(key(kPayer), f.payment_hash, target.id(),
                                                         fields.amount, aux);
    }
    std::string placeholder(const std::string& value) const {
        if (value == "$T") return to_hex(fields.target);
        if (value == "$A") return to_hex(fields.payee);
        if (value == "$B") return to_hex(fields.payer);
        if (value == "$I") return fields.invoice;
        if (value == "$R") return to_hex(fields.preimage);
        if (value == "$S") return to_hex(fields.payer_sig);
        return value;
    }
};

const Scenario& scenario() {
    static const Scenario s;
    return s;
}

event::Tags split_tags(std::string_view text) {
    event::Tags tags;
    size_t start = 0;
    while (start <= text.size() && tags.size() < 16) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        event::Tag tag;
        const std::string_view line = text.substr(start, end - start);
        size_t from = 0;
        while (tag.size() < 4) {
            const size_t nul = line.find('\0', from);
            tag.push_back(scenario().placeholder(std::string(line.substr(
                from, nul == std::string_view::npos ? line.size() - from : nul - from))));
            if (nul == std::string_view::npos) break;
            from = nul + 1;
        }
        tags.push_back(std::move(tag));
        start = end + 1;
    }
    return tags;
}

void check(const event::Draft& draft) {
    if (!event::check_draft(draft)) return;
    const event::Event event = sign(kHub, draft);
    auto parsed = receipt::Receipt::parse(event);
    if (!parsed) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            parsed.error().code,
            {"receipt_wrong_kind", "receipt_content_not_empty", "receipt_unknown_tag",
             "receipt_duplicate_tag", "receipt_missing_tag", "receipt_tag_malformed"}));
        return;
    }
    // Round trip: the same tags in canonical order, and the same fields again.
    const event::Draft rebuilt = receipt::receipt_template(parsed->fields(), event.created_at());
    event::Tags sorted_in = event.tags(), sorted_out = rebuilt.tags;
    std::sort(sorted_in.begin(), sorted_in.end());
    std::sort(sorted_out.begin(), sorted_out.end());
    DATT_FUZZ_CHECK(sorted_in == sorted_out);
    auto again = receipt::Receipt::parse(sign(kHub, rebuilt));
    DATT_FUZZ_CHECK(again.ok() && again->fields() == parsed->fields());

    const event::Event& target = scenario().target;
    auto verified = receipt::verify_receipt(*parsed, target);
    if (!verified) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            verified.error().code,
            {"receipt_invoice_malformed", "receipt_invoice_signature", "receipt_preimage_mismatch",
             "receipt_target_mismatch", "receipt_payee_mismatch", "receipt_self",
             "receipt_amount_mismatch", "receipt_payer_key", "receipt_payer_signature"}));
        return;
    }
    const receipt::ReceiptFields& f = parsed->fields();
    auto invoice = invoice::Invoice::decode(f.invoice);
    DATT_FUZZ_CHECK(invoice.ok());
    DATT_FUZZ_CHECK(crypto::sha256(f.preimage) == invoice->contents().payment_hash);
    const auto payee = invoice->payee().compressed();
    DATT_FUZZ_CHECK(std::equal(payee.begin() + 1, payee.end(), target.pubkey().begin()));
    DATT_FUZZ_CHECK(f.payee == target.pubkey() && f.target == target.id() &&
                    f.payer != target.pubkey());
    DATT_FUZZ_CHECK(invoice->contents().amount == f.amount);
    DATT_FUZZ_CHECK(receipt::check_payer_signature(f.payer, f.payer_sig, verified->payment_hash,
                                                   f.target, f.amount)
                        .ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 0) {
        check(event::Draft{1733000200, receipt::kReceiptKind, split_tags(rest), ""});
        return 0;
    }
    if (rest.empty()) return 0;
    event::Draft draft = receipt::receipt_template(scenario().fields, 1733000200);
    draft.tags[static_cast<uint8_t>(rest[0]) % draft.tags.size()][1] =
        scenario().placeholder(std::string(rest.substr(1)));
    check(draft);
    return 0;
}
