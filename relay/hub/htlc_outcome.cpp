#include "hub/htlc_outcome.h"

#include <algorithm>

#include "bitcoin/script.h"
#include "crypto/ripemd160.h"
#include "crypto/sha256.h"

namespace datt::relay::hub {

bool spends_htlc(const bitcoin::Transaction& tx, const Hash256& payment_hash) {
    const auto hash160 = crypto::ripemd160(payment_hash);
    for (const bitcoin::TxIn& in : tx.inputs) {
        if (in.witness.empty()) continue;
        auto ops = bitcoin::parse_script(in.witness.back());
        if (!ops) continue;
        const bool found = std::any_of(ops->begin(), ops->end(), [&](const bitcoin::ScriptOp& op) {
            return op.is_push() && std::equal(op.data.begin(), op.data.end(), hash160.begin(), hash160.end());
        });
        if (found) return true;
    }
    return false;
}

std::optional<Hash256> preimage_in(const bitcoin::Transaction& tx, const Hash256& payment_hash) {
    for (const bitcoin::TxIn& in : tx.inputs) {
        for (const Bytes& item : in.witness) {
            if (item.size() != 32 || crypto::sha256(item) != payment_hash) continue;
            Hash256 preimage{};
            std::copy(item.begin(), item.end(), preimage.begin());
            return preimage;
        }
    }
    return std::nullopt;
}

}  // namespace datt::relay::hub
