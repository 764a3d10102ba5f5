#include "channel/channel_scripts.h"

#include "bitcoin/opcodes.h"
#include "bitcoin/script.h"
#include "crypto/ripemd160.h"

namespace datt::channel {
namespace {

using bitcoin::ScriptBuilder;

// Every push here is at most 33 bytes, so build() cannot fail.
bitcoin::Script finish(const ScriptBuilder& builder) {
    return builder.build().value();
}

ByteArray<33> key_bytes(const crypto::PubKey& key) {
    return key.compressed();
}

// The revocation branch both HTLC scripts open with.
void revocation_check(ScriptBuilder& script, const crypto::PubKey& revocation_pubkey) {
    const auto revocation = key_bytes(revocation_pubkey);
    const auto revocation_hash = crypto::hash160(revocation);
    script.op(bitcoin::OP_DUP).op(bitcoin::OP_HASH160).push(revocation_hash).op(bitcoin::OP_EQUAL);
    script.op(bitcoin::OP_IF).op(bitcoin::OP_CHECKSIG);
}

}  // namespace

bitcoin::Script to_local_script(const crypto::PubKey& revocation_pubkey, uint16_t to_self_delay,
                                const crypto::PubKey& local_delayed_pubkey) {
    ScriptBuilder script;
    script.op(bitcoin::OP_IF).push(key_bytes(revocation_pubkey));
    script.op(bitcoin::OP_ELSE)
        .push_int(to_self_delay)
        .op(bitcoin::OP_CHECKSEQUENCEVERIFY)
        .op(bitcoin::OP_DROP)
        .push(key_bytes(local_delayed_pubkey));
    script.op(bitcoin::OP_ENDIF).op(bitcoin::OP_CHECKSIG);
    return finish(script);
}

bitcoin::Script offered_htlc_script(const crypto::PubKey& revocation_pubkey,
                                    const crypto::PubKey& local_htlc_pubkey,
                                    const crypto::PubKey& remote_htlc_pubkey,
                                    const Hash256& payment_hash) {
    ScriptBuilder script;
    revocation_check(script, revocation_pubkey);
    script.op(bitcoin::OP_ELSE)
        .push(key_bytes(remote_htlc_pubkey))
        .op(bitcoin::OP_SWAP)
        .op(bitcoin::OP_SIZE)
        .push_int(32)
        .op(bitcoin::OP_EQUAL);
    script.op(bitcoin::OP_NOTIF)
        .op(bitcoin::OP_DROP)
        .op(bitcoin::OP_2)
        .op(bitcoin::OP_SWAP)
        .push(key_bytes(local_htlc_pubkey))
        .op(bitcoin::OP_2)
        .op(bitcoin::OP_CHECKMULTISIG);
    script.op(bitcoin::OP_ELSE)
        .op(bitcoin::OP_HASH160)
        .push(crypto::ripemd160(payment_hash))
        .op(bitcoin::OP_EQUALVERIFY)
        .op(bitcoin::OP_CHECKSIG);
    script.op(bitcoin::OP_ENDIF).op(bitcoin::OP_ENDIF);
    return finish(script);
}

bitcoin::Script received_htlc_script(const crypto::PubKey& revocation_pubkey,
                                     const crypto::PubKey& local_htlc_pubkey,
                                     const crypto::PubKey& remote_htlc_pubkey,
                                     const Hash256& payment_hash, uint32_t cltv_expiry) {
    ScriptBuilder script;
    revocation_check(script, revocation_pubkey);
    script.op(bitcoin::OP_ELSE)
        .push(key_bytes(remote_htlc_pubkey))
        .op(bitcoin::OP_SWAP)
        .op(bitcoin::OP_SIZE)
        .push_int(32)
        .op(bitcoin::OP_EQUAL);
    script.op(bitcoin::OP_IF)
        .op(bitcoin::OP_HASH160)
        .push(crypto::ripemd160(payment_hash))
        .op(bitcoin::OP_EQUALVERIFY)
        .op(bitcoin::OP_2)
        .op(bitcoin::OP_SWAP)
        .push(key_bytes(local_htlc_pubkey))
        .op(bitcoin::OP_2)
        .op(bitcoin::OP_CHECKMULTISIG);
    script.op(bitcoin::OP_ELSE)
        .op(bitcoin::OP_DROP)
        .push_int(cltv_expiry)
        .op(bitcoin::OP_CHECKLOCKTIMEVERIFY)
        .op(bitcoin::OP_DROP)
        .op(bitcoin::OP_CHECKSIG);
    script.op(bitcoin::OP_ENDIF).op(bitcoin::OP_ENDIF);
    return finish(script);
}

}  // namespace datt::channel
