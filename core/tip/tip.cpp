#include "tip/tip.h"

#include <limits>
#include <optional>

#include "bitcoin/display_hash.h"
#include "tip/canonical_decimal.h"
#include "tip/network_name.h"
#include "util/hex.h"

namespace datt::tip {
namespace {

struct TipTags {
    Hash256 target{};
    ByteArray<32> author{};
    TipPayment payment;
    std::optional<PayoutAddresses> payout;
};

Error malformed(std::string message) {
    return make_error("tip_tag_malformed", std::move(message));
}

std::optional<ByteArray<32>> lower_hex32(const std::string& text) {
    if (!is_lower_hex(text, 64)) return std::nullopt;
    return *from_hex_fixed<32>(text);
}

Result<TipPayment> read_payment(const event::Tag& tag) {
    if (tag.size() != 5) {
        return malformed("payment is [\"payment\", <network>, <txid>, <vout>, <sats>]");
    }
    TipPayment payment;
    payment.network = find_network(tag[1]);
    if (payment.network == nullptr) return malformed("unknown network '" + tag[1] + "'");
    if (!is_lower_hex(tag[2], 64)) return malformed("txid is 64 lowercase hex");
    payment.txid = *bitcoin::from_display_hex(tag[2]);
    const std::optional<uint64_t> vout =
        parse_canonical_decimal(tag[3], std::numeric_limits<uint32_t>::max());
    if (!vout) return malformed("vout is canonical decimal below 2^32");
    payment.vout = static_cast<uint32_t>(*vout);
    const std::optional<uint64_t> sats =
        parse_canonical_decimal(tag[4], static_cast<uint64_t>(bitcoin::kMaxMoney.value()));
    if (!sats || *sats == 0) return malformed("sats is canonical decimal in 1..2100000000000000");
    payment.sats = bitcoin::Sats(static_cast<int64_t>(*sats));
    return payment;
}

Result<PayoutAddresses> read_payout(const event::Tag& tag) {
    if (tag.size() != 2) return malformed("payout is [\"payout\", <kind 10570 event JSON>]");
    auto event = event::Event::parse(tag[1]);
    if (!event) {
        return make_error("tip_payout_invalid", event.error().code + ": " + event.error().message);
    }
    auto payout = PayoutAddresses::parse(*event);
    if (!payout) {
        return make_error("tip_payout_invalid",
                          payout.error().code + ": " + payout.error().message);
    }
    return payout;
}

// Reads and checks the four tags and the content (shared by parse and tip_draft).
Result<TipTags> read_tip(const event::Tags& tags, const std::string& content) {
    TipTags out;
    bool seen_e = false, seen_p = false, seen_payment = false;
    for (const event::Tag& tag : tags) {
        if (tag.empty()) continue;
        const std::string& name = tag[0];
        if (name != "e" && name != "p" && name != "payment" && name != "payout") continue;
        bool& seen = name == "e" ? seen_e : name == "p" ? seen_p : seen_payment;
        if (name == "payout" ? out.payout.has_value() : seen) {
            return make_error("tip_duplicate_tag", "a tip has one " + name + " tag");
        }
        if (name == "e" || name == "p") {
            const auto value = tag.size() >= 2 ? lower_hex32(tag[1]) : std::nullopt;
            if (!value) return malformed(name + " is [\"" + name + "\", <64 lowercase hex>, ...]");
            (name == "e" ? out.target : out.author) = *value;
            seen = true;
        } else if (name == "payment") {
            auto payment = read_payment(tag);
            if (!payment) return payment.error();
            out.payment = *payment;
            seen = true;
        } else {
            auto payout = read_payout(tag);
            if (!payout) return payout.error();
            out.payout = std::move(payout).value();
        }
    }
    if (!seen_e || !seen_p || !seen_payment || !out.payout) {
        return make_error("tip_missing_tag", "a tip has e, p, payment and payout tags");
    }
    if (content.size() > kMaxTipMessageBytes) {
        return make_error("tip_content_too_large", "the message is longer than 1000 bytes");
    }
    if (out.payout->author() != out.author) {
        return make_error("tip_payout_wrong_author", "the payout event is not the p author's");
    }
    if (out.payout->address_for(out.payment.network->name) == nullptr) {
        return make_error("tip_payout_no_address",
                          "the payout event has no address on " + out.payment.network->name);
    }
    return out;
}

}  // namespace

Result<Tip> Tip::parse(const event::Event& event) {
    if (event.kind() != kTipKind) return make_error("tip_wrong_kind", "a tip is kind 4570");
    auto tags = read_tip(event.tags(), event.content());
    if (!tags) return tags.error();
    if (tags->author == event.pubkey()) {
        return make_error("tip_self", "the payer is the author");
    }
    Tip tip(event, std::move(*tags->payout));
    tip.target_ = tags->target;
    tip.author_ = tags->author;
    tip.payment_ = tags->payment;
    return tip;
}

Result<event::Draft> tip_draft(const event::Event& payout, const TipRequest& request) {
    if (request.payment.network == nullptr) {
        return make_error("tip_tag_malformed", "the payment has no network");
    }
    event::Draft draft{
        .created_at = request.created_at, .kind = kTipKind, .tags = {}, .content = request.message};
    draft.tags.push_back({"e", to_hex(request.target)});
    draft.tags.push_back({"p", to_hex(payout.pubkey())});
    draft.tags.push_back(
        {"payment", request.payment.network->name, bitcoin::to_display_hex(request.payment.txid),
         std::to_string(request.payment.vout), std::to_string(request.payment.sats.value())});
    draft.tags.push_back({"payout", payout.to_json()});
    auto tags = read_tip(draft.tags, draft.content);
    if (!tags) return tags.error();
    auto checked = event::check_draft(draft);
    if (!checked) return checked.error();
    return draft;
}

}  // namespace datt::tip
