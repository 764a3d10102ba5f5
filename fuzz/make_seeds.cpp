// Writes the seed corpora in fuzz/corpus/<target>/: a few valid inputs made with the core
// itself (so they stay valid when the formats are checked more strictly) and a few
// hostile ones. Deterministic: fixed keys, zero aux randomness. Run by hand:
//   build/fuzz/fuzz/datt_fuzz_seeds fuzz/corpus
// The seeds only steer the fuzzer; no assertion trusts them.
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bip32/derive.h"
#include "bip32/serialize.h"
#include "bip39/mnemonic.h"
#include "bitcoin/address.h"
#include "bitcoin/header.h"
#include "bitcoin/merkle_block.h"
#include "bitcoin/network.h"
#include "bitcoin/script.h"
#include "bitcoin/script_flags.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/sign.h"
#include "bitcoin/tx.h"
#include "chain/chain_tag.h"
#include "channel/channel_frame.h"
#include "channel/channel_scripts.h"
#include "channel/hop_payload.h"
#include "channel/channel_state_codec.h"
#include "channel/messages.h"
#include "support/channel_pair.h"
#include "chain/fork_proof.h"
#include "crypto/ecdsa.h"
#include "crypto/secp256k1.h"
#include "crypto/sha256.h"
#include "encoding/base58.h"
#include "invoice/encode.h"
#include "encoding/bech32.h"
#include "event/event.h"
#include "negentropy_sets.h"
#include "sync/item_set.h"
#include "sync/session.h"
#include "util/byte_writer.h"
#include "util/hex.h"
#include "util/varint.h"

namespace {

namespace fs = std::filesystem;
using datt::Bytes;
using datt::event::Draft;
using datt::event::Event;

fs::path g_root;

void write_seed(std::string_view target, std::string_view name, std::string_view bytes) {
    const fs::path dir = g_root / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

void write_seed(std::string_view target, std::string_view name, const Bytes& bytes) {
    write_seed(target, name,
               std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

datt::crypto::SecretKey key_from_byte(uint8_t fill) {
    std::array<uint8_t, 32> bytes{};
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(fill + i);
    return *datt::crypto::SecretKey::from_bytes(bytes);
}

Event sign(const Draft& draft, uint8_t key_fill) {
    const std::array<uint8_t, 32> aux{};
    auto event = Event::sign(draft, key_from_byte(key_fill), aux);
    if (!event) {
        std::fprintf(stderr, "cannot sign a seed: %s\n", event.error().message.c_str());
        std::exit(1);
    }
    return *event;
}

// A JSON string with every character written as a \u escape (surrogate pairs above
// U+FFFF): the same value as the minimal escaping, so the id stays valid.
std::string escape_everything(std::string_view text) {
    std::string out = "\"";
    char buffer[8];
    auto put = [&](unsigned unit) {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", unit);
        out += buffer;
    };
    for (size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
        unsigned point = length == 1 ? lead : lead & (0x7f >> length);
        for (size_t k = 1; k < length; ++k) point = point << 6 | (text[i + k] & 0x3f);
        if (point > 0xffff) {
            point -= 0x10000;
            put(0xd800 + (point >> 10));
            put(0xdc00 + (point & 0x3ff));
        } else {
            put(point);
        }
        i += length;
    }
    return out + "\"";
}

// The event with its members reordered, whitespace between tokens, an unknown nested
// member and every string character escaped: a generic parser reads the same event.
std::string rewritten_json(const Event& event) {
    std::string tags = "[";
    for (size_t t = 0; t < event.tags().size(); ++t) {
        tags += t ? " , [" : "[";
        for (size_t v = 0; v < event.tags()[t].size(); ++v) {
            tags += (v ? ", " : "") + escape_everything(event.tags()[t][v]);
        }
        tags += "]";
    }
    tags += "]";
    return "{\n  \"sig\" : \"" + datt::to_hex(event.sig()) +
           "\",\n  \"extra\": [{\"a\": [1, 2.5e3, null, true]}],\n  \"content\": " +
           escape_everything(event.content()) + ",\n  \"tags\": " + tags +
           ",\n  \"kind\": " + std::to_string(event.kind()) +
           ", \"created_at\": " + std::to_string(event.created_at()) + ",\r\n\t\"pubkey\": \"" +
           datt::to_hex(event.pubkey()) + "\", \"id\": \"" + datt::to_hex(event.id()) + "\"}\n";
}

std::string replace_first(std::string text, std::string_view from, std::string_view to) {
    const size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

const Draft& typical_comment() {
    // The kind-1111 reply (NIP-22) that bench/ also measures: 5 tags, about 300 bytes.
    static const Draft draft{
        1735689600,
        datt::event::kinds::kComment,
        {{"A", "34550:" + std::string(64, 'a') + ":datt", "wss://relay.example"},
         {"K", "34550"},
         {"e", std::string(64, 'e'), "wss://relay.example", "root"},
         {"k", "1111"},
         {"p", std::string(64, 'b')}},
        "A first comment, with a link https://example.com/a?b=c and some emphasis."};
    return draft;
}

const Draft& awkward_text() {
    std::string controls;
    for (char c = 1; c < 0x20; ++c) controls += c;
    static const Draft draft{
        0,
        1,
        {{}, {""}, {"t", "caf\xc3\xa9", "\xf0\x9f\x98\x80"}, {"x", "a\"b\\c/d\x7f"}},
        controls + std::string("\0nul", 4) + " \xe2\x80\xa8 line sep, \xef\xbf\xbf max BMP"};
    return draft;
}

void event_parse_seeds() {
    const char* target = "fuzz_event_parse";
    const Event comment = sign(typical_comment(), 1);
    const Event awkward = sign(awkward_text(), 2);
    const Event empty = sign(Draft{0, 0, {}, ""}, 3);
    const Event extremes = sign(Draft{0xffffffffLL, 65535, {{"d", ""}}, "x"}, 4);
    write_seed(target, "valid_comment.json", comment.to_json());
    write_seed(target, "valid_awkward_text.json", awkward.to_json());
    write_seed(target, "valid_empty.json", empty.to_json());
    write_seed(target, "valid_extremes.json", extremes.to_json());
    write_seed(target, "valid_rewritten.json", rewritten_json(awkward));
    write_seed(target, "valid_rewritten_comment.json", rewritten_json(comment));

    const std::string json = comment.to_json();
    const std::string sig_hex = datt::to_hex(comment.sig());
    std::string flipped_sig = sig_hex;
    flipped_sig[10] = flipped_sig[10] == '0' ? '1' : '0';
    write_seed(target, "bad_signature.json", replace_first(json, sig_hex, flipped_sig));
    write_seed(target, "id_mismatch.json", replace_first(json, "A first", "A frist"));
    write_seed(target, "duplicate_kind.json",
               replace_first(json, "\"kind\":", "\"kind\":1,\"kind\":"));
    write_seed(target, "deep_extra.json",
               replace_first(json, "{", "{\"x\":[[[[[[[[[[[[{\"y\":[]}]]]]]]]]]]]],"));
    write_seed(target, "huge_created_at.json",
               replace_first(json, "1735689600", "1735689600000000000000000000"));
    write_seed(target, "float_kind.json", replace_first(json, "1111,", "1111.0,"));
    write_seed(target, "upper_hex_id.json",
               replace_first(json, datt::to_hex(comment.id()), std::string(64, 'A')));
    write_seed(target, "invalid_utf8.json", replace_first(json, "A first", "A \xc3\x28 first"));
    write_seed(target, "lone_surrogate.json", replace_first(json, "A first", "A \\ud800 first"));
    write_seed(target, "tags_not_array.json",
               replace_first(json, "\"tags\":[", "\"tags\":\"[\",\"x\":["));
    write_seed(target, "truncated.json", json.substr(0, json.size() / 2));
    write_seed(target, "array.json", "[" + json + "]");
}

void event_draft_seeds() {
    const char* target = "fuzz_event_draft";
    write_seed(
        target, "template.json",
        R"({"kind":1111,"created_at":1735689600,"tags":[["K","34550"],["e","00","","root"]],"content":"hello"})");
    write_seed(
        target, "template_with_signature_fields.json",
        R"({"id":"zz","pubkey":1,"sig":null,"kind":0,"created_at":0,"tags":[],"content":"{\"name\":\"x\"}"})");
    write_seed(
        target, "template_escapes.json",
        R"({"content":"\u0000\u001f\"\\\/\b\f\n\r\t\ud83d\ude00","tags":[["\u00e9"]],"kind":65535,"created_at":4294967295})");
    write_seed(target, "negative_kind.json",
               R"({"kind":-1,"created_at":0,"tags":[],"content":""})");
    write_seed(target, "missing_content.json", R"({"kind":1,"created_at":0,"tags":[]})");
    write_seed(target, "tag_not_strings.json",
               R"({"kind":1,"created_at":0,"tags":[[1]],"content":""})");
}

// Boundary values of each varint, one after another, and the cut and padded forms.
void codec_seeds() {
    const char* target = "fuzz_codec";
    const uint64_t boundaries[] = {0,          0x7f,        0x80,        0xfc,
                                   0xfd,       0xffff,      0x10000,     0x02000000,
                                   0x02000001, 0xffffffff,  0x100000000, UINT64_MAX};
    datt::ByteWriter compact, big, nip77;
    for (uint64_t value : boundaries) {
        datt::write_compact_size(compact, value);
        datt::write_big_size(big, value);
        datt::write_nip77_varint(nip77, value);
    }
    write_seed(target, "compact_sizes.bin", compact.bytes());
    write_seed(target, "big_sizes.bin", big.bytes());
    write_seed(target, "nip77_varints.bin", nip77.bytes());
    write_seed(target, "non_canonical.bin", Bytes{0xfd, 0xfc, 0x00, 0x80, 0x00, 0xfe, 0xff, 0xff});
    write_seed(target, "cut.bin", Bytes{0xff, 0x01, 0x02, 0x03});
}

// Real conversations about the fuzzer's own sets (fuzz/negentropy_sets.h), with and
// without a frame size limit, and a few messages of other shapes.
void negentropy_seeds() {
    const char* target = "fuzz_negentropy";
    using namespace datt::sync;
    auto responder_set = std::make_shared<const ItemSet>(
        *ItemSet::from_items(datt::fuzz::negentropy_responder_items()));
    auto initiator_set = std::make_shared<const ItemSet>(
        *ItemSet::from_items(datt::fuzz::negentropy_initiator_items()));
    for (uint64_t limit : {uint64_t{0}, uint64_t{4096}}) {
        const auto initiator = *Initiator::create(initiator_set, {.frame_size_limit = limit});
        const auto responder = *Responder::create(responder_set, {.frame_size_limit = limit});
        Bytes message = initiator.initiate();
        for (int round = 0; round < 4; ++round) {
            const std::string name = "limit" + std::to_string(limit) + "_round" + std::to_string(round);
            write_seed(target, name + "_initiator.bin", message);
            const Bytes reply = *responder.reconcile(message);
            write_seed(target, name + "_responder.bin", reply);
            auto step = initiator.reconcile(reply);
            if (!step->next) break;
            message = *step->next;
        }
    }
    write_seed(target, "empty_universe.bin", Bytes{0x61, 0x00, 0x00, 0x02, 0x00});
    write_seed(target, "version_2.bin", Bytes{0x62, 0xaa, 0xbb});
    write_seed(target, "bad_mode.bin", Bytes{0x61, 0x00, 0x00, 0x03});
    write_seed(target, "prefix_going_down.bin",
               Bytes{0x61, 0x05, 0x01, 0x80, 0x00, 0x01, 0x01, 0x10, 0x00});
}

// A strict DER signature, its high-S twin, and forms only the lax parser takes.
void ecdsa_der_seeds() {
    const char* target = "fuzz_ecdsa_der";
    const auto hash = datt::crypto::sha256(datt::as_bytes("fuzz seed"));
    const auto sig = datt::crypto::ecdsa_sign(key_from_byte(1), hash);
    const Bytes der = sig.serialize_der();
    write_seed(target, "strict.der", der);
    // Long-form sequence length: 0x30 0x81 len ...
    Bytes long_form = {0x30, 0x81};
    long_form.insert(long_form.end(), der.begin() + 1, der.end());
    write_seed(target, "long_form_length.der", long_form);
    Bytes trailing = der;
    trailing.push_back(0x01);
    write_seed(target, "trailing_byte.der", trailing);
    // s padded with a needless zero byte.
    Bytes padded(der.begin(), der.end());
    const size_t s_tag = 4 + der[3];
    padded.insert(padded.begin() + static_cast<long>(s_tag) + 2, 0x00);
    padded[s_tag + 1] += 1;
    padded[1] += 1;
    write_seed(target, "padded_s.der", padded);
    write_seed(target, "zero_values.der", Bytes{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00});
    write_seed(target, "empty_integers.der", Bytes{0x30, 0x04, 0x02, 0x00, 0x02, 0x00});
}

void hex_seeds() {
    const char* target = "fuzz_hex";
    write_seed(target, "lower.txt", "00ff10a0");
    write_seed(target, "mixed_case.txt", "DEADbeef");
    write_seed(target, "odd.txt", "abc");
    write_seed(target, "prefix.txt", "0x12");
    write_seed(target, "key.txt", std::string(64, 'f'));
}

void bip32_seeds() {
    const char* target = "fuzz_bip32_decode";
    Bytes seed(32);
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i * 7);
    const auto master = *datt::bip32::master_from_seed(seed);
    const auto child = *datt::bip32::derive_path(master, "m/44'/1237'/0'/0/5");
    namespace bip32 = datt::bip32;
    write_seed(target, "master_xprv.txt", bip32::encode(master, bip32::kMainnetVersions));
    write_seed(target, "master_xpub.txt",
               bip32::encode(bip32::neuter(master), bip32::kMainnetVersions));
    write_seed(target, "child_tprv.txt", bip32::encode(child, bip32::kTestnetVersions));
    write_seed(target, "child_xpub.txt",
               bip32::encode(bip32::neuter(child), bip32::kMainnetVersions));
    std::string bad_checksum = bip32::encode(master, bip32::kMainnetVersions);
    bad_checksum.back() = bad_checksum.back() == 'a' ? 'b' : 'a';
    write_seed(target, "bad_checksum.txt", bad_checksum);
    // Raw 78-byte payloads (the target also wraps its input in Base58Check).
    auto payload =
        *datt::encoding::base58check_decode(bip32::encode(child, bip32::kMainnetVersions));
    write_seed(target, "payload_xprv.bin", payload);
    payload = *datt::encoding::base58check_decode(
        bip32::encode(bip32::neuter(master), bip32::kMainnetVersions));
    write_seed(target, "payload_xpub.bin", payload);
}

void mnemonic_seeds() {
    const char* target = "fuzz_mnemonic";
    Bytes entropy(32);
    for (size_t i = 0; i < entropy.size(); ++i) entropy[i] = static_cast<uint8_t>(0x5a ^ i * 13);
    const std::string words24 = *datt::bip39::entropy_to_mnemonic(entropy);
    const std::string words12 =
        *datt::bip39::entropy_to_mnemonic(datt::ByteSpan(entropy).first(16));
    write_seed(target, "valid_12.txt", words12);
    write_seed(target, "valid_24.txt", words24);
    write_seed(target, "double_space.txt", replace_first(words12, " ", "  "));
    write_seed(target, "unknown_word.txt", replace_first(words12, " ", " zzzz "));
    write_seed(target, "entropy_20.bin", Bytes(20, 0xa5));
}

void base58_seeds() {
    const char* target = "fuzz_base58";
    write_seed(target, "check.txt", datt::encoding::base58check_encode(Bytes{0x00, 1, 2, 3, 4}));
    write_seed(target, "ones.txt", "1112");
    write_seed(target, "not_alphabet.txt", "0OIl");
    write_seed(target, "bytes.bin", Bytes{0, 0, 0xff, 0x10, 0x80});
}

void bech32_seeds() {
    const char* target = "fuzz_bech32";
    namespace enc = datt::encoding;
    write_seed(target, "segwit_v0.txt", *enc::segwit_address_encode("bc", 0, Bytes(20, 0x75)));
    write_seed(target, "segwit_v1.txt", *enc::segwit_address_encode("bc", 1, Bytes(32, 0x79)));
    const Bytes npub_data = *enc::convert_bits(Bytes(32, 0x3c), 8, 5, true);
    write_seed(target, "npub.txt",
               *enc::bech32_encode(enc::Bech32Variant::kBech32, "npub", npub_data));
    std::string upper = *enc::segwit_address_encode("bc", 0, Bytes(32, 0x01));
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    write_seed(target, "segwit_upper.txt", upper);
    write_seed(target, "mixed_case.txt", "bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    write_seed(target, "no_separator.txt", "qpzry9x8gf2tvdw0s3jn54khce6mua7l");
}

void proto_seeds() {
    const std::string event = sign(typical_comment(), 1).to_json();
    const std::string filter =
        R"({"ids":[")" + std::string(64, 'a') + R"("],"authors":[")" + std::string(64, 'b') +
        R"("],"kinds":[1,1111,65535],"#e":["x",""],"#K":["34550"],"since":0,"until":4294967295,"limit":50,"search":"bitcoin fees"})";
    write_seed("fuzz_client_message", "event.json", "[\"EVENT\"," + event + "]");
    write_seed("fuzz_client_message", "event_spaced.json", " [ \"EVENT\" ,\n" + event + " ]\n");
    write_seed("fuzz_client_message", "req.json",
               R"(["REQ","sub-1",)" + filter + R"(,{"kinds":[0]}])");
    write_seed("fuzz_client_message", "count.json", R"(["COUNT","c",{"#t":["nostr"],"limit":0}])");
    write_seed("fuzz_client_message", "close.json", R"(["CLOSE","sub-1"])");
    write_seed("fuzz_client_message", "unknown_type.json", R"(["AUTH","challenge"])");
    write_seed("fuzz_client_message", "bad_filter.json", R"(["REQ","s",{"ids":["ABC"]},{"x":1}])");
    write_seed("fuzz_client_message", "long_sub_id.json",
               R"(["REQ",")" + std::string(65, 's') + R"(",{}])");
    write_seed("fuzz_filter", "full.json", filter);
    write_seed("fuzz_filter", "empty.json", "{}");
    write_seed("fuzz_filter", "huge_numbers.json",
               R"({"since":18446744073709551615,"limit":1e3,"kinds":[-1]})");
    write_seed("fuzz_filter", "unknown_member.json", R"({"#ab":["x"],"ids":"a"})");
}


// core/bitcoin: a signed segwit spend, a signed legacy spend, hostile counts and flags.
void bitcoin_tx_seeds() {
    using namespace datt::bitcoin;
    const datt::crypto::SecretKey key = key_from_byte(0x31);
    const datt::crypto::PubKey pub = datt::crypto::pubkey(key);
    Transaction tx;
    TxIn in;
    in.prevout.txid.fill(0x42);
    in.sequence = 0xfffffffd;
    tx.inputs.push_back(in);
    tx.outputs.push_back(TxOut{Sats{90'000}, p2wpkh_script(pub)});
    tx.outputs.push_back(TxOut{Sats{0}, op_return_script(datt::as_bytes("datt")).value()});
    Transaction legacy = tx;
    tx.inputs[0].witness = sign_p2wpkh_input(tx, 0, Sats{100'000}, key, kSighashAll, nullptr).value();
    legacy.inputs[0].script_sig = sign_p2pkh_input(legacy, 0, key, kSighashAll).value();
    write_seed("fuzz_tx_parse", "p2wpkh_spend", serialize(tx));
    write_seed("fuzz_tx_parse", "p2pkh_spend", serialize(legacy));
    write_seed("fuzz_tx_parse", "huge_input_count", datt::from_hex("01000000feffffffff00").value());
    write_seed("fuzz_tx_parse", "superfluous_witness",
               datt::from_hex("01000000" "0001" "01" + std::string(64, '4') + "00000000" "00" "00000000"
                              "01" "0000000000000000" "00" "00" "00000000")
                   .value());

    const datt::crypto::PubKey other = datt::crypto::pubkey(key_from_byte(0x32));
    datt::Hash256 payment_hash{};
    payment_hash.fill(0x5a);
    const std::vector<datt::crypto::PubKey> keys = {pub, other};
    write_seed("fuzz_script", "p2pkh", p2pkh_script(pub));
    write_seed("fuzz_script", "multisig", multisig_script(1, keys).value());
    write_seed("fuzz_script", "funding", funding_2of2_script(pub, other));
    write_seed("fuzz_script", "hash_lock", hash_lock_script(payment_hash, pub, 600'000, other));
    write_seed("fuzz_script", "cltv", cltv_script(800'000, pub));
    write_seed("fuzz_script", "csv", csv_script(144, pub).value());
    write_seed("fuzz_script", "truncated_push", datt::from_hex("4c05aabb").value());

    // Interpreter input: flags:u32le, then scriptSig 0xfffe scriptPubKey 0xfffe witness items.
    auto interpreter_seed = [](std::string_view name, uint32_t flags, std::vector<Bytes> items) {
        datt::ByteWriter w;
        w.write_u32_le(flags);
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) w.write_u8(0xff).write_u8(0xfe);
            w.write_bytes(items[i]);
        }
        write_seed("fuzz_interpreter", name, w.bytes());
    };
    const Bytes witness_script = hash_lock_script(payment_hash, pub, 600'000, other);
    interpreter_seed("p2wpkh", kStandardScriptFlags,
                     {Bytes{}, p2wpkh_script(pub), tx.inputs[0].witness[0], tx.inputs[0].witness[1]});
    interpreter_seed("p2pkh", kStandardScriptFlags, {legacy.inputs[0].script_sig, p2pkh_script(pub)});
    interpreter_seed("p2wsh_hash_lock", kStandardScriptFlags,
                     {Bytes{}, p2wsh_script_for(witness_script), Bytes{0x02}, Bytes(32, 0x77),
                      Bytes{0x01}, witness_script});
    interpreter_seed("arithmetic", 0,
                     {datt::from_hex("5152935387").value(), datt::from_hex("69516393670068").value()});

    write_seed("fuzz_script_signature", "der",
               Bytes(tx.inputs[0].witness[0].begin(), tx.inputs[0].witness[0].end() - 1));
}

void bitcoin_seeds() {
    namespace btc = datt::bitcoin;
    const auto genesis = btc::serialize_block_header(btc::mainnet().genesis);
    const Bytes genesis_bytes(genesis.begin(), genesis.end());
    write_seed("fuzz_block_header", "genesis.bin", genesis_bytes);
    Bytes two = genesis_bytes;
    const auto regtest_genesis = btc::serialize_block_header(btc::regtest().genesis);
    two.insert(two.end(), regtest_genesis.begin(), regtest_genesis.end());
    write_seed("fuzz_block_header", "two_headers.bin", two);
    write_seed("fuzz_block_header", "short.bin", Bytes(genesis.begin(), genesis.end() - 1));

    // Network byte, split byte, then (time step, bits choice, version, tamper) records.
    Bytes chain{0, 3};
    for (uint8_t i = 0; i < 12; ++i) chain.insert(chain.end(), {100, 0, 0, 0});
    write_seed("fuzz_header_chain", "regtest_valid.bin", chain);
    chain[0] = 2;  // easy testnet: late and prompt blocks, min-difficulty and regular bits
    for (uint8_t i = 0; i < 12; ++i)
        chain.insert(chain.end(),
                     {static_cast<uint8_t>(1 + 2 * (i % 2)), static_cast<uint8_t>(i % 4), 1, 0});
    write_seed("fuzz_header_chain", "testnet_mixed.bin", chain);
    Bytes tampered{1, 5};
    for (uint8_t tamper = 0; tamper < 4; ++tamper)
        tampered.insert(tampered.end(), {50, 0, 4, tamper});
    write_seed("fuzz_header_chain", "bcoin_tampered.bin", tampered);

    std::vector<datt::Hash256> txids(9);
    for (size_t i = 0; i < txids.size(); ++i) txids[i].fill(static_cast<uint8_t>(i + 1));
    std::vector<bool> matches(txids.size(), false);
    matches[2] = matches[8] = true;
    const auto tree = *btc::PartialMerkleTree::build(txids, matches);
    btc::BlockHeader header = btc::mainnet().genesis;
    header.merkle_root = tree.root();
    write_seed("fuzz_merkle_block", "merkle_block.bin",
               btc::MerkleBlock::from_parts(header, tree).serialize());
    write_seed("fuzz_merkle_block", "tree.bin", tree.serialize());
    write_seed("fuzz_merkle_block", "wrong_root.bin",
               btc::MerkleBlock::from_parts(btc::mainnet().genesis, tree).serialize());

    write_seed("fuzz_address", "p2pkh.txt", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    write_seed("fuzz_address", "p2sh_testnet.txt", "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc");
    write_seed("fuzz_address", "p2wpkh_bcrt.txt", "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080");
    write_seed("fuzz_address", "p2tr_rb.txt",
               "rb1prp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qr7cmp4");
    write_seed("fuzz_address", "p2wsh_upper.txt",
               "TB1QRP33G0Q5C5TXSP9ARYSRX4K6ZDKFS4NCE4XJ0GDCCCEFVPYSXF3Q0SL5K7");
    write_seed("fuzz_address", "script_p2pkh.bin",
               *datt::from_hex("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"));
    write_seed("fuzz_address", "script_v1.bin", *datt::from_hex("5120" + std::string(64, '7')));
}

void event_address_seeds() {
    const std::string pubkey(64, 'a');
    write_seed("fuzz_event_address", "community.txt", "34550:" + pubkey + ":bitcoin");
    write_seed("fuzz_event_address", "replaceable.txt", "10002:" + pubkey + ":");
    write_seed("fuzz_event_address", "colons_in_d.txt", "30023:" + pubkey + ":a:b:");
    write_seed("fuzz_event_address", "regular_kind.txt", "1:" + pubkey + ":x");
}

void chain_seeds() {
    const std::string id(32, 'c');
    const std::string prev(64, 'd');
    const auto tag = [](std::initializer_list<std::string_view> parts) {
        std::string out;
        bool first = true;
        for (std::string_view part : parts) {
            if (!first) out += '\0';  // fuzz_chain_tag splits the input at NUL bytes
            out += part;
            first = false;
        }
        return out;
    };
    write_seed("fuzz_chain_tag", "genesis.bin", tag({"chain", id, "0"}));
    write_seed("fuzz_chain_tag", "later.bin", tag({"chain", id, "42", prev}));
    write_seed("fuzz_chain_tag", "max_seq.bin", tag({"chain", id, "9007199254740991", prev}));
    write_seed("fuzz_chain_tag", "leading_zero.bin", tag({"chain", id, "042", prev}));
    write_seed("fuzz_chain_tag", "prev_at_zero.bin", tag({"chain", id, "0", prev}));

    // One device's chain and a clone of it (the same chain id on two devices): a fork.
    const auto chained = [](std::string content, uint64_t seq, const std::optional<datt::Hash256>& p) {
        std::array<uint8_t, 16> random{};
        random.fill(7);
        const auto chain = datt::chain::ChainId::from_random(random);
        Draft draft = typical_comment();
        draft.content = std::move(content);
        draft.tags.push_back(datt::chain::ChainTag::make(chain, seq, p)->to_tag());
        return sign(draft, 5);
    };
    const Event a0 = chained("a0", 0, std::nullopt);
    const Event a1 = chained("a1", 1, a0.id());
    const Event b1 = chained("b1", 1, a0.id());
    const Event b2 = chained("b2", 2, b1.id());
    const auto same = datt::chain::ForkProof::make(a1, b1);
    const auto broken = datt::chain::ForkProof::make(a1, b2);
    write_seed("fuzz_fork_proof", "same_position.json", same->to_json());
    write_seed("fuzz_fork_proof", "broken_link.json", broken->to_json());
    write_seed("fuzz_fork_proof", "reversed.json", "[" + b1.to_json() + " , " + a1.to_json() + "]");
    write_seed("fuzz_fork_proof", "consistent.json", "[" + a0.to_json() + "," + a1.to_json() + "]");
    write_seed("fuzz_fork_proof", "tampered.json", replace_first(same->to_json(), "\"a1\"", "\"a2\""));
}


// BOLT-11 invoices signed with a fixed key: every field kind, and a few hostile strings.
void invoice_seeds() {
    datt::Hash256 secret{};
    secret.fill(0x21);
    const auto key = *datt::crypto::SecretKey::from_bytes(secret);
    datt::invoice::InvoiceFields f;
    f.timestamp = 1'733'000'000;
    f.payment_hash.fill(0x01);
    f.payment_secret.fill(0x11);
    f.description = "coffee";
    f.features = *datt::invoice::FeatureBits::from_bits({8, 14});
    write_seed("fuzz_invoice", "minimal.txt", *datt::invoice::encode_invoice(f, key));
    f.currency = datt::invoice::Currency::kRegtest;
    f.amount = datt::bitcoin::Msats{1'234'567};
    f.expiry = 600;
    f.min_final_cltv_expiry = 40;
    f.include_payee = true;
    f.metadata = datt::Bytes{1, 0xfa, 0xfa, 0xf0};
    f.features = *datt::invoice::FeatureBits::from_bits({8, 14, 17, 99});
    f.fallbacks = {datt::invoice::Fallback{0, datt::Bytes(20, 7)}, datt::invoice::Fallback{17, datt::Bytes(20, 8)}};
    datt::invoice::RouteHop hop{};
    hop.pubkey = datt::crypto::pubkey(key).compressed();
    hop.short_channel_id = 0x0102030405060708;
    hop.fee_base_msat = 1;
    hop.fee_proportional_millionths = 20;
    hop.cltv_expiry_delta = 3;
    f.routes = {{hop, hop}};
    write_seed("fuzz_invoice", "every_field.txt", *datt::invoice::encode_invoice(f, key));
    f.description.reset();
    f.description_hash = datt::Hash256{};
    f.currency = datt::invoice::Currency::kSimnet;
    f.fallbacks.clear();
    write_seed("fuzz_invoice", "hash_simnet.txt", *datt::invoice::encode_invoice(f, key));
    write_seed("fuzz_invoice", "no_separator.txt", "lnbc2500u");
    write_seed("fuzz_invoice", "bad_multiplier.txt", "lnbc2500x1pvjluez");
}

}  // namespace

// One of each channel message (valid points and signatures, TLVs known and unknown odd),
// and a few hostile ones.
void channel_seeds() {
    using namespace datt::channel;
    const std::string target = "fuzz_channel_message";
    const auto key = [](uint8_t fill) {
        datt::ByteArray<32> bytes{};
        bytes.fill(fill);
        return datt::crypto::SecretKey::from_bytes(bytes).value();
    };
    const auto point = [&](uint8_t fill) { return datt::crypto::pubkey(key(fill)); };
    const auto sig = [&](uint8_t fill) {
        datt::ByteArray<32> hash{};
        hash.fill(fill);
        return datt::crypto::ecdsa_sign(key(fill), hash);
    };
    const datt::ByteArray<32> id{1};
    OpenChannel open{id, id, datt::bitcoin::Sats{1'000'000}, datt::bitcoin::Msats{0},
                     datt::bitcoin::Sats{546}, datt::bitcoin::Msats{1'000'000'000},
                     datt::bitcoin::Sats{10'000}, datt::bitcoin::Msats{1}, 253, 144, 483,
                     point(1), point(2), point(3), point(4), point(5), point(6), 1, TlvStream{}};
    open.tlvs.set(tlv::kUpfrontShutdownScript, Bytes{0x00, 0x14});
    open.tlvs.set(tlv::kChannelType, Bytes{0x10, 0x00});
    open.tlvs.set(0x10001, Bytes{0xff});
    write_seed(target, "open_channel.bin", serialize_message(open));
    write_seed(target, "accept_channel.bin",
               serialize_message(AcceptChannel{id, datt::bitcoin::Sats{546},
                                               datt::bitcoin::Msats{1}, datt::bitcoin::Sats{1},
                                               datt::bitcoin::Msats{1}, 3, 144, 30, point(7),
                                               point(8), point(9), point(10), point(11),
                                               point(12), TlvStream{}}));
    write_seed(target, "funding_created.bin",
               serialize_message(FundingCreated{id, id, 0, sig(13), TlvStream{}}));
    write_seed(target, "funding_signed.bin",
               serialize_message(FundingSigned{id, sig(14), TlvStream{}}));
    ChannelReady ready{id, point(15), TlvStream{}};
    ready.tlvs.set(tlv::kShortChannelId, Bytes(8, 1));
    write_seed(target, "channel_ready.bin", serialize_message(ready));
    write_seed(target, "shutdown.bin",
               serialize_message(Shutdown{id, Bytes(22, 0x14), TlvStream{}}));
    ClosingSigned closing{id, datt::bitcoin::Sats{500}, sig(16), TlvStream{}};
    closing.tlvs.set(tlv::kFeeRange, Bytes(16, 2));
    write_seed(target, "closing_signed.bin", serialize_message(closing));
    UpdateAddHtlc add{id, 1, datt::bitcoin::Msats{1000}, id, 500, {}, TlvStream{}};
    const auto blinding = point(17).compressed();
    add.tlvs.set(tlv::kBlindedPath, Bytes(blinding.begin(), blinding.end()));
    write_seed(target, "update_add_htlc.bin", serialize_message(add));
    write_seed(target, "update_fulfill_htlc.bin",
               serialize_message(UpdateFulfillHtlc{id, 1, id, TlvStream{}}));
    write_seed(target, "update_fail_htlc.bin",
               serialize_message(UpdateFailHtlc{id, 1, Bytes(32, 3), TlvStream{}}));
    write_seed(target, "commitment_signed.bin",
               serialize_message(CommitmentSigned{id, sig(18), {sig(19), sig(20)}, TlvStream{}}));
    write_seed(target, "revoke_and_ack.bin",
               serialize_message(RevokeAndAck{id, id, point(21), TlvStream{}}));
    ChannelReestablish reestablish{id, 2, 1, id, point(22), TlvStream{}};
    reestablish.tlvs.set(tlv::kNextFunding, Bytes(33, 0));
    write_seed(target, "channel_reestablish.bin", serialize_message(reestablish));
    write_seed(target, "error.bin",
               serialize_message(ErrorMessage{false, id, Bytes{'n', 'o'}, TlvStream{}}));
    write_seed(target, "warning.bin",
               serialize_message(ErrorMessage{true, id, Bytes{}, TlvStream{}}));
    Bytes even_tlv = serialize_message(FundingSigned{id, sig(14), TlvStream{}});
    even_tlv.insert(even_tlv.end(), {0x02, 0x00});
    write_seed(target, "unknown_even_tlv.bin", even_tlv);
    write_seed(target, "unknown_odd_type.bin", Bytes{0x80, 0x01, 0x00});

    // The same messages in their WebSocket envelope (fuzz_channel_frame), and hostile frames.
    const std::string frames = "fuzz_channel_frame";
    write_seed(frames, "open_channel.bin", frame_bytes(open));
    write_seed(frames, "channel_ready.bin", frame_bytes(ready));
    write_seed(frames, "update_add_htlc.bin", frame_bytes(add));
    write_seed(frames, "commitment_signed.bin",
               frame_bytes(CommitmentSigned{id, sig(18), {sig(19)}, TlvStream{}}));
    write_seed(frames, "channel_reestablish.bin", frame_bytes(reestablish));
    UpdateAddHtlc to_hub{id, 2, datt::bitcoin::Msats{101'010}, id, 600, {}, TlvStream{}};
    to_hub.onion_routing_packet =
        serialize_hop_payload(HopPayload{false, id, datt::bitcoin::Msats{100'000}, 560});
    write_seed(frames, "update_add_htlc_hop.bin", frame_bytes(to_hub));
    write_seed(frames, "error_all_channels.bin",
               frame_bytes(ErrorMessage{false, datt::ByteArray<32>{}, Bytes{'n', 'o'}, TlvStream{}}));
    Bytes mismatch = frame_bytes(UpdateFulfillHtlc{id, 1, id, TlvStream{}});
    mismatch[5] ^= 1;
    write_seed(frames, "id_mismatch.bin", mismatch);
    Bytes version = frame_bytes(RevokeAndAck{id, id, point(21), TlvStream{}});
    version[0] = 2;
    write_seed(frames, "bad_version.bin", version);
    // The hub's connection messages (hub_attach.h).
    write_seed(frames, "hub_challenge_request.bin", frame_bytes(HubChallengeRequest{}));
    write_seed(frames, "hub_open_request.bin", frame_bytes(HubOpenRequest{{}, datt::bitcoin::Sats{250'000}, TlvStream{}}));
    write_seed(frames, "hub_challenge.bin", frame_bytes(HubChallenge{{}, id, TlvStream{}}));
    write_seed(frames, "channel_attach.bin", frame_bytes(ChannelAttach{id, sig(23), TlvStream{}}));
    Bytes nonzero = frame_bytes(HubChallengeRequest{});
    nonzero[1 + 32 + 2] = 1;  // the message's channel_id, not the envelope's
    write_seed(frames, "hub_challenge_request_nonzero.bin", nonzero);
}

// Stored channel states along a payment (fuzz_channel_state), and command strings that open
// and pay, drop the connection and close (fuzz_channel_machine).
void channel_state_seeds() {
    using namespace datt::channel;
    testing::ChannelPair pair;
    if (!pair.open()) {
        std::fprintf(stderr, "channel seeds: %s\n", pair.last_error.c_str());
        std::exit(1);
    }
    int n = 0;
    const auto save = [&](const testing::Node& node) {
        write_seed("fuzz_channel_state", "state_" + std::to_string(n++) + ".bin",
                   serialize_channel_state(*node.channel));
    };
    save(pair.a);
    save(pair.b);
    const datt::ByteArray<kOnionPacketSize> onion{};
    (void)pair.take(pair.a,
                    add_htlc(*pair.a.channel, datt::bitcoin::Msats{5'000'000},
                             datt::crypto::sha256(testing::filled(7)), 700'000, onion, 0),
                    pair.to_b);
    while (!pair.to_a.empty() || !pair.to_b.empty() || has_changes_to_sign(*pair.a.channel) ||
           has_changes_to_sign(*pair.b.channel)) {
        if (!pair.sign_pending()) break;
        if (!pair.to_b.empty() ? !pair.deliver_to_b() : !pair.deliver_to_a()) break;
        save(pair.a);
        save(pair.b);
    }
    (void)pair.take(pair.a, shutdown(*pair.a.channel, pair.a.secrets), pair.to_b);
    save(pair.a);
    const std::string machine = "fuzz_channel_machine";
    // Byte commands (fuzz_channel_machine.cpp): 0 a add, 6 deliver to b, 7 deliver to a,
    // 10/11 sign, 3 b fulfill, 12 reconnect, 13 shutdown.
    write_seed(machine, "pay.bin", std::string("\x00\x10\x06\x0a\x06\x07\x07\x06\x07", 9));
    write_seed(machine, "pay_drop.bin", std::string("\x00\x10\x0a\x06\x0c\x07\x06", 7));
    write_seed(machine, "both_ways.bin", std::string("\x00\x20\x01\x30\x08\x09\x0a\x0b\x0c", 9));
    write_seed(machine, "close.bin", std::string("\x0d\x00\x06\x07\x06", 5));
}

// fuzz_htlc_outcome: 32 bytes (a preimage, and a payment hash in its own right) then a
// transaction: the payee's HTLC-success and claim witnesses carrying that preimage, a
// timeout (no preimage) of an HTLC whose payment hash is those 32 bytes, and a witness of
// odd shapes.
void htlc_outcome_seeds() {
    using namespace datt::bitcoin;
    namespace ch = datt::channel;
    const std::string target = "fuzz_htlc_outcome";
    datt::Hash256 head{};
    for (size_t i = 0; i < head.size(); ++i) head[i] = static_cast<uint8_t>(0x70 + i);
    const datt::Hash256 hash = datt::crypto::sha256(head);
    const auto key = [](uint8_t fill) { return datt::crypto::pubkey(key_from_byte(fill)); };
    const Bytes preimage(head.begin(), head.end());
    const Bytes sig(72, 0x30);
    const auto seed = [&](std::string_view name, std::vector<Bytes> witness, uint32_t lock_time) {
        Transaction tx;
        tx.version = 2;
        tx.lock_time = lock_time;
        OutPoint prevout{};
        prevout.txid.fill(0x11);
        tx.inputs.push_back(TxIn{prevout, {}, 0xfffffffe, std::move(witness)});
        tx.outputs.push_back(TxOut{Sats{39'000}, p2wpkh_script(key(9))});
        Bytes bytes(head.begin(), head.end());
        const Bytes raw = serialize(tx);
        bytes.insert(bytes.end(), raw.begin(), raw.end());
        write_seed(target, name, bytes);
    };
    const Script offered = ch::offered_htlc_script(key(1), key(2), key(3), hash);
    const Script received = ch::received_htlc_script(key(1), key(2), key(3), hash, 700'000);
    seed("htlc_success.bin", {Bytes{}, sig, sig, preimage, received}, 0);
    seed("claim_with_preimage.bin", {sig, preimage, offered}, 0);
    const Script own = ch::offered_htlc_script(key(1), key(2), key(3), head);
    seed("timeout_of_head.bin", {Bytes{}, sig, sig, Bytes{}, own}, 0);
    seed("claim_timeout_of_head.bin",
         {sig, Bytes{}, ch::received_htlc_script(key(1), key(2), key(3), head, 700'000)}, 700'000);
    seed("odd_witness.bin", {preimage, Bytes(1, 0x51), Bytes(520, 0xaa)}, 0);
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR (e.g. fuzz/corpus)\n", argv[0]);
        return 2;
    }
    g_root = argv[1];
    event_parse_seeds();
    event_draft_seeds();
    hex_seeds();
    codec_seeds();
    ecdsa_der_seeds();
    bip32_seeds();
    mnemonic_seeds();
    base58_seeds();
    bech32_seeds();
    proto_seeds();
    bitcoin_seeds();
    negentropy_seeds();
    bitcoin_tx_seeds();
    invoice_seeds();
    event_address_seeds();
    chain_seeds();
    channel_seeds();
    channel_state_seeds();
    htlc_outcome_seeds();
    return 0;
}
