#include "crypto/tagged_hash.h"

namespace datt::crypto {

TaggedHash::TaggedHash(std::string_view tag) {
    const auto tag_hash =
        sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
    midstate_.write(tag_hash).write(tag_hash);
}

std::array<uint8_t, 32> TaggedHash::operator()(std::span<const uint8_t> data) const {
    return hasher().write(data).finalize();
}

std::array<uint8_t, 32> tagged_hash(std::string_view tag, std::span<const uint8_t> data) {
    return TaggedHash(tag)(data);
}

}  // namespace datt::crypto
