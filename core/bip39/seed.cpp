#include "bip39/seed.h"

#include <algorithm>
#include <string>

#include "crypto/pbkdf2.h"
#include "crypto/wipe.h"

namespace datt::bip39 {

namespace {
constexpr std::string_view kSaltPrefix = "mnemonic";
constexpr uint32_t kPbkdf2Iterations = 2048;
}  // namespace

ByteArray<64> mnemonic_to_seed(std::string_view mnemonic, std::string_view passphrase) {
    // Sized once so that no reallocation leaves a copy of the passphrase behind.
    std::string salt;
    salt.reserve(kSaltPrefix.size() + passphrase.size());
    salt.append(kSaltPrefix).append(passphrase);

    Bytes derived =
        crypto::pbkdf2_hmac_sha512(as_bytes(mnemonic), as_bytes(salt), kPbkdf2Iterations, 64);
    ByteArray<64> seed;
    std::copy(derived.begin(), derived.end(), seed.begin());

    crypto::secure_wipe(derived.data(), derived.size());
    crypto::secure_wipe(salt.data(), salt.size());
    return seed;
}

}  // namespace datt::bip39
