#include "invoice_commands.h"

#include <ctime>
#include <iostream>
#include <string>

#include "invoice/encode.h"
#include "invoice/invoice.h"
#include "invoice/invoice_json.h"

namespace datt::cli {
namespace {

// "lightning:" as in payment URIs and QR codes (any case), which Core Lightning's decode
// also accepts.
std::string without_uri_scheme(std::string text) {
    const std::string scheme = "lightning:";
    if (text.size() > scheme.size()) {
        std::string head = text.substr(0, scheme.size());
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (head == scheme) return text.substr(scheme.size());
    }
    return text;
}

}  // namespace

int cmd_invoice_decode(const Args& args) {
    if (!args.empty()) return usage_error("invoice decode reads the invoice from stdin");
    auto input = read_stdin();
    if (!input) return fail(input.error());
    const std::string text = without_uri_scheme(trim(*input));
    auto unverified = invoice::UnverifiedInvoice::parse(text);
    if (!unverified) return fail(unverified.error());
    const invoice::InvoiceContents contents = unverified->contents();
    auto verified = invoice::Invoice::verify(std::move(*unverified));
    const invoice::JsonStyle style{.big_numbers_as_strings = false, .indent = 2};
    if (!verified) {
        // What it says is still shown, marked as unsigned by anyone known.
        std::cout << invoice::invoice_to_json(contents, nullptr, &verified.error(), style) << "\n";
        return fail(verified.error());
    }
    std::cout << invoice::invoice_to_json(verified->contents(), &verified->payee(), nullptr, style)
              << "\n";
    return 0;
}

int cmd_invoice_encode(const Args& args, const KeyLoader& load_key) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--key-file" && i + 1 < args.size()) {
            ++i;
            continue;
        }
        return usage_error("invoice encode: unknown argument " + args[i] +
                           " (fields come as JSON on stdin, the key from --key-file)");
    }
    auto key = load_key(args);
    if (!key) return fail(key.error());
    auto input = read_stdin();
    if (!input) return fail(input.error());
    // The core has no clock: created_at defaults to now here.
    auto fields =
        invoice::invoice_fields_from_json(*input, static_cast<uint64_t>(std::time(nullptr)));
    if (!fields) return fail(fields.error());
    auto text = invoice::encode_invoice(*fields, *key);
    if (!text) return fail(text.error());
    std::cout << *text << "\n";
    return 0;
}

}  // namespace datt::cli
