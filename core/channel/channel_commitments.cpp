#include "channel/channel_commitments.h"

#include "channel/funding.h"
#include "channel/per_commitment_secret.h"

namespace datt::channel {

#define CHANNEL_TRY(var, expr)                      \
    auto var##_result = (expr);                     \
    if (!var##_result) return var##_result.error(); \
    auto var = std::move(var##_result).value()

Result<Hash256> local_secret(const ChannelSecrets& secrets, uint64_t number) {
    CHANNEL_TRY(index, commitment_index(number));
    return generate_per_commitment_secret(secrets.per_commitment_seed, index);
}

Result<std::vector<Hash256>> local_secrets(const ChannelSecrets& secrets, uint64_t first,
                                           uint64_t count) {
    if (count == 0 || first > kMaxCommitmentIndex - (count - 1)) {
        return make_error("channel_commitment_index_out_of_range",
                          "a commitment number has 48 bits");
    }
    CHANNEL_TRY(index, commitment_index(first));
    return generate_per_commitment_secrets(secrets.per_commitment_seed, index, count);
}

Result<crypto::PubKey> local_point(const ChannelSecrets& secrets, uint64_t number) {
    CHANNEL_TRY(secret, local_secret(secrets, number));
    return per_commitment_point(secret);
}

bitcoin::Script funding_script(const Channel& c) {
    return funding_witness_script(c.local_funding_pubkey, *c.remote_funding_pubkey);
}

std::vector<CommittedHtlc> committed_htlcs(const BalanceSpec& spec) {
    std::vector<CommittedHtlc> out;
    out.reserve(spec.htlcs.size());
    for (const HtlcEntry& h : spec.htlcs) {
        out.push_back(CommittedHtlc{h.direction, h.amount, h.payment_hash, h.cltv_expiry});
    }
    return out;
}

namespace {

CommitmentSpec local_spec(const Channel& c, const CommitmentKeys& keys, uint64_t number,
                          const BalanceSpec& balances) {
    return CommitmentSpec{.funding_outpoint = c.funding_outpoint,
                          .funding_amount = c.funding_amount,
                          .commitment_number = number,
                          .obscuring_factor = c.obscuring_factor,
                          .funder = c.we_are_funder ? Side::kLocal : Side::kRemote,
                          .to_local = balances.to_local,
                          .to_remote = balances.to_remote,
                          .feerate_per_kw = c.feerate_per_kw,
                          .dust_limit = c.local_config.dust_limit,
                          .to_self_delay = c.remote_config.to_self_delay,
                          .keys = keys,
                          .htlc_keys = std::nullopt,
                          .htlcs = committed_htlcs(balances)};
}

CommitmentSpec remote_spec(const Channel& c, const CommitmentKeys& keys, uint64_t number,
                           const BalanceSpec& balances) {
    return CommitmentSpec{.funding_outpoint = c.funding_outpoint,
                          .funding_amount = c.funding_amount,
                          .commitment_number = number,
                          .obscuring_factor = c.obscuring_factor,
                          .funder = c.we_are_funder ? Side::kRemote : Side::kLocal,
                          .to_local = balances.to_local,
                          .to_remote = balances.to_remote,
                          .feerate_per_kw = c.feerate_per_kw,
                          .dust_limit = c.remote_config.dust_limit,
                          .to_self_delay = c.local_config.to_self_delay,
                          .keys = keys,
                          .htlc_keys = std::nullopt,
                          .htlcs = committed_htlcs(balances)};
}

// `spec` with the HTLC keys from `derive` when an HTLC output needs them (a trimmed HTLC,
// every tip-sized one, does not: two point operations saved per commitment).
template <class Derive>
Result<CommitmentSpec> with_htlc_keys(CommitmentSpec spec, Derive derive) {
    if (!needs_htlc_keys(spec)) return spec;
    CHANNEL_TRY(htlc_keys, derive());
    spec.htlc_keys = htlc_keys;
    return spec;
}

}  // namespace

Result<CommitmentSpec> local_commitment_spec(const Channel& c, const crypto::PubKey& point,
                                             uint64_t number, const BalanceSpec& balances) {
    CHANNEL_TRY(keys, derive_commitment_keys(point, c.local_basepoints, *c.remote_basepoints));
    return with_htlc_keys(local_spec(c, keys, number, balances), [&] {
        return derive_htlc_keys(point, c.local_basepoints, *c.remote_basepoints);
    });
}

Result<CommitmentSpec> local_commitment_spec(const Channel& c, const ChannelSecrets& secrets,
                                             const Hash256& secret, const crypto::PubKey& point,
                                             uint64_t number, const BalanceSpec& balances) {
    const auto secret_key = crypto::SecretKey::from_bytes(secret);
    if (!secret_key) {
        return make_error("channel_bad_per_commitment_secret",
                          "the per-commitment secret is zero or not below the group order");
    }
    CHANNEL_TRY(keys, derive_local_commitment_keys(*secret_key, point, c.local_basepoints,
                                                   secrets.delayed_payment_basepoint_secret,
                                                   *c.remote_basepoints));
    return with_htlc_keys(local_spec(c, keys, number, balances), [&] {
        return derive_local_htlc_keys(point, c.local_basepoints, secrets.htlc_basepoint_secret,
                                      *c.remote_basepoints);
    });
}

Result<CommitmentSpec> remote_commitment_spec(const Channel& c, const crypto::PubKey& point,
                                              uint64_t number, const BalanceSpec& balances) {
    CHANNEL_TRY(keys, derive_commitment_keys(point, *c.remote_basepoints, c.local_basepoints));
    return with_htlc_keys(remote_spec(c, keys, number, balances), [&] {
        return derive_htlc_keys(point, *c.remote_basepoints, c.local_basepoints);
    });
}

Result<CommitmentSpec> remote_commitment_spec(const Channel& c, const ChannelSecrets& secrets,
                                              const crypto::PubKey& point, uint64_t number,
                                              const BalanceSpec& balances) {
    CHANNEL_TRY(keys, derive_remote_commitment_keys(point, *c.remote_basepoints, c.local_basepoints,
                                                    secrets.revocation_basepoint_secret));
    return with_htlc_keys(remote_spec(c, keys, number, balances), [&] {
        return derive_remote_htlc_keys(point, *c.remote_basepoints, c.local_basepoints,
                                       secrets.htlc_basepoint_secret);
    });
}

}  // namespace datt::channel
