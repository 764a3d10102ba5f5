#include "event/address.h"

#include <charconv>

#include "util/hex.h"

namespace datt::event {

std::optional<Address> address_of(const Event& event) {
    return address_of(event.kind(), event.pubkey(), event.tags());
}

std::optional<Address> address_of(Kind kind, const ByteArray<32>& pubkey, const Tags& tags) {
    switch (storage_class(kind)) {
        case StorageClass::kReplaceable:
            return Address{kind, pubkey, ""};
        case StorageClass::kAddressable:
            return Address{kind, pubkey, std::string(tag_value(tags, "d").value_or(""))};
        case StorageClass::kRegular:
        case StorageClass::kEphemeral:
            return std::nullopt;
    }
    return std::nullopt;
}

std::optional<Address> parse_address(std::string_view value) {
    const size_t colon1 = value.find(':');
    if (colon1 == std::string_view::npos || colon1 == 0) return std::nullopt;
    const size_t colon2 = value.find(':', colon1 + 1);
    if (colon2 == std::string_view::npos) return std::nullopt;
    unsigned kind = 0;
    const char* begin = value.data();
    const char* end = value.data() + colon1;
    const auto [ptr, ec] = std::from_chars(begin, end, kind);
    if (ec != std::errc() || ptr != end || kind > 65535) return std::nullopt;
    auto pubkey = from_hex_fixed<32>(value.substr(colon1 + 1, colon2 - colon1 - 1));
    if (!pubkey) return std::nullopt;
    Address address{static_cast<Kind>(kind), *pubkey, std::string(value.substr(colon2 + 1))};
    switch (storage_class(address.kind)) {
        case StorageClass::kReplaceable:
            if (!address.d.empty()) return std::nullopt;
            return address;
        case StorageClass::kAddressable:
            return address;
        case StorageClass::kRegular:
        case StorageClass::kEphemeral:
            return std::nullopt;
    }
    return std::nullopt;
}

std::string format_address(const Address& address) {
    return std::to_string(address.kind) + ":" + to_hex(address.pubkey) + ":" + address.d;
}

}  // namespace datt::event
