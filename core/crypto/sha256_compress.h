// SHA-256's block function, the two ways sha256.cpp has it: portable C++, and the x86-64
// SHA extensions where the CPU has them (chosen at run time; wasm and other CPUs use the
// portable one). Exposed so that a test can hold the two to each other on this machine,
// since the digests go through only one of them.
#pragma once

#include <cstdint>

namespace datt::crypto::detail {

// One 64-byte block into the chaining state (FIPS 180-4 6.2.2).
void sha256_compress_portable(uint32_t state[8], const uint8_t* block);
// The same with the SHA extensions; false (state untouched) when this CPU lacks them.
bool sha256_compress_hardware(uint32_t state[8], const uint8_t* block);

}  // namespace datt::crypto::detail
