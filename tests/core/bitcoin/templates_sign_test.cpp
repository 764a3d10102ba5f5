// Script templates, their recognition, and signing checked by the interpreter: every shape
// Datt builds is signed here and verified with all of the interpreter's flags (the
// consensus and standardness rules a node applies), and each spend fails when tampered with.
#include <gtest/gtest.h>

#include "bitcoin/interpreter.h"
#include "bitcoin/script.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sighash.h"
#include "bitcoin/sign.h"
#include "crypto/ecdsa.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

crypto::SecretKey key_from_byte(uint8_t b) {
    std::array<uint8_t, 32> bytes{};
    bytes[31] = b;
    return *crypto::SecretKey::from_bytes(bytes);
}

constexpr uint32_t kAllFlags = kStandardScriptFlags;

// One input spending `prevout_script` (amount `amount`), one output.
Transaction spend_of(uint32_t version = 2, uint32_t lock_time = 0,
                     uint32_t sequence = 0xfffffffd) {
    Transaction tx;
    tx.version = version;
    tx.lock_time = lock_time;
    TxIn in;
    in.prevout.txid.fill(0x42);
    in.prevout.index = 1;
    in.sequence = sequence;
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{Sats{90'000}, p2wpkh_script(Hash160{})});
    return tx;
}

TEST(Templates, StandardOutputsHaveTheirKnownBytesAndAreRecognised) {
    const Hash160 h = *from_hex_fixed<20>("751e76e8199196d454941c45d1b3a323f1433bd6");
    EXPECT_EQ(to_hex(p2pkh_script(h)), "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac");
    EXPECT_EQ(to_hex(p2sh_script(h)), "a914751e76e8199196d454941c45d1b3a323f1433bd687");
    // BIP-173's first P2WPKH example program.
    EXPECT_EQ(to_hex(p2wpkh_script(h)), "0014751e76e8199196d454941c45d1b3a323f1433bd6");
    EXPECT_EQ(match_p2pkh(p2pkh_script(h)), h);
    EXPECT_EQ(match_p2sh(p2sh_script(h)), h);
    EXPECT_EQ(match_p2wpkh(p2wpkh_script(h)), h);
    EXPECT_EQ(classify(p2pkh_script(h)), ScriptType::kP2pkh);
    EXPECT_EQ(classify(p2sh_script(h)), ScriptType::kP2sh);
    EXPECT_EQ(classify(p2wpkh_script(h)), ScriptType::kP2wpkh);
    Hash256 w{};
    w.fill(0x11);
    EXPECT_EQ(match_p2wsh(p2wsh_script(w)), w);
    EXPECT_EQ(classify(p2wsh_script(w)), ScriptType::kP2wsh);
    EXPECT_FALSE(match_p2wpkh(p2wsh_script(w)));
    EXPECT_EQ(classify(from_hex("5120" + std::string(64, 'a')).value()), ScriptType::kWitnessUnknown);
    EXPECT_EQ(classify(from_hex("76a9").value()), ScriptType::kNonStandard);
    // The compressed key of secret 1 is G: its HASH160 is well known.
    EXPECT_EQ(to_hex(*match_p2wpkh(p2wpkh_script(crypto::pubkey(key_from_byte(1))))),
              "751e76e8199196d454941c45d1b3a323f1433bd6");
}

TEST(Templates, MultisigBuildsAndMatchesWithinLimits) {
    std::vector<crypto::PubKey> keys;
    for (uint8_t i = 1; i <= 20; ++i) keys.push_back(crypto::pubkey(key_from_byte(i)));
    for (int n : {1, 3, 16, 17, 20}) {
        const std::span<const crypto::PubKey> some(keys.data(), static_cast<size_t>(n));
        auto script = multisig_script(n > 1 ? 2 : 1, some);
        ASSERT_TRUE(script.ok());
        auto matched = match_multisig(*script);
        ASSERT_TRUE(matched) << n;
        EXPECT_EQ(matched->required, n > 1 ? 2 : 1);
        ASSERT_EQ(matched->keys.size(), static_cast<size_t>(n));
        EXPECT_EQ(matched->keys.back(), keys[static_cast<size_t>(n - 1)]);
        EXPECT_EQ(classify(*script), ScriptType::kMultisig);
    }
    EXPECT_EQ(multisig_script(0, keys).error().code, "script_bad_multisig");
    EXPECT_EQ(multisig_script(3, std::span(keys.data(), 2)).error().code, "script_bad_multisig");
    keys.push_back(crypto::pubkey(key_from_byte(21)));
    EXPECT_EQ(multisig_script(1, keys).error().code, "script_bad_multisig");
}

TEST(Templates, FundingScriptSortsCompressedKeysLikeBolt3) {
    const crypto::PubKey a = crypto::pubkey(key_from_byte(7));
    const crypto::PubKey b = crypto::pubkey(key_from_byte(8));
    const Script ab = funding_2of2_script(a, b);
    EXPECT_EQ(ab, funding_2of2_script(b, a));
    auto matched = match_multisig(ab);
    ASSERT_TRUE(matched);
    EXPECT_EQ(matched->required, 2);
    ASSERT_EQ(matched->keys.size(), 2u);
    const auto k0 = matched->keys[0].compressed(), k1 = matched->keys[1].compressed();
    EXPECT_TRUE(std::lexicographical_compare(k0.begin(), k0.end(), k1.begin(), k1.end()));
    EXPECT_EQ(ab.size(), 71u);  // OP_2 <33> <33> OP_2 OP_CHECKMULTISIG
}

TEST(Templates, OpReturnIsLimitedToEightyBytes) {
    auto ok = op_return_script(Bytes(80, 0xab));
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->size(), 83u);  // OP_RETURN OP_PUSHDATA1 80 <80>
    EXPECT_EQ(match_op_return(*ok), Bytes(80, 0xab));
    EXPECT_EQ(classify(*ok), ScriptType::kNullData);
    EXPECT_EQ(op_return_script(Bytes(81, 0)).error().code, "script_op_return_too_large");
    EXPECT_EQ(match_op_return(Bytes{OP_RETURN}), Bytes{});
    EXPECT_FALSE(match_op_return(from_hex("6a0101" "0102").value()));  // two pushes
}

TEST(Templates, TimelockAndHashLockScriptsRoundTrip) {
    const crypto::PubKey a = crypto::pubkey(key_from_byte(3));
    const crypto::PubKey b = crypto::pubkey(key_from_byte(4));
    for (uint32_t lock : {0u, 16u, 17u, 144u, 500'000'000u, 0xffffffffu}) {
        auto cltv = match_cltv(cltv_script(lock, a));
        ASSERT_TRUE(cltv) << lock;
        EXPECT_EQ(cltv->lock, lock);
        EXPECT_EQ(cltv->key, a);
        EXPECT_FALSE(match_csv(cltv_script(lock, a)));
    }
    auto csv = csv_script(144, b);
    ASSERT_TRUE(csv.ok());
    EXPECT_EQ(match_csv(*csv)->lock, 144u);
    EXPECT_EQ(csv_script(kSequenceLockTimeDisableFlag | 5, b).error().code, "script_csv_disabled");

    Hash256 payment_hash{};
    payment_hash.fill(0x5a);
    const Script htlc = hash_lock_script(payment_hash, a, 700'000, b);
    auto matched = match_hash_lock(htlc);
    ASSERT_TRUE(matched);
    EXPECT_EQ(matched->payment_hash160, crypto::ripemd160(payment_hash));
    EXPECT_EQ(matched->recipient, a);
    EXPECT_EQ(matched->refund, b);
    EXPECT_EQ(matched->refund_lock_time, 700'000u);
    EXPECT_EQ(classify(htlc), ScriptType::kNonStandard);  // only spendable inside P2WSH/P2SH
}

TEST(Sign, SignaturesAreStrictDerLowSWithTheHashType) {
    const crypto::SecretKey key = key_from_byte(9);
    Hash256 sighash{};
    sighash.fill(0x33);
    for (uint8_t type : {0x01, 0x02, 0x03, 0x81, 0x82, 0x83}) {
        auto sig = sign_sighash(key, sighash, type);
        ASSERT_TRUE(sig.ok());
        EXPECT_EQ(sig->back(), type);
        EXPECT_TRUE(is_valid_signature_encoding(*sig));
        auto parsed = crypto::EcdsaSignature::parse_der(ByteSpan(*sig).first(sig->size() - 1));
        ASSERT_TRUE(parsed);
        EXPECT_TRUE(parsed->is_low_s());
        EXPECT_EQ(*sig, *sign_sighash(key, sighash, type));  // RFC 6979: deterministic
    }
    for (uint8_t type : {0x00, 0x04, 0x80, 0x84, 0x41}) {
        auto sig = sign_sighash(key, sighash, type);
        ASSERT_FALSE(sig.ok());
        EXPECT_EQ(sig.error().code, "sign_bad_hash_type");
    }
    Transaction tx = spend_of();
    EXPECT_EQ(sign_legacy_input(tx, 1, Bytes{}, key, 1).error().code, "sign_input_out_of_range");
    EXPECT_EQ(sign_p2wpkh_input(tx, 5, Sats{1}, key, 1, nullptr).error().code,
              "sign_input_out_of_range");
}

TEST(Sign, P2wpkhSpendVerifiesAndTamperingFails) {
    const crypto::SecretKey key = key_from_byte(10);
    const Script prevout = p2wpkh_script(crypto::pubkey(key));
    const Sats amount{100'000};
    Transaction tx = spend_of();
    const SighashCache cache = make_sighash_cache(tx);
    auto witness = sign_p2wpkh_input(tx, 0, amount, key, kSighashAll, &cache);
    ASSERT_TRUE(witness.ok());
    tx.inputs[0].witness = *witness;
    EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kOk);
    // BIP-143 commits to the amount: another amount fails (NULLFAIL, the signature not empty).
    EXPECT_EQ(verify_input(tx, 0, prevout, Sats{100'001}, kAllFlags, nullptr), ScriptError::kNullFail);
    EXPECT_EQ(verify_input(tx, 0, prevout, Sats{100'001}, kMandatoryScriptFlags, nullptr),
              ScriptError::kEvalFalse);
    Transaction changed = tx;
    changed.outputs[0].value = Sats{89'999};
    EXPECT_NE(verify_input(changed, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kOk);
    // Another key's program.
    EXPECT_EQ(verify_input(tx, 0, p2wpkh_script(crypto::pubkey(key_from_byte(11))), amount,
                           kAllFlags, nullptr),
              ScriptError::kEqualVerify);
}

TEST(Sign, P2pkhSpendVerifies) {
    const crypto::SecretKey key = key_from_byte(12);
    const Script prevout = p2pkh_script(crypto::pubkey(key));
    Transaction tx = spend_of(1);
    auto script_sig = sign_p2pkh_input(tx, 0, key, kSighashAll | kSighashAnyoneCanPay);
    ASSERT_TRUE(script_sig.ok());
    tx.inputs[0].script_sig = *script_sig;
    EXPECT_EQ(verify_input(tx, 0, prevout, Sats{0}, kAllFlags, nullptr), ScriptError::kOk);
    // ANYONECANPAY: other inputs may be added without breaking the signature.
    tx.inputs.push_back(tx.inputs[0]);
    tx.inputs[1].prevout.index = 7;
    EXPECT_EQ(verify_input(tx, 0, prevout, Sats{0}, kAllFlags, nullptr), ScriptError::kOk);
}

TEST(Sign, P2wsh2of2FundingSpendNeedsBothSignaturesInKeyOrder) {
    const crypto::SecretKey k1 = key_from_byte(21), k2 = key_from_byte(22);
    const crypto::PubKey p1 = crypto::pubkey(k1), p2 = crypto::pubkey(k2);
    const Script witness_script = funding_2of2_script(p1, p2);
    const Script prevout = p2wsh_script_for(witness_script);
    const Sats amount{1'000'000};
    Transaction tx = spend_of();
    auto s1 = sign_segwit_v0_input(tx, 0, witness_script, amount, k1, kSighashAll, nullptr);
    auto s2 = sign_segwit_v0_input(tx, 0, witness_script, amount, k2, kSighashAll, nullptr);
    ASSERT_TRUE(s1.ok() && s2.ok());
    const bool p1_first = match_multisig(witness_script)->keys[0] == p1;
    const Bytes& first = p1_first ? *s1 : *s2;
    const Bytes& second = p1_first ? *s2 : *s1;
    tx.inputs[0].witness = {Bytes{}, first, second, witness_script};
    EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kOk);
    tx.inputs[0].witness = {Bytes{}, second, first, witness_script};  // wrong order
    EXPECT_NE(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kOk);
    tx.inputs[0].witness = {Bytes{0x01}, first, second, witness_script};  // dummy not empty
    EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kSigNullDummy);
    tx.inputs[0].witness = {Bytes{}, first, second, Script{OP_1}};  // another script
    EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr),
              ScriptError::kWitnessProgramMismatch);
}

TEST(Sign, CltvSpendIsRefusedBeforeItsLockTime) {
    const crypto::SecretKey key = key_from_byte(31);
    const Script witness_script = cltv_script(800'000, crypto::pubkey(key));
    const Script prevout = p2wsh_script_for(witness_script);
    const Sats amount{50'000};
    for (uint32_t lock_time : {799'999u, 800'000u, 800'001u}) {
        Transaction tx = spend_of(2, lock_time);
        auto sig = sign_segwit_v0_input(tx, 0, witness_script, amount, key, kSighashAll, nullptr);
        ASSERT_TRUE(sig.ok());
        tx.inputs[0].witness = {*sig, witness_script};
        EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr),
                  lock_time < 800'000 ? ScriptError::kUnsatisfiedLocktime : ScriptError::kOk)
            << lock_time;
    }
    // A final sequence disables the lock time: CLTV refuses it.
    Transaction final_tx = spend_of(2, 900'000, kSequenceFinal);
    auto sig = sign_segwit_v0_input(final_tx, 0, witness_script, amount, key, kSighashAll, nullptr);
    final_tx.inputs[0].witness = {*sig, witness_script};
    EXPECT_EQ(verify_input(final_tx, 0, prevout, amount, kAllFlags, nullptr),
              ScriptError::kUnsatisfiedLocktime);
}

TEST(Sign, CsvSpendNeedsItsRelativeLock) {
    const crypto::SecretKey key = key_from_byte(32);
    const Script witness_script = *csv_script(144, crypto::pubkey(key));
    const Script prevout = p2wsh_script_for(witness_script);
    const Sats amount{50'000};
    for (auto [version, sequence, expected] :
         {std::tuple{2u, 144u, ScriptError::kOk}, std::tuple{2u, 143u, ScriptError::kUnsatisfiedLocktime},
          std::tuple{1u, 144u, ScriptError::kUnsatisfiedLocktime},
          std::tuple{2u, 144u | (1u << 22), ScriptError::kUnsatisfiedLocktime}}) {
        Transaction tx = spend_of(version, 0, sequence);
        auto sig = sign_segwit_v0_input(tx, 0, witness_script, amount, key, kSighashAll, nullptr);
        tx.inputs[0].witness = {*sig, witness_script};
        EXPECT_EQ(verify_input(tx, 0, prevout, amount, kAllFlags, nullptr), expected)
            << version << " " << sequence;
    }
}

TEST(Sign, HashLockSpendsByPreimageOrAfterTheRefundLock) {
    const crypto::SecretKey recipient = key_from_byte(41), refund = key_from_byte(42);
    Bytes preimage(32, 0x77);
    const Hash256 payment_hash = crypto::sha256(preimage);
    const Script witness_script =
        hash_lock_script(payment_hash, crypto::pubkey(recipient), 600'000, crypto::pubkey(refund));
    const Script prevout = p2wsh_script_for(witness_script);
    const Sats amount{20'000};

    Transaction claim = spend_of(2, 0);
    auto sig = sign_segwit_v0_input(claim, 0, witness_script, amount, recipient, kSighashAll, nullptr);
    claim.inputs[0].witness = {*sig, preimage, Bytes{1}, witness_script};
    EXPECT_EQ(verify_input(claim, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kOk);
    Bytes wrong = preimage;
    wrong[0] ^= 1;
    claim.inputs[0].witness = {*sig, wrong, Bytes{1}, witness_script};
    EXPECT_EQ(verify_input(claim, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kEqualVerify);
    claim.inputs[0].witness = {*sig, preimage, Bytes{2}, witness_script};  // not minimal IF
    EXPECT_EQ(verify_input(claim, 0, prevout, amount, kAllFlags, nullptr), ScriptError::kMinimalIf);

    for (uint32_t lock_time : {599'999u, 600'000u}) {
        Transaction back = spend_of(2, lock_time);
        auto refund_sig = sign_segwit_v0_input(back, 0, witness_script, amount, refund, kSighashAll, nullptr);
        back.inputs[0].witness = {*refund_sig, Bytes{}, witness_script};
        EXPECT_EQ(verify_input(back, 0, prevout, amount, kAllFlags, nullptr),
                  lock_time < 600'000 ? ScriptError::kUnsatisfiedLocktime : ScriptError::kOk);
    }
}

TEST(Interpreter, LimitsAreEnforced) {
    SignatureChecker none;
    auto run = [&](const Bytes& script) {
        ScriptStack stack;
        return eval_script(stack, script, kAllFlags, none, SigVersion::kBase);
    };
    EXPECT_EQ(run(Bytes(10'001, OP_NOP)), ScriptError::kScriptSize);
    EXPECT_EQ(run(Bytes(201, OP_NOP)), ScriptError::kOk);
    EXPECT_EQ(run(Bytes(202, OP_NOP)), ScriptError::kOpCount);
    Bytes big = {OP_PUSHDATA2, 0x09, 0x02};  // 521 bytes
    big.resize(big.size() + 521, 0);
    EXPECT_EQ(run(big), ScriptError::kPushSize);
    Bytes many(1000, OP_1);
    EXPECT_EQ(run(many), ScriptError::kOk);
    many.push_back(OP_1);
    EXPECT_EQ(run(many), ScriptError::kStackSize);
    Bytes alt(999, OP_1);
    alt.push_back(OP_TOALTSTACK);
    alt.push_back(OP_1);
    alt.push_back(OP_1);
    EXPECT_EQ(run(alt), ScriptError::kStackSize);
    // 21 keys in CHECKMULTISIG.
    EXPECT_EQ(run(ScriptBuilder().push_int(0).push_int(0).push_int(21).op(OP_CHECKMULTISIG).build().value()),
              ScriptError::kPubkeyCount);
}

}  // namespace
}  // namespace datt::bitcoin
