// See channel_resolve.h.
#include "channel_resolve.h"

#include "bitcoin/display_hash.h"
#include "channel/chain_resolver.h"

namespace datt::wasm {
namespace {

constexpr size_t kMaxRevokedHtlcs = 483;  // BOLT-2's max_accepted_htlcs, both ways
constexpr size_t kMaxHtlcTxHex = 200'000;  // a 100,000-byte transaction, as the bridge's `spend` carries

// An array member of `args`; absent is empty.
Result<const json*> array_field(const json& args, const char* name) {
    static const json empty = json::array();
    const auto found = args.find(name);
    if (found == args.end()) return &empty;
    if (!found->is_array()) return bad_args(std::string(name) + " must be an array");
    return &*found;
}

Result<channel::HtlcEntry> htlc_entry(const json& h) {
    if (!h.is_object()) return bad_args("revoked htlcs must be objects");
    auto offered = field<bool>(h, "offered");
    auto id = u64_field(h, "id");
    auto amount = u64_field(h, "amount_msat");
    auto hash = hex32_field(h, "payment_hash");
    auto cltv = field<uint32_t>(h, "cltv_expiry");
    if (!offered) return offered.error();
    if (!id) return id.error();
    if (!amount) return amount.error();
    if (!hash) return hash.error();
    if (!cltv) return cltv.error();
    return channel::HtlcEntry{*offered ? channel::HtlcDirection::kOffered : channel::HtlcDirection::kReceived, *id,
                              bitcoin::Msats{*amount}, *hash, *cltv};
}

Result<channel::RemoteCommitmentRevoked> revoked_record(const json& r) {
    if (!r.is_object()) return bad_args("revoked items must be objects");
    auto number = u64_field(r, "number");
    auto secret = hex32_field(r, "secret");
    auto to_local = u64_field(r, "to_local_msat");
    auto to_remote = u64_field(r, "to_remote_msat");
    auto htlcs = array_field(r, "htlcs");
    if (!number) return number.error();
    if (!secret) return secret.error();
    if (!to_local) return to_local.error();
    if (!to_remote) return to_remote.error();
    if (!htlcs) return htlcs.error();
    if ((*htlcs)->size() > kMaxRevokedHtlcs) return bad_args("too many revoked htlcs");
    channel::RemoteCommitmentRevoked out{*number, *secret, {bitcoin::Msats{*to_local}, bitcoin::Msats{*to_remote}, {}}};
    for (const json& h : **htlcs) {
        auto entry = htlc_entry(h);
        if (!entry) return entry.error();
        out.spec.htlcs.push_back(*entry);
    }
    return out;
}

// The cheater's HTLC txs of its revoked commitment (hex), as seen on chain.
Result<std::vector<bitcoin::Transaction>> htlc_txs_argument(const json& args) {
    auto list = array_field(args, "htlc_txs");
    if (!list) return list.error();
    if ((*list)->size() > 2 * kMaxRevokedHtlcs) return bad_args("too many htlc_txs");
    std::vector<bitcoin::Transaction> out;
    for (const json& t : **list) {
        if (!t.is_string() || t.get_ref<const std::string&>().size() > kMaxHtlcTxHex) {
            return bad_args("htlc_txs must be hex strings");
        }
        auto raw = from_hex(t.get_ref<const std::string&>());
        if (!raw) return bad_args("htlc_txs must be hex strings");
        auto tx = bitcoin::parse_transaction(*raw);
        if (!tx) return tx.error();
        out.push_back(std::move(*tx));
    }
    return out;
}

}  // namespace

json revoked_json(const channel::RemoteCommitmentRevoked& revoked) {
    json htlcs = json::array();
    for (const channel::HtlcEntry& h : revoked.spec.htlcs) {
        htlcs.push_back({{"offered", h.direction == channel::HtlcDirection::kOffered}, {"id", std::to_string(h.id)},
                         {"amount_msat", std::to_string(h.amount.value())}, {"payment_hash", to_hex(h.payment_hash)},
                         {"cltv_expiry", h.cltv_expiry}});
    }
    return {{"number", std::to_string(revoked.number)}, {"secret", to_hex(revoked.per_commitment_secret)},
            {"to_local_msat", std::to_string(revoked.spec.to_local.value())},
            {"to_remote_msat", std::to_string(revoked.spec.to_remote.value())}, {"htlcs", htlcs}};
}

Result<json> resolve_spend(const channel::Channel& channel, const channel::ChannelSecrets& secrets,
                           const json& args, const bitcoin::Transaction& spend) {
    auto script = text_field(args, "sweep_script");
    auto feerate = field<uint32_t>(args, "feerate_per_kw");
    auto preimage_list = array_field(args, "preimages");
    auto revoked_list = array_field(args, "revoked");
    if (!script) return script.error();
    if (!feerate) return feerate.error();
    if (!preimage_list) return preimage_list.error();
    if (!revoked_list) return revoked_list.error();
    auto sweep_script = from_hex(*script);
    if (!sweep_script || sweep_script->empty()) return bad_args("sweep_script must be a script in hex");
    std::vector<Hash256> preimages;
    for (const json& p : **preimage_list) {
        if (!p.is_string()) return bad_args("preimages must be hex strings");
        auto bytes = hex_argument<32>(p.get_ref<const std::string&>(), "preimage");
        if (!bytes) return bytes.error();
        preimages.push_back(*bytes);
    }
    std::vector<channel::RemoteCommitmentRevoked> revoked;
    for (const json& r : **revoked_list) {
        auto record = revoked_record(r);
        if (!record) return record.error();
        revoked.push_back(std::move(*record));
    }
    auto htlc_txs = htlc_txs_argument(args);
    if (!htlc_txs) return htlc_txs.error();
    const channel::ResolverInputs inputs{channel, secrets, revoked, preimages, *sweep_script, *feerate};
    auto resolved = htlc_txs->empty() ? channel::resolve_funding_spend(inputs, spend)
                                      : channel::resolve_revoked_htlc_txs(inputs, spend, *htlc_txs);
    if (!resolved) return resolved.error();
    json txs = json::array();
    for (const channel::Resolution& r : resolved->to_broadcast) {
        int64_t sats = 0;
        for (const bitcoin::TxOut& out : r.tx.outputs) sats += out.value.value();
        txs.push_back({{"kind", channel::resolution_kind_name(r.kind)}, {"tx", to_hex(bitcoin::serialize(r.tx))},
                       {"txid", bitcoin::to_display_hex(bitcoin::txid(r.tx))},
                       {"parent_txid", bitcoin::to_display_hex(r.parent_txid)}, {"csv", r.csv}, {"cltv", r.cltv},
                       {"sats", sats}});
    }
    return json{{"kind", channel::spend_kind_name(resolved->kind)},
                {"spend_txid", bitcoin::to_display_hex(bitcoin::txid(spend))},
                {"commitment_number", std::to_string(resolved->commitment_number)},
                {"to_broadcast", txs},
                {"unresolved", resolved->unresolved}};
}

}  // namespace datt::wasm
