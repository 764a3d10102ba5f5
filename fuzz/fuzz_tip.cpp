// core/tip on untrusted input: the payout-address and tip events' tags (as a relay delivers
// them, signed here with a fixed key since the fuzzer cannot forge signatures) and the
// evidence verify_tip reads (transaction, merkle proof, headers), as a relay or node
// delivers it.
//
// Input: the first byte picks the mode.
//   0  payout: the rest is tags, split at '\n' into tags and at NUL into strings; signed as
//      kind 10570 and parsed.
//   1  tip: the same, signed as kind 4570 by the payer; a string "$P" is replaced by a valid
//      payout event of the author's (so the fuzzer reaches the other rules).
//   2  verify: the rest edits a valid scenario's evidence: part selector (tx / proof /
//      headers), a 16-bit offset, then bytes XORed in (or, when the selector's high bit is
//      set, the part is cut at the offset).
//   3  verify: the rest is split at the first NUL into transaction and proof bytes, checked
//      against the valid tip with the valid headers.
// Invariants checked:
//   - failures and verdicts carry documented codes;
//   - a parsed payout's addresses print as the tag text and payout_draft() of them parses
//     back to equal addresses; a parsed tip's fields make (tip_draft) a tip that parses back
//     to the same fields;
//   - a verified verdict is recomputed by hand: the transaction parses, has the txid, its
//     output pays the address exactly, the commitment is there, the proof verifies and holds
//     the txid, the headers link from the proof's block to the chain's tip, and the
//     confirmations and height follow from their count.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/header_chain.h"
#include "bitcoin/merkle.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/partial_merkle_tree.h"
#include "bitcoin/tx.h"
#include "check.h"
#include "crypto/secp256k1.h"
#include "tip/commitment.h"
#include "tip/payout.h"
#include "tip/tip.h"
#include "tip/verify_tip.h"

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

bitcoin::BlockHeader mine(bitcoin::BlockHeader header) {
    while (!bitcoin::check_proof_of_work(bitcoin::block_hash(header), header.bits,
                                         bitcoin::regtest().pow_limit)
                .ok()) {
        ++header.nonce;
    }
    return header;
}

// A regtest chain of 8 blocks; block 5 holds [coinbase, the tip's transaction].
struct Scenario {
    std::string address;
    event::Event payout;
    bitcoin::Transaction tx;
    Bytes raw;
    Hash256 txid{};
    std::vector<bitcoin::BlockHeader> headers;  // heights 1..8
    bitcoin::HeaderChainState state = bitcoin::HeaderChainState::genesis(bitcoin::regtest());
    Bytes proof;
    std::optional<tip::Tip> tip;

    Scenario() : payout(make_payout()) {
        Bytes paid{0x00, 0x14};
        paid.insert(paid.end(), 20, 0x33);
        Hash256 target{};
        target.fill(0x77);
        const ByteArray<32> payer = crypto::KeyPair(key(2)).xonly_pubkey().bytes();
        bitcoin::TxIn input;
        input.prevout.txid.fill(0x42);
        tx.inputs.push_back(input);
        tx.outputs.push_back({bitcoin::Sats(21'000), paid});
        tx.outputs.push_back({bitcoin::Sats(0), tip::commitment_script(target, payer)});
        raw = bitcoin::serialize(tx);
        txid = bitcoin::txid(tx);
        Hash256 coinbase{};
        coinbase.fill(0xcb);
        const std::vector<Hash256> txids = {coinbase, txid};
        for (uint32_t height = 1; height <= 8; ++height) {
            bitcoin::BlockHeader header;
            header.version = 0x20000000;
            header.prev_block = state.tip().hash;
            header.merkle_root.fill(static_cast<uint8_t>(height));
            if (height == 5) header.merkle_root = bitcoin::compute_merkle_root(txids)->root;
            header.time = state.tip().recent_times.back() + 600;
            header.bits = state.tip().bits;
            headers.push_back(mine(header));
            auto update = bitcoin::extend_header_chain(
                bitcoin::regtest(), state,
                std::span<const bitcoin::BlockHeader>(&headers.back(), 1));
            DATT_FUZZ_CHECK(!update.failure);
            state = update.state;
        }
        auto tree = bitcoin::PartialMerkleTree::build(txids, {false, true});
        proof = bitcoin::MerkleBlock::from_parts(headers[4], std::move(*tree)).serialize();
        tip::TipRequest request{
            target, {&bitcoin::regtest(), txid, 0, bitcoin::Sats(21'000)}, "", 1};
        auto draft = tip::tip_draft(payout, request);
        DATT_FUZZ_CHECK(draft.ok());
        auto parsed = tip::Tip::parse(sign(2, *draft));
        DATT_FUZZ_CHECK(parsed.ok());
        tip.emplace(std::move(*parsed));
    }

    static event::Event make_payout() {
        Bytes paid{0x00, 0x14};
        paid.insert(paid.end(), 20, 0x33);
        const std::string text =
            bitcoin::Address::from_script_pubkey(bitcoin::regtest(), paid)->to_string();
        const std::vector<tip::PayoutEntry> entries = {{"regtest", text}};
        return sign(1, *tip::payout_draft(entries, 1));
    }
};

const Scenario& scenario() {
    static const Scenario s;
    return s;
}

event::Tags split_tags(std::string_view text, std::string_view payout_json) {
    event::Tags tags;
    size_t start = 0;
    while (start <= text.size() && tags.size() < 32) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        event::Tag tag;
        const std::string_view line = text.substr(start, end - start);
        size_t from = 0;
        while (tag.size() < 8) {
            const size_t nul = line.find('\0', from);
            std::string value(
                line.substr(from, nul == std::string_view::npos ? line.size() - from : nul - from));
            if (value == "$P") value = payout_json;
            tag.push_back(std::move(value));
            if (nul == std::string_view::npos) break;
            from = nul + 1;
        }
        tags.push_back(std::move(tag));
        start = end + 1;
    }
    return tags;
}

void fuzz_payout(std::string_view text) {
    event::Draft draft{1, tip::kPayoutKind, split_tags(text, ""), ""};
    if (!event::check_draft(draft)) return;
    auto payout = tip::PayoutAddresses::parse(sign(1, draft));
    if (!payout) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            payout.error().code,
            {"payout_tag_malformed", "payout_unknown_network", "payout_duplicate_network",
             "payout_bad_address", "payout_address_nonstandard", "payout_no_address"}));
        return;
    }
    std::vector<tip::PayoutEntry> entries;
    size_t index = 0;
    for (const event::Tag& tag : draft.tags) {
        if (tag.empty() || tag[0] != "btc") continue;
        const tip::PayoutAddress& parsed = payout->addresses().at(index++);
        DATT_FUZZ_CHECK(parsed.network->name == tag[1]);
        DATT_FUZZ_CHECK(parsed.address.to_string() == tag[2]);
        entries.push_back({tag[1], tag[2]});
    }
    DATT_FUZZ_CHECK(index == payout->addresses().size());
    auto redraft = tip::payout_draft(entries, 1);
    DATT_FUZZ_CHECK(redraft.ok());
    auto again = tip::PayoutAddresses::parse(sign(1, *redraft));
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(again->addresses().size() == payout->addresses().size());
    for (size_t i = 0; i < entries.size(); ++i) {
        DATT_FUZZ_CHECK(again->addresses()[i].address == payout->addresses()[i].address);
    }
}

void fuzz_tip_event(std::string_view text) {
    event::Draft draft{1, tip::kTipKind, split_tags(text, scenario().payout.to_json()), "m"};
    if (!event::check_draft(draft)) return;
    auto tip = tip::Tip::parse(sign(2, draft));
    if (!tip) {
        DATT_FUZZ_CHECK(fuzz::is_one_of(
            tip.error().code, {"tip_tag_malformed", "tip_missing_tag", "tip_duplicate_tag",
                               "tip_self", "tip_content_too_large", "tip_payout_invalid",
                               "tip_payout_wrong_author", "tip_payout_no_address"}));
        return;
    }
    DATT_FUZZ_CHECK(tip->author() == tip->payout().author());
    DATT_FUZZ_CHECK(tip->author() != tip->payer());
    DATT_FUZZ_CHECK(tip->payment().sats.value() > 0 && tip->payment().sats.in_money_range());
    DATT_FUZZ_CHECK(tip->payout().address_for(tip->payment().network->name) != nullptr);
    tip::TipRequest request{tip->target(), tip->payment(), tip->message(), 1};
    auto redraft = tip::tip_draft(tip->payout().event(), request);
    DATT_FUZZ_CHECK(redraft.ok());
    auto again = tip::Tip::parse(sign(2, *redraft));
    DATT_FUZZ_CHECK(again.ok());
    DATT_FUZZ_CHECK(again->target() == tip->target() && again->author() == tip->author());
    DATT_FUZZ_CHECK(again->payment() == tip->payment());
    DATT_FUZZ_CHECK(again->payout().event() == tip->payout().event());
}

void check_verdict(const tip::TipVerdict& verdict, ByteSpan raw, std::optional<ByteSpan> proof,
                   std::span<const bitcoin::BlockHeader> headers) {
    const Scenario& s = scenario();
    if (verdict.status != tip::TipStatus::kVerified) {
        DATT_FUZZ_CHECK(verdict.reason.has_value());
        DATT_FUZZ_CHECK(
            fuzz::is_one_of(verdict.reason->code,
                            {"tip_tx_invalid", "tip_txid_mismatch", "tip_vout_out_of_range",
                             "tip_wrong_address", "tip_amount_mismatch", "tip_no_commitment",
                             "tip_proof_invalid", "tip_proof_wrong_tx", "tip_unconfirmed",
                             "tip_not_in_chain", "tip_chain_broken", "tip_too_few_confirmations"}));
        return;
    }
    DATT_FUZZ_CHECK(!verdict.reason.has_value());
    auto tx = bitcoin::parse_transaction(raw);
    DATT_FUZZ_CHECK(tx.ok() && bitcoin::txid(*tx) == s.txid);
    DATT_FUZZ_CHECK(tx->outputs.size() > 0 && tx->outputs[0].value.value() == 21'000);
    DATT_FUZZ_CHECK(tx->outputs[0].script_pubkey == s.tip->paid_address().script_pubkey());
    DATT_FUZZ_CHECK(tip::find_commitment(*tx, s.tip->target(), s.tip->payer()).has_value());
    DATT_FUZZ_CHECK(proof.has_value());
    auto inclusion = bitcoin::verify_merkle_block(*proof);
    DATT_FUZZ_CHECK(inclusion.ok());
    bool found = false;
    for (const auto& match : inclusion->matches) found = found || match.txid == s.txid;
    DATT_FUZZ_CHECK(found);
    DATT_FUZZ_CHECK(!headers.empty() && bitcoin::block_hash(headers[0]) == inclusion->block_hash);
    for (size_t i = 1; i < headers.size(); ++i) {
        DATT_FUZZ_CHECK(headers[i].prev_block == bitcoin::block_hash(headers[i - 1]));
    }
    DATT_FUZZ_CHECK(bitcoin::block_hash(headers.back()) == s.state.tip().hash);
    DATT_FUZZ_CHECK(verdict.confirmations == headers.size());
    DATT_FUZZ_CHECK(verdict.height + verdict.confirmations - 1 == s.state.height());
}

void fuzz_verify_edit(ByteSpan input) {
    const Scenario& s = scenario();
    if (input.size() < 3) return;
    Bytes raw = s.raw;
    Bytes proof = s.proof;
    Bytes header_bytes;
    for (const auto& header : std::span(s.headers).subspan(4)) {
        const auto one = bitcoin::serialize_block_header(header);
        header_bytes.insert(header_bytes.end(), one.begin(), one.end());
    }
    Bytes* part = (input[0] & 3) == 0 ? &raw : (input[0] & 3) == 1 ? &proof : &header_bytes;
    const size_t offset = (static_cast<size_t>(input[1]) << 8 | input[2]) % (part->size() + 1);
    if (input[0] & 0x80) {
        part->resize(offset);
    } else {
        for (size_t i = 3; i < input.size() && offset + i - 3 < part->size(); ++i) {
            (*part)[offset + i - 3] ^= input[i];
        }
    }
    auto headers = bitcoin::parse_block_headers(header_bytes);
    if (!headers) return;
    const std::optional<ByteSpan> proof_span =
        (input[0] & 0x40) ? std::nullopt : std::optional<ByteSpan>(proof);
    const auto verdict =
        tip::verify_tip(bitcoin::regtest(), s.state, *s.tip, {raw, proof_span, *headers});
    check_verdict(verdict, raw, proof_span, *headers);
    if (input[0] == 0 && input.size() == 3) {
        // No edit at all: the scenario verifies.
        DATT_FUZZ_CHECK(verdict.status == tip::TipStatus::kVerified);
    }
}

void fuzz_verify_raw(ByteSpan input) {
    const Scenario& s = scenario();
    size_t split = 0;
    while (split < input.size() && input[split] != 0) ++split;
    const ByteSpan raw = input.subspan(0, split);
    const ByteSpan proof = split < input.size() ? input.subspan(split + 1) : ByteSpan{};
    const std::span<const bitcoin::BlockHeader> headers = std::span(s.headers).subspan(4);
    const auto verdict =
        tip::verify_tip(bitcoin::regtest(), s.state, *s.tip, {raw, proof, headers});
    check_verdict(verdict, raw, proof, headers);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const ByteSpan rest(data + 1, size - 1);
    const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
    switch (data[0] % 4) {
        case 0:
            fuzz_payout(text);
            break;
        case 1:
            fuzz_tip_event(text);
            break;
        case 2:
            fuzz_verify_edit(rest);
            break;
        case 3:
            fuzz_verify_raw(rest);
            break;
    }
    return 0;
}
