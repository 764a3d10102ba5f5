// datt: command-line access to the core (keys, mnemonics, derivation, events, Bitcoin).
//
// Secrets never come from argv (visible in process lists): keys come from --key-file or
// DATT_SECRET_KEY, mnemonics from stdin. Output goes to stdout, diagnostics to stderr;
// nothing here logs a secret unless the command's purpose is to print one (keygen).
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip32/serialize.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "crypto/secp256k1.h"
#include "crypto/wipe.h"
#include "event/event.h"
#include "util/hex.h"

#include "bitcoin_commands.h"  // this program's own
#include "invoice_commands.h"
#include "io.h"
#include "random.h"

namespace datt::cli {
namespace {

struct Command {
    std::string usage;
    std::string help;
    std::function<int(const Args&)> run;
};

bool wants_help(const Args& args) {
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") return true;
    }
    return false;
}

// The secret key from --key-file PATH or $DATT_SECRET_KEY (64 hex characters).
Result<crypto::SecretKey> load_secret_key(const Args& args) {
    std::string hex;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--key-file") {
            if (i + 1 >= args.size()) return make_error("usage", "--key-file needs a path");
            std::ifstream in(args[i + 1]);
            if (!in) return make_error("key_file", "cannot read key file " + args[i + 1]);
            hex.assign(std::istreambuf_iterator<char>(in), {});
            if (hex.size() > 1024) return make_error("key_file", "key file is too large");
        }
    }
    if (hex.empty()) {
        if (const char* env = std::getenv("DATT_SECRET_KEY")) hex = env;
    }
    hex = trim(std::move(hex));
    if (hex.empty()) {
        return make_error("no_key", "no secret key: use --key-file PATH or set DATT_SECRET_KEY");
    }
    auto bytes = from_hex_fixed<32>(hex);
    crypto::secure_wipe(hex.data(), hex.size());
    if (!bytes) return make_error("bad_secret_key", "secret key must be 64 hex characters");
    auto key = crypto::SecretKey::from_bytes(*bytes);
    crypto::secure_wipe(bytes->data(), bytes->size());
    if (!key) return make_error("bad_secret_key", "secret key is zero or not below the curve order");
    return *key;
}

crypto::SecretKey new_secret_key() {
    for (;;) {
        auto bytes = random_bytes<32>();
        auto key = crypto::SecretKey::from_bytes(bytes);
        crypto::secure_wipe(bytes.data(), bytes.size());
        if (key) return *key;
    }
}

int cmd_keygen(const Args& args) {
    std::string out_path;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--out" && i + 1 < args.size()) {
            out_path = args[++i];
        } else {
            return usage_error("keygen: unknown argument " + args[i]);
        }
    }
    const crypto::SecretKey key = new_secret_key();
    const std::string pub = to_hex(crypto::xonly_pubkey(key).bytes());
    std::string secret = to_hex(key.bytes());
    if (out_path.empty()) {
        std::cout << nlohmann::json{{"secret_key", secret}, {"public_key", pub}}.dump() << "\n";
    } else {
        // 0600 and O_EXCL: never widen permissions, never overwrite an existing key.
        int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            crypto::secure_wipe(secret.data(), secret.size());
            return fail(make_error("key_file", "cannot create " + out_path +
                                                   " (it must not exist yet): " + std::strerror(errno)));
        }
        secret.push_back('\n');
        bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
        written = ::fsync(fd) == 0 && written;
        ::close(fd);
        if (!written) return fail(make_error("key_file", "failed to write " + out_path));
        std::cout << nlohmann::json{{"public_key", pub}, {"key_file", out_path}}.dump() << "\n";
    }
    crypto::secure_wipe(secret.data(), secret.size());
    return 0;
}

int cmd_mnemonic_new(const Args& args) {
    int words = 12;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--words" && i + 1 < args.size()) {
            words = std::atoi(args[++i].c_str());
        } else {
            return usage_error("mnemonic new: unknown argument " + args[i]);
        }
    }
    if (words < 12 || words > 24 || words % 3 != 0) {
        return usage_error("--words must be 12, 15, 18, 21 or 24");
    }
    Bytes entropy(static_cast<size_t>(words) / 3 * 4);
    fill_random(entropy);
    auto mnemonic = bip39::entropy_to_mnemonic(entropy);
    crypto::secure_wipe(entropy.data(), entropy.size());
    if (!mnemonic) return fail(mnemonic.error());
    std::cout << *mnemonic << "\n";
    return 0;
}

int cmd_mnemonic_check(const Args& args) {
    if (!args.empty()) return usage_error("mnemonic check reads the mnemonic from stdin");
    auto input = read_stdin();
    if (!input) return fail(input.error());
    const std::string mnemonic = trim(*input);
    if (auto valid = bip39::check_mnemonic(mnemonic); !valid) return fail(valid.error());
    std::cout << "valid\n";
    return 0;
}

bip32::Versions network_versions(const std::string& name) {
    return name == "testnet" ? bip32::kTestnetVersions : bip32::kMainnetVersions;
}

int cmd_derive(const Args& args) {
    Args positional;
    std::string network = "mainnet";
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--network" && i + 1 < args.size()) {
            network = args[++i];
            if (network != "mainnet" && network != "testnet") {
                return usage_error("--network must be mainnet or testnet");
            }
        } else {
            positional.push_back(args[i]);
        }
    }
    if (positional.size() != 2) return usage_error("derive needs <mnemonic|xprv|xpub|-> <path>");
    std::string root = positional[0];
    if (root == "-") {
        auto input = read_stdin();
        if (!input) return fail(input.error());
        root = trim(*input);
    }
    const bip32::Versions versions = network_versions(network);
    Result<bip32::ExtendedKey> start = make_error("", "");
    if (root.find(' ') != std::string::npos) {
        if (auto valid = bip39::check_mnemonic(root); !valid) return fail(valid.error());
        const char* passphrase = std::getenv("DATT_BIP39_PASSPHRASE");
        auto seed = bip39::mnemonic_to_seed(root, passphrase ? passphrase : "");
        start = bip32::master_from_seed(seed);
        crypto::secure_wipe(seed.data(), seed.size());
    } else {
        start = bip32::decode(root, versions);
    }
    crypto::secure_wipe(root.data(), root.size());
    if (!start) return fail(start.error());
    auto key = bip32::derive_path(*start, positional[1]);
    if (!key) return fail(key.error());
    const auto point = key->public_key().compressed();
    nlohmann::json out = {
        {"path", positional[1]},
        {"xpub", bip32::encode(bip32::neuter(*key), versions)},
        {"public_key", to_hex(point)},
        {"x_only_public_key", to_hex(std::span(point).subspan<1>())},
        {"fingerprint", to_hex(bip32::fingerprint(*key))},
    };
    if (key->is_private()) {
        out["xprv"] = bip32::encode(*key, versions);
        out["secret_key"] = to_hex(key->secret_key()->bytes());
    }
    std::cout << out.dump() << "\n";
    return 0;
}

int cmd_event_sign(const Args& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--key-file") {
            ++i;
        } else {
            return usage_error("event sign: unknown argument " + args[i]);
        }
    }
    auto key = load_secret_key(args);
    if (!key) return fail(key.error());
    auto input = read_stdin();
    if (!input) return fail(input.error());
    // A template without created_at is stamped with the current time (the shell's clock).
    std::string text = *input;
    auto probe = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (probe.is_object() && !probe.contains("created_at")) {
        probe["created_at"] = static_cast<int64_t>(std::time(nullptr));
        text = probe.dump();
    }
    auto draft = event::parse_draft(text);
    if (!draft) return fail(draft.error());
    const auto aux = random_bytes<32>();
    auto signed_event = event::Event::sign(*draft, *key, aux);
    if (!signed_event) return fail(signed_event.error());
    std::cout << signed_event->to_json() << "\n";
    return 0;
}

int cmd_event_verify(const Args& args) {
    if (!args.empty()) return usage_error("event verify reads the event from stdin");
    auto input = read_stdin();
    if (!input) return fail(input.error());
    std::string text = *input;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto parsed = event::Event::parse(text);
    if (!parsed) {
        std::cout << "invalid: " << parsed.error().code << ": " << parsed.error().message << "\n";
        return 1;
    }
    std::cout << "valid " << to_hex(parsed->id()) << "\n";
    return 0;
}

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> table = {
        {"keygen",
         {"datt keygen [--out FILE]",
          "Generates a secret key from the OS random source. Without --out, prints\n"
          "{\"secret_key\",\"public_key\"} as JSON. With --out, writes the secret key (hex) to FILE\n"
          "with mode 0600 (FILE must not exist) and prints only the public key.",
          cmd_keygen}},
        {"mnemonic new",
         {"datt mnemonic new [--words 12|15|18|21|24]",
          "Prints a new BIP-39 English mnemonic (default 12 words).", cmd_mnemonic_new}},
        {"mnemonic check",
         {"datt mnemonic check < mnemonic.txt",
          "Reads a mnemonic from stdin. Exit 0 and 'valid' if its words and checksum are\n"
          "correct; exit 1 with the reason otherwise. Words are separated by single spaces.",
          cmd_mnemonic_check}},
        {"derive",
         {"datt derive <mnemonic|xprv|xpub|-> <path> [--network mainnet|testnet]",
          "BIP-32 derivation along <path> (e.g. \"m/44'/1237'/0'/0/0\"; ' or h marks hardened)\n"
          "from a BIP-39 mnemonic (passphrase from $DATT_BIP39_PASSPHRASE) or an extended key.\n"
          "Use '-' to read the mnemonic or key from stdin: arguments are visible to other users\n"
          "of the machine. Prints JSON with xpub, xprv, keys and fingerprint.",
          cmd_derive}},
        {"event sign",
         {"datt event sign [--key-file FILE] < template.json",
          "Signs a NIP-01 event template {kind, created_at, tags, content} read from stdin\n"
          "(created_at defaults to now). The secret key (hex) comes from --key-file or\n"
          "$DATT_SECRET_KEY, never from the command line. Prints the signed event JSON.",
          cmd_event_sign}},
        {"event verify",
         {"datt event verify < event.json",
          "Validates an event read from stdin: structure, limits, id and BIP-340 signature.\n"
          "Exit 0 and 'valid <id>' if valid; exit 1 and 'invalid: <code>: <reason>' if not.",
          cmd_event_verify}},
        {"tx decode",
         {"datt tx decode [--network NAME] < tx.hex",
          "Reads a raw transaction (hex) from stdin and prints it as Bitcoin Core's\n"
          "decoderawtransaction does (JSON: txid, hash, sizes, vin with asm, vout with values in\n"
          "BTC, descriptors, types and addresses). --network (default mainnet; testnet3, signet,\n"
          "regtest, bcoin-regtest) chooses the address format. Exit 1 and the parse error's\n"
          "code (tx_truncated, tx_trailing_bytes, ...) for bytes that are not a transaction.",
          cmd_tx_decode}},
        {"address",
         {"datt address [--network NAME] [--account N] [--change 0|1] [--count N] < mnemonic.txt",
          "BIP-84 (native segwit, P2WPKH) addresses of a BIP-39 mnemonic read from stdin, the\n"
          "passphrase from $DATT_BIP39_PASSPHRASE: path m/84'/coin'/account'/change/index for\n"
          "index 0 .. count-1 (coin 0 on mainnet, 1 on the test networks; defaults: mainnet,\n"
          "account 0, change 0 = receive, count 1). Prints one JSON line per address:\n"
          "{path, address, public_key}.",
          cmd_address}},
        {"header verify",
         {"datt header verify [--network NAME] [FILE|-]",
          "Validates a chain of block headers from genesis (FILE, or stdin): raw 80-byte headers\n"
          "back to back, or hex, one header per line (getblockheader HASH false). A first header\n"
          "equal to the network's genesis is skipped. Checks linkage, proof of work, the\n"
          "network's difficulty rules, timestamps and versions (docs/bitcoin.md). Exit 0 and\n"
          "'valid up to height N'; exit 1 with the height it is valid up to and the first\n"
          "invalid header's height, code (bad_pow, bad_linkage, ...) and reason.",
          cmd_header_verify}},
        {"invoice decode",
         {"datt invoice decode < invoice.txt",
          "Decodes a BOLT-11 Lightning invoice read from stdin (a \"lightning:\" prefix is allowed)\n"
          "and prints it as JSON, named as Core Lightning's decode names them: currency,\n"
          "network, created_at, expiry, payee, amount_msat, description or description_hash,\n"
          "min_final_cltv_expiry, payment_secret, features (hex) and feature_bits,\n"
          "payment_metadata, fallbacks, routes, extra (skipped fields), payment_hash,\n"
          "signature, recovery_id, signature_valid (docs/invoices.md). Exit 1 with the code\n"
          "(invoice_missing_payment_secret, bech32_bad_checksum, ...) when it does not decode;\n"
          "exit 1 after printing the JSON, signature_valid false, when its signature fails.",
          cmd_invoice_decode}},
        {"invoice encode",
         {"datt invoice encode [--key-file FILE] < fields.json",
          "Writes and signs a BOLT-11 invoice from JSON fields on stdin (the names decode prints;\n"
          "decode's output is valid input): payment_hash and payment_secret (hex, required),\n"
          "description or description_hash, network (default mainnet), amount_msat (omit for\n"
          "any amount), created_at (default now), expiry, min_final_cltv_expiry, include_payee,\n"
          "fallbacks (addresses), routes, features (bit numbers or hex; default [8, 14]),\n"
          "payment_metadata. The signing key comes from --key-file FILE (64 hex characters) or\n"
          "$DATT_SECRET_KEY, never the command line. Prints the invoice; exit 1 with the code\n"
          "(invoice_json_bad_field, invoice_description_too_long, ...) on bad fields.",
          [](const Args& args) { return cmd_invoice_encode(args, load_secret_key); }}},
    };
    return table;
}

void print_overview() {
    std::cout << "datt - Datt command-line tool\n\nCommands:\n";
    for (const auto& [name, command] : commands()) std::cout << "  " << command.usage << "\n";
    std::cout << "\n'datt <command> --help' explains a command.\n";
}

}  // namespace

int run(int argc, char** argv) {
    Args args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_overview();
        return args.empty() ? 2 : 0;
    }
    std::string name = args[0];
    size_t consumed = 1;
    if (!commands().count(name) && args.size() >= 2 && commands().count(name + " " + args[1])) {
        name += " " + args[1];
        consumed = 2;
    }
    auto found = commands().find(name);
    if (found == commands().end()) {
        if (name == "mnemonic" || name == "event" || name == "tx" || name == "header" ||
            name == "invoice") {
            return usage_error(name + " needs a subcommand");
        }
        return usage_error("unknown command '" + name + "'");
    }
    Args rest(args.begin() + static_cast<long>(consumed), args.end());
    if (wants_help(rest)) {
        std::cout << "usage: " << found->second.usage << "\n\n" << found->second.help << "\n";
        return 0;
    }
    return found->second.run(rest);
}

}  // namespace datt::cli

int main(int argc, char** argv) { return datt::cli::run(argc, argv); }
