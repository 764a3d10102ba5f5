// The `datt invoice` commands over core/invoice (BOLT-11): `decode` and `encode`.
// Usage and help texts are in datt.cpp's table; the JSON shape is core/invoice's
// (invoice/invoice_json.h, docs/invoices.md).
#pragma once

#include <functional>

#include "crypto/secp256k1.h"
#include "io.h"
#include "util/result.h"

namespace datt::cli {

using KeyLoader = std::function<Result<crypto::SecretKey>(const Args&)>;

// An invoice on stdin -> JSON. Exit 1 when it does not decode, or (after printing it)
// when its signature does not verify.
int cmd_invoice_decode(const Args& args);
// Invoice fields as JSON on stdin -> the signed invoice; the key from `load_key`
// (--key-file or DATT_SECRET_KEY).
int cmd_invoice_encode(const Args& args, const KeyLoader& load_key);

}  // namespace datt::cli
