// Addresses <-> scriptPubKeys, per network.
//
//   type     scriptPubKey (hex)                           address
//   P2PKH    76 a9 14 <20-byte hash> 88 ac                base58check(p2pkh_prefix || hash)
//   P2SH     a9 14 <20-byte hash> 87                      base58check(p2sh_prefix || hash)
//   segwit   OP_n <push of the 2..40-byte program>        bech32 (v0) / bech32m (v1..v16),
//            (OP_0 or OP_1..OP_16; v0 only 20 or 32)      hrp = the network's bech32_hrp
//
// An Address exists only through parse() or from_script_pubkey(), so it is always one of
// these three with a well-formed program, and to_string() is its canonical text: base58 as
// is, bech32 in lower case (BIP-173 allows an all-upper-case form, which parses too).
// Scripts with no address (bare multisig, OP_RETURN, P2PK, non-standard) are refused. Witness
// v1+ programs of any valid length have an address, as in Bitcoin Core (BIP-350); whether
// a wallet should pay to them is the caller's call.
//
// Error codes (Error::code), besides those of encoding/base58.h and encoding/bech32.h, which
// pass through unchanged (base58_invalid_char, base58check_bad_checksum,
// base58check_too_short, bech32_mixed_case, bech32_bad_checksum, bech32_invalid_char,
// bech32_invalid_data_char, bech32_checksum_too_short, segwit_invalid_version,
// segwit_wrong_variant, segwit_invalid_padding, segwit_invalid_program_length,
// segwit_empty_data):
//   address_empty                 the empty string
//   address_too_long              longer than 90 characters (BIP-173's bound; base58 ones are
//                                 at most 35)
//   address_wrong_network         a known prefix or hrp, but another network's
//   address_unknown_hrp           valid bech32 under an hrp no known network uses
//   address_unknown_version       a base58check version byte no known network uses
//   address_bad_payload_length    base58check payload other than 1 + 20 bytes
//   script_has_no_address         (from_script_pubkey) not P2PKH, P2SH or a witness program
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bitcoin/network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace datt::bitcoin {

enum class AddressType {
    kP2pkh,
    kP2sh,
    kWitness,  // any witness version; P2WPKH/P2WSH are v0 with 20/32 bytes, P2TR v1 with 32
};

class Address {
  public:
    [[nodiscard]] static Result<Address> parse(const Network& network, std::string_view text);
    [[nodiscard]] static Result<Address> from_script_pubkey(const Network& network,
                                                            ByteSpan script_pubkey);

    AddressType type() const { return type_; }
    // 0..16 for kWitness; 0 otherwise.
    uint8_t witness_version() const { return witness_version_; }
    // The 20-byte hash (P2PKH, P2SH) or the witness program.
    const Bytes& program() const { return program_; }
    const Bytes& script_pubkey() const { return script_pubkey_; }
    const std::string& to_string() const { return text_; }

    bool operator==(const Address&) const = default;

  private:
    Address() = default;

    AddressType type_ = AddressType::kP2pkh;
    uint8_t witness_version_ = 0;
    Bytes program_;
    Bytes script_pubkey_;
    std::string text_;
};

}  // namespace datt::bitcoin
