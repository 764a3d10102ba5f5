#include "receipt/receipt.h"

#include <array>
#include <optional>
#include <string_view>

#include "util/hex.h"

namespace datt::receipt {
namespace {

Error malformed(std::string message) {
    return make_error("receipt_tag_malformed", std::move(message));
}

template <size_t N>
std::optional<ByteArray<N>> lower_hex(const std::string& text) {
    if (!is_lower_hex(text, 2 * N)) return std::nullopt;
    return *from_hex_fixed<N>(text);
}

// Canonical decimal (no sign, no leading zero) of 1..2^64-1.
std::optional<uint64_t> positive_decimal(const std::string& text) {
    if (text.empty() || text.size() > 20 || text[0] == '0') return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

constexpr std::array<std::string_view, 7> kTagNames = {"e",      "p",        "P",        "amount",
                                                       "bolt11", "preimage", "payer_sig"};

}  // namespace

Result<Receipt> Receipt::parse(const event::Event& event) {
    if (event.kind() != kReceiptKind)
        return make_error("receipt_wrong_kind", "a receipt is kind 4571");
    if (!event.content().empty()) {
        return make_error("receipt_content_not_empty", "a receipt's content is empty");
    }
    ReceiptFields fields;
    std::array<bool, kTagNames.size()> seen{};
    for (const event::Tag& tag : event.tags()) {
        size_t index = kTagNames.size();
        for (size_t i = 0; i < kTagNames.size(); ++i) {
            if (!tag.empty() && tag[0] == kTagNames[i]) index = i;
        }
        if (index == kTagNames.size()) {
            return make_error(
                "receipt_unknown_tag",
                "a receipt has only e, p, P, amount, bolt11, preimage and payer_sig tags");
        }
        const std::string name(kTagNames[index]);
        if (seen[index])
            return make_error("receipt_duplicate_tag", "a receipt has one " + name + " tag");
        seen[index] = true;
        if (tag.size() != 2) return malformed(name + " is [\"" + name + "\", <value>]");
        const std::string& value = tag[1];
        auto read_hex = [&value](auto& out) {
            const auto bytes = lower_hex<sizeof(out)>(value);
            if (bytes) out = *bytes;
            return bytes.has_value();
        };
        bool ok = true;
        if (name == "e") {
            ok = read_hex(fields.target);
        } else if (name == "p") {
            ok = read_hex(fields.payee);
        } else if (name == "P") {
            ok = read_hex(fields.payer);
        } else if (name == "amount") {
            const auto amount = positive_decimal(value);
            if (amount) fields.amount = bitcoin::Msats{*amount};
            ok = amount.has_value();
        } else if (name == "bolt11") {
            fields.invoice = value;
            ok = !value.empty();
        } else if (name == "preimage") {
            ok = read_hex(fields.preimage);
        } else {
            ok = read_hex(fields.payer_sig);
        }
        if (!ok) {
            return malformed(name == "amount"      ? "amount is canonical decimal msat in 1..2^64-1"
                             : name == "bolt11"    ? "bolt11 is the invoice's text"
                             : name == "payer_sig" ? "payer_sig is 128 lowercase hex"
                                                   : name + " is 64 lowercase hex");
        }
    }
    for (size_t i = 0; i < seen.size(); ++i) {
        if (!seen[i])
            return make_error("receipt_missing_tag",
                              "a receipt has a " + std::string(kTagNames[i]) + " tag");
    }
    return Receipt(event, std::move(fields));
}

event::Draft receipt_template(const ReceiptFields& fields, int64_t created_at) {
    event::Draft draft;
    draft.created_at = created_at;
    draft.kind = kReceiptKind;
    draft.tags = {
        {"e", to_hex(fields.target)},
        {"p", to_hex(fields.payee)},
        {"P", to_hex(fields.payer)},
        {"amount", std::to_string(fields.amount.value())},
        {"bolt11", fields.invoice},
        {"preimage", to_hex(fields.preimage)},
        {"payer_sig", to_hex(fields.payer_sig)},
    };
    return draft;
}

}  // namespace datt::receipt
