#include "crypto/pbkdf2.h"

#include <algorithm>

#include "crypto/byte_order.h"
#include "crypto/hmac.h"
#include "crypto/wipe.h"

namespace datt::crypto {

std::vector<uint8_t> pbkdf2_hmac_sha512(std::span<const uint8_t> password,
                                        std::span<const uint8_t> salt, uint32_t iterations,
                                        size_t output_size) {
    constexpr size_t kBlockOutput = Sha512::kOutputSize;
    std::vector<uint8_t> output(output_size);

    // The password's pads are hashed once; every PRF call copies this keyed state.
    const HmacSha512 keyed_prf(password);

    std::array<uint8_t, kBlockOutput> chained;      // U_j of RFC 8018 5.2
    std::array<uint8_t, kBlockOutput> accumulated;  // T_i = U_1 ^ ... ^ U_c
    uint32_t block_index = 1;
    for (size_t offset = 0; offset < output_size; offset += kBlockOutput, ++block_index) {
        uint8_t index_be[4];
        detail::store_be32(index_be, block_index);
        {
            HmacSha512 prf = keyed_prf;
            chained = prf.write(salt).write(index_be).finalize();
        }
        accumulated = chained;
        for (uint32_t iteration = 1; iteration < iterations; ++iteration) {
            HmacSha512 prf = keyed_prf;
            chained = prf.write(chained).finalize();
            for (size_t i = 0; i < kBlockOutput; ++i) accumulated[i] ^= chained[i];
        }
        const size_t take = std::min(kBlockOutput, output_size - offset);
        std::copy_n(accumulated.begin(), take, output.begin() + static_cast<ptrdiff_t>(offset));
    }

    secure_wipe(chained.data(), chained.size());
    secure_wipe(accumulated.data(), accumulated.size());
    return output;
}

}  // namespace datt::crypto
