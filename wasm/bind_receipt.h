// What bind_channel.cpp takes from bind_receipt.cpp: a hop's receipt request.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "channel/hop_payload.h"
#include "util/result.h"

namespace datt::wasm {

// hop.receipt, if present: {target, payer, payer_sig, invoice} as datt.receipts.request()
// returns it; checked to fit a 0xd3 payload (hop_receipt_* codes).
[[nodiscard]] Result<std::optional<channel::HopReceiptRequest>> hop_receipt_argument(
    const nlohmann::json& hop);

}  // namespace datt::wasm
