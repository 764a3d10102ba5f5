#include "invoice/hrp.h"

#include <array>

namespace datt::invoice {
namespace {

struct CurrencyInfo {
    Currency currency;
    std::string_view prefix;
    std::string_view network_name;
};

constexpr std::array<CurrencyInfo, 5> kCurrencies{{
    {Currency::kBitcoin, "bc", "mainnet"},
    {Currency::kTestnet, "tb", "testnet3"},
    {Currency::kSignet, "tbs", "signet"},
    {Currency::kRegtest, "bcrt", "regtest"},
    {Currency::kSimnet, "sb", "simnet"},
}};

// Millisatoshi per unit of the amount, for each multiplier (1 BTC = 10^11 msat). The pico
// multiplier is a tenth of a millisatoshi: handled apart.
constexpr uint64_t kMsatPerBtc = 100'000'000'000ULL;
struct Multiplier {
    char letter;  // '\0': none
    uint64_t msat;
};
constexpr std::array<Multiplier, 4> kWholeMultipliers{{
    {'\0', kMsatPerBtc},
    {'m', kMsatPerBtc / 1'000},
    {'u', kMsatPerBtc / 1'000'000},
    {'n', kMsatPerBtc / 1'000'000'000},
}};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::optional<uint64_t> parse_decimal(std::string_view digits) {
    uint64_t value = 0;
    for (const char c : digits) {
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

Error bad_amount(const std::string& why) {
    return make_error("invoice_bad_amount", "invoice amount " + why);
}

}  // namespace

std::string_view currency_prefix(Currency currency) {
    for (const auto& info : kCurrencies) {
        if (info.currency == currency) return info.prefix;
    }
    return "";  // unreachable: every Currency is in the table
}

std::optional<Currency> currency_by_prefix(std::string_view prefix) {
    for (const auto& info : kCurrencies) {
        if (info.prefix == prefix) return info.currency;
    }
    return std::nullopt;
}

std::optional<Currency> currency_by_name(std::string_view name) {
    if (name == "testnet") return Currency::kTestnet;
    for (const auto& info : kCurrencies) {
        if (info.network_name == name) return info.currency;
    }
    return currency_by_prefix(name);
}

std::string_view currency_network_name(Currency currency) {
    for (const auto& info : kCurrencies) {
        if (info.currency == currency) return info.network_name;
    }
    return "";
}

const bitcoin::Network* currency_network(Currency currency) {
    switch (currency) {
        case Currency::kBitcoin:
            return &bitcoin::mainnet();
        case Currency::kTestnet:
            return &bitcoin::testnet3();
        case Currency::kSignet:
            return &bitcoin::signet();
        case Currency::kRegtest:
            return &bitcoin::regtest();
        case Currency::kSimnet:
            return nullptr;
    }
    return nullptr;
}

Result<Hrp> parse_hrp(std::string_view hrp) {
    if (hrp.size() < 3 || hrp.substr(0, 2) != "ln") {
        return make_error("invoice_bad_prefix", "an invoice's prefix starts with \"ln\"");
    }
    size_t digits_at = 2;
    while (digits_at < hrp.size() && !is_digit(hrp[digits_at])) ++digits_at;
    const std::string_view prefix = hrp.substr(2, digits_at - 2);
    const auto currency = currency_by_prefix(prefix);
    if (!currency) {
        return make_error("invoice_unknown_currency", "unknown currency prefix \"" +
                                                          std::string(prefix) +
                                                          "\" (known: bc, tb, tbs, bcrt, sb)");
    }
    Hrp out{*currency, std::nullopt};
    if (digits_at == hrp.size()) return out;

    size_t digits_end = digits_at;
    while (digits_end < hrp.size() && is_digit(hrp[digits_end])) ++digits_end;
    const std::string_view digits = hrp.substr(digits_at, digits_end - digits_at);
    const std::string_view rest = hrp.substr(digits_end);
    if (rest.size() > 1) return bad_amount("is followed by more than one multiplier letter");
    if (digits.front() == '0') return bad_amount("has a leading zero or is zero");

    if (rest == "p") {
        // Pico-BTC: the amount is ten times the millisatoshi; its last digit must be 0.
        if (digits.back() != '0') {
            return make_error("invoice_sub_msat_amount",
                              "a pico-BTC amount must end in 0 (a tenth of a millisatoshi "
                              "cannot be paid)");
        }
        const auto msat = parse_decimal(digits.substr(0, digits.size() - 1));
        if (!msat) return bad_amount("exceeds 2^64-1 millisatoshi");
        out.amount = bitcoin::Msats{*msat};
        return out;
    }
    const char letter = rest.empty() ? '\0' : rest.front();
    for (const auto& multiplier : kWholeMultipliers) {
        if (multiplier.letter != letter) continue;
        const auto units = parse_decimal(digits);
        if (!units) return bad_amount("exceeds 2^64-1 millisatoshi");
        const auto msat = bitcoin::Msats{*units}.checked_mul(multiplier.msat);
        if (!msat) return bad_amount("exceeds 2^64-1 millisatoshi");
        out.amount = *msat;
        return out;
    }
    return make_error("invoice_bad_multiplier",
                      "unknown amount multiplier '" + std::string(rest) + "' (m, u, n or p)");
}

std::string format_hrp(Currency currency, std::optional<bitcoin::Msats> amount) {
    std::string out = "ln" + std::string(currency_prefix(currency));
    if (!amount) return out;
    const uint64_t msat = amount->value();
    for (const auto& multiplier : kWholeMultipliers) {
        if (msat % multiplier.msat == 0) {
            out += std::to_string(msat / multiplier.msat);
            if (multiplier.letter != '\0') out += multiplier.letter;
            return out;
        }
    }
    // Not a whole nano-BTC: pico, the millisatoshi followed by a 0.
    return out + std::to_string(msat) + "0p";
}

}  // namespace datt::invoice
