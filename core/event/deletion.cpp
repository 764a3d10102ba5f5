#include "event/deletion.h"

#include <algorithm>

#include "util/hex.h"

namespace datt::event {
namespace {

template <class T>
void add_once(std::vector<T>& values, T value) {
    if (std::find(values.begin(), values.end(), value) == values.end()) {
        values.push_back(std::move(value));
    }
}

}  // namespace

std::optional<DeletionRequest> deletion_request_of(const Event& event) {
    if (event.kind() != kinds::kDeletion) return std::nullopt;
    DeletionRequest request{event.pubkey(), event.created_at(), {}, {}};
    for (const Tag& tag : event.tags()) {
        if (tag.size() < 2) continue;
        if (tag[0] == "e") {
            if (auto id = from_hex_fixed<32>(tag[1])) add_once(request.ids, *id);
        } else if (tag[0] == "a") {
            std::optional<Address> address = parse_address(tag[1]);
            if (address && address->pubkey == request.author) {
                add_once(request.addresses, std::move(*address));
            }
        }
    }
    return request;
}

bool may_delete(const DeletionRequest& request, const ByteArray<32>& target_author,
                Kind target_kind) {
    return target_author == request.author && target_kind != kinds::kDeletion;
}

bool covers_version(const DeletionRequest& request, int64_t target_created_at) {
    return target_created_at <= request.created_at;
}

bool deletes(const DeletionRequest& request, const Event& target) {
    if (!may_delete(request, target.pubkey(), target.kind())) return false;
    if (std::find(request.ids.begin(), request.ids.end(), target.id()) != request.ids.end()) {
        return true;
    }
    const std::optional<Address> address = address_of(target);
    return address && covers_version(request, target.created_at()) &&
           std::find(request.addresses.begin(), request.addresses.end(), *address) !=
               request.addresses.end();
}

}  // namespace datt::event
