// The human-readable part of a BOLT-11 invoice: "ln" + currency prefix + optional amount.
//
//   prefix   network                      amount      multiplier of 1 BTC
//   lnbc     Bitcoin mainnet              <digits>    none: 1
//   lntb     testnet                      <digits>m   0.001
//   lntbs    signet                       <digits>u   0.000001
//   lnbcrt   regtest                      <digits>n   0.000000001
//   lnsb     simnet (btcd/LND)            <digits>p   0.000000000001 (last digit must be 0:
//                                                     a tenth of a millisatoshi cannot be paid)
//
// The currency is every letter after "ln" up to the first digit (as LDK and LND split it),
// so "lnbcrt" is regtest, not mainnet with an amount. Amounts are positive, with no leading
// zero (the spec's writer rule, read strictly: no writer emits them). A reader takes any
// multiplier (non-shortest ones occur in the wild); format_hrp() writes the shortest.
//
// Error codes:
//   invoice_bad_prefix          not "ln" + letters (+ amount)
//   invoice_unknown_currency    a currency prefix other than bc, tb, tbs, bcrt, sb
//   invoice_bad_amount          digits followed by anything but one multiplier letter, a
//                               leading zero, zero, or more than 2^64-1 millisatoshi
//   invoice_bad_multiplier      a letter after the amount other than m, u, n, p
//   invoice_sub_msat_amount     a p amount whose last digit is not 0
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bitcoin/amount.h"
#include "bitcoin/network.h"
#include "util/result.h"

namespace datt::invoice {

enum class Currency {
    kBitcoin,  // bc
    kTestnet,  // tb
    kSignet,   // tbs
    kRegtest,  // bcrt
    kSimnet,   // sb
};

// "bc", "tb", "tbs", "bcrt", "sb".
std::string_view currency_prefix(Currency currency);
[[nodiscard]] std::optional<Currency> currency_by_prefix(std::string_view prefix);
// By the names `datt` uses for networks (mainnet, testnet3/testnet, signet, regtest,
// simnet) or by prefix.
[[nodiscard]] std::optional<Currency> currency_by_name(std::string_view name);
// mainnet, testnet3, signet, regtest, simnet.
std::string_view currency_network_name(Currency currency);
// The on-chain network whose addresses fallback fields hold; nullptr for simnet (btcd's
// simnet has no parameters in core/bitcoin).
const bitcoin::Network* currency_network(Currency currency);

struct Hrp {
    Currency currency;
    std::optional<bitcoin::Msats> amount;
};

// `hrp` in lower case, as the bech32 decoder returns it.
[[nodiscard]] Result<Hrp> parse_hrp(std::string_view hrp);
// The shortest amount: the largest multiplier that keeps it an integer.
std::string format_hrp(Currency currency, std::optional<bitcoin::Msats> amount);

}  // namespace datt::invoice
