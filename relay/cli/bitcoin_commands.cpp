#include "bitcoin_commands.h"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bip32/derive.h"
#include "bip32/extended_key.h"
#include "bip39/mnemonic.h"
#include "bip39/seed.h"
#include "bitcoin/address.h"
#include "bitcoin/header.h"
#include "bitcoin/header_chain.h"
#include "bitcoin/network.h"
#include "bitcoin/script_templates.h"
#include "bitcoin/tx.h"
#include "bitcoin/tx_decode.h"
#include "crypto/wipe.h"
#include "util/hex.h"

namespace datt::cli {
namespace {

// A network by name, or the usage error to print (names: bitcoin/network.h).
std::optional<bitcoin::Network> network_option(const std::string& name, int& status) {
    auto network = bitcoin::network_by_name(name);
    if (!network) {
        status = usage_error("--network must be mainnet, testnet3, signet, regtest or bcoin-regtest");
        return std::nullopt;
    }
    return *network;
}

// Core prints "value" as a JSON number with exactly 8 decimals (50.00000000), which no JSON
// library writes from a double: the number's text goes in as a marked string and the quotes
// around it are removed after dumping. The mark cannot occur in any other string here (hex,
// asm, descriptors and addresses are printable ASCII).
constexpr char kRawNumberMark[] = "\x01raw:";

std::string with_raw_numbers(std::string json) {
    // dump() escapes the mark's control character: look for its escaped form.
    const std::string escaped = "\"\\u0001raw:";
    for (size_t at = json.find(escaped); at != std::string::npos; at = json.find(escaped, at)) {
        const size_t end = json.find('"', at + escaped.size());
        json = json.substr(0, at) + json.substr(at + escaped.size(), end - at - escaped.size()) +
               json.substr(end + 1);
    }
    return json;
}

nlohmann::ordered_json decoded_json(const bitcoin::DecodedTransaction& d) {
    nlohmann::ordered_json out;
    out["txid"] = d.txid;
    out["hash"] = d.hash;
    out["version"] = d.version;
    out["size"] = d.size;
    out["vsize"] = d.vsize;
    out["weight"] = d.weight;
    out["locktime"] = d.locktime;
    out["vin"] = nlohmann::ordered_json::array();
    for (const auto& in : d.vin) {
        nlohmann::ordered_json input;
        if (in.coinbase) {
            input["coinbase"] = in.script_sig.hex;
        } else {
            input["txid"] = in.txid;
            input["vout"] = in.vout;
            input["scriptSig"] = {{"asm", in.script_sig.asm_text}, {"hex", in.script_sig.hex}};
        }
        if (in.witness) input["txinwitness"] = *in.witness;
        input["sequence"] = in.sequence;
        out["vin"].push_back(std::move(input));
    }
    out["vout"] = nlohmann::ordered_json::array();
    for (const auto& output : d.vout) {
        nlohmann::ordered_json entry;
        entry["value"] = kRawNumberMark + bitcoin::format_btc(output.value);
        entry["n"] = output.n;
        nlohmann::ordered_json script;
        script["asm"] = output.script_pubkey.asm_text;
        script["desc"] = output.script_pubkey.descriptor;
        script["hex"] = output.script_pubkey.hex;
        if (output.script_pubkey.address) script["address"] = *output.script_pubkey.address;
        script["type"] = output.script_pubkey.type;
        entry["scriptPubKey"] = std::move(script);
        out["vout"].push_back(std::move(entry));
    }
    return out;
}

}  // namespace

int cmd_tx_decode(const Args& args) {
    std::string network_name = "mainnet";
    for (size_t i = 0; i < args.size(); ++i) {
        if (option_value(args, i, "--network", network_name)) continue;
        return usage_error("tx decode: unknown argument " + args[i]);
    }
    int status = 0;
    auto network = network_option(network_name, status);
    if (!network) return status;
    // 1 MiB of stdin holds a hex transaction of up to 512 KB; standard ones are under 100 KB.
    auto input = read_stdin();
    if (!input) return fail(input.error());
    auto bytes = from_hex(trim(*input));
    if (!bytes) return fail(bytes.error());
    auto tx = bitcoin::parse_transaction(*bytes);
    if (!tx) return fail(tx.error());
    const auto decoded = bitcoin::decode_transaction(*tx, *network);
    std::cout << with_raw_numbers(decoded_json(decoded).dump(2)) << "\n";
    return 0;
}

int cmd_address(const Args& args) {
    std::string network_name = "mainnet";
    std::string account_text = "0", change_text = "0", count_text = "1";
    for (size_t i = 0; i < args.size(); ++i) {
        if (option_value(args, i, "--network", network_name) ||
            option_value(args, i, "--account", account_text) ||
            option_value(args, i, "--change", change_text) ||
            option_value(args, i, "--count", count_text)) {
            continue;
        }
        return usage_error("address: unknown argument " + args[i] +
                           " (the mnemonic is read from stdin)");
    }
    int status = 0;
    auto network = network_option(network_name, status);
    if (!network) return status;
    auto number = [](const std::string& text, unsigned long max) -> std::optional<unsigned long> {
        if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        const unsigned long value = std::stoul(text);
        if (value > max) return std::nullopt;
        return value;
    };
    const auto account = number(account_text, 0x7fffffff);
    const auto change = number(change_text, 1);
    const auto count = number(count_text, 10000);
    if (!account) return usage_error("--account must be 0 .. 2147483647");
    if (!change) return usage_error("--change must be 0 (receive) or 1 (change)");
    if (!count || *count == 0) return usage_error("--count must be 1 .. 10000");

    auto input = read_stdin();
    if (!input) return fail(input.error());
    std::string mnemonic = trim(std::move(*input));
    crypto::secure_wipe(input->data(), input->size());
    if (auto valid = bip39::check_mnemonic(mnemonic); !valid) {
        crypto::secure_wipe(mnemonic.data(), mnemonic.size());
        return fail(valid.error());
    }
    const char* passphrase = std::getenv("DATT_BIP39_PASSPHRASE");
    auto seed = bip39::mnemonic_to_seed(mnemonic, passphrase ? passphrase : "");
    crypto::secure_wipe(mnemonic.data(), mnemonic.size());
    auto master = bip32::master_from_seed(seed);
    crypto::secure_wipe(seed.data(), seed.size());
    if (!master) return fail(master.error());
    // BIP-84: m / 84' / coin_type' / account' / change / index (coin type 0 on mainnet, 1 on
    // every test network).
    const std::string branch_path = "m/84'/" + std::to_string(network->bip84_coin_type) + "'/" +
                                    std::to_string(*account) + "'/" + std::to_string(*change);
    auto branch = bip32::derive_path(*master, branch_path);
    if (!branch) return fail(branch.error());
    for (unsigned long index = 0; index < *count; ++index) {
        auto key = bip32::derive_path(*branch, "m/" + std::to_string(index));
        if (!key) return fail(key.error());
        auto address = bitcoin::Address::from_script_pubkey(
            *network, bitcoin::p2wpkh_script(key->public_key()));
        if (!address) return fail(address.error());
        nlohmann::ordered_json line;
        line["path"] = branch_path + "/" + std::to_string(index);
        line["address"] = address->to_string();
        line["public_key"] = to_hex(key->public_key().compressed());
        std::cout << line.dump() << "\n";
    }
    return 0;
}

namespace {

// Headers arrive as binary (80 bytes each) or as hex, one header per line; which one is
// decided by the first bytes. Both are read in pieces, so a file of any length is checked
// in constant memory.
class HeaderSource {
  public:
    explicit HeaderSource(std::istream& in) : in_(in) {}

    // The next headers (at most `max`), none at the end, or an error.
    Result<std::vector<bitcoin::BlockHeader>> next(size_t max) {
        if (!format_known_) decide_format();
        return hex_ ? next_hex(max) : next_binary(max);
    }

  private:
    void decide_format() {
        format_known_ = true;
        char probe[160];
        in_.read(probe, sizeof probe);
        pending_.assign(probe, static_cast<size_t>(in_.gcount()));
        hex_ = !pending_.empty() &&
               pending_.find_first_not_of("0123456789abcdefABCDEF \t\r\n") == std::string::npos;
    }

    Result<std::vector<bitcoin::BlockHeader>> next_binary(size_t max) {
        std::string buffer = std::move(pending_);
        pending_.clear();
        const size_t want = max * bitcoin::kBlockHeaderSize;
        if (buffer.size() < want) {
            const size_t have = buffer.size();
            buffer.resize(want);
            in_.read(buffer.data() + have, static_cast<std::streamsize>(want - have));
            buffer.resize(have + static_cast<size_t>(in_.gcount()));
        }
        if (buffer.size() % bitcoin::kBlockHeaderSize != 0) {
            return make_error("header_wrong_size",
                              "binary input is not a whole number of 80-byte headers");
        }
        auto headers = bitcoin::parse_block_headers(as_bytes(buffer));
        if (!headers) return headers.error();
        return headers;
    }

    Result<std::vector<bitcoin::BlockHeader>> next_hex(size_t max) {
        std::vector<bitcoin::BlockHeader> out;
        while (out.size() < max) {
            std::string line;
            if (!pending_.empty()) {
                // The probe holds the start of the input: complete its first line.
                std::string rest;
                const size_t newline = pending_.find('\n');
                if (newline == std::string::npos) {
                    std::getline(in_, rest);
                    line = pending_ + rest;
                    pending_.clear();
                } else {
                    line = pending_.substr(0, newline);
                    pending_.erase(0, newline + 1);
                }
            } else if (!read_line(line)) {
                break;
            }
            ++line_number_;
            line = trim(std::move(line));
            if (line.empty()) continue;
            auto bytes = from_hex(line);
            if (!bytes || bytes->size() != bitcoin::kBlockHeaderSize) {
                return make_error("header_wrong_size", "line " + std::to_string(line_number_) +
                                                           " is not 160 hex digits (one header)");
            }
            out.push_back(*bitcoin::parse_block_header(*bytes));
        }
        return out;
    }

    bool read_line(std::string& line) {
        if (!std::getline(in_, line)) return false;
        // One header is 160 characters: a longer line is refused without reading it whole.
        if (line.size() > 1024) line.resize(1024);
        return true;
    }

    std::istream& in_;
    bool format_known_ = false;
    bool hex_ = false;
    std::string pending_;
    size_t line_number_ = 0;
};

}  // namespace

int cmd_header_verify(const Args& args) {
    std::string network_name = "mainnet";
    std::string path;
    for (size_t i = 0; i < args.size(); ++i) {
        if (option_value(args, i, "--network", network_name)) continue;
        if (args[i].rfind("--", 0) == 0 || !path.empty()) {
            return usage_error("header verify: unknown argument " + args[i]);
        }
        path = args[i];
    }
    int status = 0;
    auto network = network_option(network_name, status);
    if (!network) return status;
    std::ifstream file;
    if (!path.empty() && path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return fail(make_error("header_file", "cannot read " + path));
    }
    std::istream& in = file.is_open() ? static_cast<std::istream&>(file) : std::cin;
    HeaderSource source(in);
    auto state = bitcoin::HeaderChainState::genesis(*network);
    const auto now = static_cast<int64_t>(std::time(nullptr));
    size_t total = 0;
    bool first = true;
    for (;;) {
        auto headers = source.next(10'000);
        if (!headers) {
            std::cout << "valid up to height " << state.height() << "\n";
            return fail(headers.error());
        }
        if (headers->empty()) break;
        size_t skip = 0;
        // A file from height 0 starts with the genesis header itself: the state holds it.
        if (first && bitcoin::block_hash(headers->front()) == network->genesis_hash) skip = 1;
        first = false;
        const auto update = bitcoin::extend_header_chain(
            *network, state, std::span(*headers).subspan(skip), now);
        state = update.state;
        total += update.accepted;
        if (update.failure) {
            std::cout << "valid up to height " << state.height() << " (tip "
                      << bitcoin::to_display_hex(state.tip().hash) << ")\n";
            std::cout << "invalid at height " << update.failure->height << " (header "
                      << total + skip << " of the input): " << update.failure->error.code << ": "
                      << update.failure->error.message << "\n";
            return 1;
        }
    }
    std::cout << "valid up to height " << state.height() << " (tip "
              << bitcoin::to_display_hex(state.tip().hash) << ", " << total
              << " headers checked, chain work 0x" << state.chain_work().to_hex() << ")\n";
    return 0;
}

}  // namespace datt::cli
