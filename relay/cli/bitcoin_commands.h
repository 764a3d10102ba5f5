// The `datt` commands over core/bitcoin: `tx decode`, `address`, `header verify`.
// Each takes the Args after its name; usage and help texts are in datt.cpp's table.
#pragma once

#include "io.h"

namespace datt::cli {

// Hex of a raw transaction on stdin -> Bitcoin Core's decoderawtransaction JSON.
int cmd_tx_decode(const Args& args);
// BIP-84 (P2WPKH) addresses of a mnemonic read from stdin.
int cmd_address(const Args& args);
// Raw headers (a file or stdin; hex one per line, or binary) validated from genesis.
int cmd_header_verify(const Args& args);

}  // namespace datt::cli
