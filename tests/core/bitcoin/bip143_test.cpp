// Examples from BIP-143 ("Examples" section of bip-0143.mediawiki, read there): sighashes
// of P2SH-P2WPKH and native P2WSH inputs (OP_CODESEPARATOR, out-of-range SINGLE,
// SINGLE|ANYONECANPAY), and the signed transactions verifying through the interpreter.
#include <gtest/gtest.h>

#include "bitcoin/interpreter.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/sighash.h"
#include "bitcoin/tx.h"
#include "util/hex.h"

namespace datt::bitcoin {
namespace {

Bytes hex(std::string_view s) { return from_hex(s).value(); }
Transaction tx_of(std::string_view s) { return parse_transaction(hex(s)).value(); }

TEST(Bip143, P2shP2wpkhExample) {
    const Transaction unsigned_tx = tx_of(
        "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feff"
        "ffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f00000000"
        "1976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000");
    const SighashCache cache = make_sighash_cache(unsigned_tx);
    EXPECT_EQ(to_hex(cache.hash_prevouts), "b0287b4a252ac05af83d2dcef00ba313af78a3e9c329afa216eb3aa2a7b4613a");
    EXPECT_EQ(to_hex(cache.hash_sequence), "18606b350cd8bf565266bc352f0caddcf01e8fa789dd8a15386327cf8cabe198");
    EXPECT_EQ(to_hex(cache.hash_outputs), "de984f44532e2173ca0d64314fcefe6d30da6f8cf27bafa706da61df8a226c83");
    const Bytes script_code = hex("76a91479091972186c449eb1ded22b78e40d009bdf008988ac");
    const Sats amount{1'000'000'000};  // 10 BTC
    EXPECT_EQ(to_hex(segwit_v0_sighash(unsigned_tx, 0, script_code, amount, 1, &cache)),
              "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6");

    const Transaction signed_tx = tx_of(
        "01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001716"
        "001479091972186c449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0"
        "d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8a"
        "d6d77c88ac02473044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220"
        "217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb012103ad1d8e89212f0b92c74d"
        "23bb710c00662ad1470198ac48c43f7d6f93a2a2687392040000");
    const Bytes prevout = hex("a9144733f37cf4db86fbc2efed2500b4f4e49f31202387");
    EXPECT_EQ(verify_input(signed_tx, 0, prevout, amount, kStandardScriptFlags, nullptr), ScriptError::kOk);
    EXPECT_NE(verify_input(signed_tx, 0, prevout, Sats{999'999'999}, kStandardScriptFlags, nullptr),
              ScriptError::kOk);
    // The witness does not change the txid: only the scriptSig (the P2SH push) does.
    EXPECT_NE(wtxid(signed_tx), txid(signed_tx));
}

TEST(Bip143, NativeP2wshCodeSeparatorAndSingleWithoutOutput) {
    const Transaction tx = tx_of(
        "0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e0000000000ffffff"
        "ff0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffffffff0100f2"
        "052a010000001976a914a30741f8145e5acadf23f751864167f32e0963f788ac00000000");
    const Sats amount{4'900'000'000};  // 49 BTC
    // Before the OP_CODESEPARATOR runs, the whole witness script; after, what follows it.
    EXPECT_EQ(to_hex(segwit_v0_sighash(
                  tx, 1,
                  hex("21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab21"
                      "0255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"),
                  amount, 3, nullptr)),
              "82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391");
    EXPECT_EQ(to_hex(segwit_v0_sighash(
                  tx, 1, hex("210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"),
                  amount, 3, nullptr)),
              "fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47");

    const Transaction signed_tx = tx_of(
        "01000000000102fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e00000000484730"
        "4402200af4e47c9b9629dbecc21f73af989bdaa911f7e6f6c2e9394588a3aa68f81e9902204f3fcf6ade7e5abb12"
        "95b6774c8e0abd94ae62217367096bc02ee5e435b67da201ffffffff0815cf020f013ed6cf91d29f4202e8a58726"
        "b1ac6c79da47c23d1bee0a6925f80000000000ffffffff0100f2052a010000001976a914a30741f8145e5acadf23"
        "f751864167f32e0963f788ac000347304402200de66acf4527789bfda55fc5459e214fa6083f936b430a762c6296"
        "56216805ac0220396f550692cd347171cbc1ef1f51e15282e837bb2b30860dc77c8f78bc8501e503473044022027"
        "dc95ad6b740fe5129e7e62a75dd00f291a2aeb1200b84b09d9e3789406b6c002201a9ecd315dd6a0e632ab20bbb9"
        "8948bc0c6fb204f2c286963bb48517a7058e27034721026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf3"
        "52a58ac706453880aeadab210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"
        "00000000");
    const SighashCache cache = make_sighash_cache(signed_tx);
    EXPECT_EQ(verify_input(signed_tx, 0,
                           hex("21036d5c20fa14fb2f635474c1dc4ef5909d4568e5569b79fc94d3448486e14685f8ac"),
                           Sats{156'250'000}, kStandardScriptFlags, &cache),
              ScriptError::kOk);
    // Its witness script has an OP_CODESEPARATOR: valid by consensus and segwit's policy
    // (CONST_SCRIPTCODE concerns legacy scripts only).
    EXPECT_EQ(verify_input(signed_tx, 1,
                           hex("00205d1b56b63d714eebe542309525f484b7e9d6f686b3781b6f61ef925d66d6f6a0"),
                           amount, kStandardScriptFlags, &cache),
              ScriptError::kOk);
}

TEST(Bip143, SingleAnyoneCanPayDoesNotCommitToTheInputIndex) {
    const Transaction tx = tx_of(
        "0100000002e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffff"
        "ff80e68831516392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff028096"
        "9800000000001976a914de4b231626ef508c9a74a8517e6783c0546d6b2888ac80969800000000001976a91466"
        "48a8cd4531e1ec47f35916de8e259237294d1e88ac00000000");
    const Sats amount{16'777'215};
    EXPECT_EQ(to_hex(segwit_v0_sighash(
                  tx, 0,
                  hex("0063ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"),
                  amount, 0x83, nullptr)),
              "e9071e75e25b8a1e298a72f0d2e9f4f95a0f5cdf86a533cda597eb402ed13b3a");
    EXPECT_EQ(to_hex(segwit_v0_sighash(
                  tx, 1, hex("68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"),
                  amount, 0x83, nullptr)),
              "cd72f1f1a433ee9df816857fad88d8ebd97e09a75cd481583eb841c330275e54");
}

}  // namespace
}  // namespace datt::bitcoin
