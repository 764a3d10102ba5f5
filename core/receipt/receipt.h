// A receipt: the hub's kind 4571 event saying that a channel payment to the author of a
// post or comment completed (docs/protocol.md "Receipts"). Signed by the hub's relay key;
// content empty; tags, each exactly once:
//   ["e", <target id>]              the post or comment paid for
//   ["p", <payee>]                  the target's author, who was paid (x-only, hex)
//   ["P", <payer>]                  the payer's Nostr key (x-only, hex)
//   ["amount", <msat>]              paid to the payee, canonical decimal, 1..2^64-1
//   ["bolt11", <invoice>]           the payee's invoice (receipt_request.h)
//   ["preimage", <64 hex>]          its payment hash's preimage: the payee was paid
//   ["payer_sig", <128 hex>]        the payer's signature (receipt_request.h payer_message)
// Hex is lowercase. Other tags are refused (one encoding per receipt). A parsed Receipt is
// well-formed; whether it proves a payment is verify_receipt's question (verify_receipt.h).
//
// Error codes (Receipt::parse):
//   receipt_wrong_kind         not kind 4571
//   receipt_tag_malformed      a tag of the wrong shape or value
//   receipt_unknown_tag        a tag that is not one of the seven
//   receipt_duplicate_tag      one of them twice
//   receipt_missing_tag        one of them absent
//   receipt_content_not_empty  the content is not empty
#pragma once

#include <cstdint>
#include <string>

#include "bitcoin/amount.h"
#include "event/event.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::receipt {

inline constexpr event::Kind kReceiptKind = 4571;

// What a receipt says.
struct ReceiptFields {
    Hash256 target{};
    ByteArray<32> payee{};
    ByteArray<32> payer{};
    bitcoin::Msats amount;
    std::string invoice;
    Hash256 preimage{};
    ByteArray<64> payer_sig{};

    bool operator==(const ReceiptFields&) const = default;
};

class Receipt {
  public:
    [[nodiscard]] static Result<Receipt> parse(const event::Event& event);

    const event::Event& event() const { return event_; }
    const ByteArray<32>& hub() const { return event_.pubkey(); }
    const ReceiptFields& fields() const { return fields_; }

  private:
    Receipt(event::Event event, ReceiptFields fields)
        : event_(std::move(event)), fields_(std::move(fields)) {}
    event::Event event_;
    ReceiptFields fields_;
};

// The unsigned receipt (the hub signs it). No checks: the hub builds it from a request
// check_receipt_request() passed and the preimage its payee released.
event::Draft receipt_template(const ReceiptFields& fields, int64_t created_at);

}  // namespace datt::receipt
