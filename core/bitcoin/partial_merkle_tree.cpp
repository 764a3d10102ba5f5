#include "bitcoin/partial_merkle_tree.h"

#include <optional>
#include <string>

#include "bitcoin/merkle.h"
#include "util/varint.h"

namespace datt::bitcoin {
namespace {

// Nodes at `height` above the leaves of a tree with `count` leaves (Core's CalcTreeWidth).
uint32_t tree_width(uint32_t count, unsigned height) {
    return static_cast<uint32_t>((uint64_t{count} + (uint64_t{1} << height) - 1) >> height);
}

unsigned tree_height(uint32_t count) {
    unsigned height = 0;
    while (tree_width(count, height) > 1) ++height;
    return height;
}

Status check_counts(uint64_t transaction_count, uint64_t hash_count) {
    if (transaction_count == 0) {
        return make_error("merkle_no_transactions", "a block has at least one transaction");
    }
    if (transaction_count > kMaxMerkleTransactions) {
        return make_error("merkle_too_many_transactions",
                          std::to_string(transaction_count) +
                              " transactions, more than a block holds (" +
                              std::to_string(kMaxMerkleTransactions) + ")");
    }
    if (hash_count > transaction_count) {
        return make_error("merkle_too_many_hashes", std::to_string(hash_count) + " hashes for " +
                                                        std::to_string(transaction_count) +
                                                        " transactions");
    }
    return Ok{};
}

// Core's TraverseAndExtract, stopping at the first problem.
class Extractor {
  public:
    Extractor(uint32_t transaction_count, const std::vector<Hash256>& hashes, const Bytes& flags,
              std::vector<MerkleMatch>& matches)
        : count_(transaction_count), hashes_(hashes), flags_(flags), matches_(matches) {}

    Hash256 visit(unsigned height, uint32_t position) {
        if (error_) return {};
        if (bits_used_ >= 8 * flags_.size()) {
            error_ = make_error("merkle_bits_exhausted", "the proof ran out of flag bits");
            return {};
        }
        const bool parent_of_match = (flags_[bits_used_ / 8] >> (bits_used_ % 8)) & 1;
        ++bits_used_;
        if (height == 0 || !parent_of_match) {
            if (hashes_used_ >= hashes_.size()) {
                error_ = make_error("merkle_hashes_exhausted", "the proof ran out of hashes");
                return {};
            }
            const Hash256& hash = hashes_[hashes_used_++];
            if (height == 0 && parent_of_match) matches_.push_back({hash, position});
            return hash;
        }
        const Hash256 left = visit(height - 1, 2 * position);
        Hash256 right = left;
        if (2 * position + 1 < tree_width(count_, height - 1)) {
            right = visit(height - 1, 2 * position + 1);
            if (!error_ && right == left) {
                error_ = make_error("merkle_duplicate_hash",
                                    "two sibling subtrees have the same hash (CVE-2012-2459)");
            }
        }
        if (error_) return {};
        return merkle_parent(left, right);
    }

    const std::optional<Error>& error() const { return error_; }
    size_t bits_used() const { return bits_used_; }
    size_t hashes_used() const { return hashes_used_; }

  private:
    uint32_t count_;
    const std::vector<Hash256>& hashes_;
    const Bytes& flags_;
    std::vector<MerkleMatch>& matches_;
    size_t bits_used_ = 0;
    size_t hashes_used_ = 0;
    std::optional<Error> error_;
};

}  // namespace

Status PartialMerkleTree::extract() {
    if (auto counts = check_counts(transaction_count_, hashes_.size()); !counts.ok()) return counts;
    if (8 * flags_.size() < hashes_.size()) {
        return make_error("merkle_too_few_bits", std::to_string(8 * flags_.size()) +
                                                     " flag bits for " +
                                                     std::to_string(hashes_.size()) + " hashes");
    }
    matches_.clear();
    Extractor extractor(transaction_count_, hashes_, flags_, matches_);
    const Hash256 root = extractor.visit(tree_height(transaction_count_), 0);
    if (extractor.error()) return *extractor.error();
    if ((extractor.bits_used() + 7) / 8 != flags_.size()) {
        return make_error("merkle_unused_bits",
                          std::to_string(flags_.size() - (extractor.bits_used() + 7) / 8) +
                              " flag bytes left unused");
    }
    if (extractor.hashes_used() != hashes_.size()) {
        return make_error(
            "merkle_unused_hashes",
            std::to_string(hashes_.size() - extractor.hashes_used()) + " hashes left unused");
    }
    const size_t used_in_last = extractor.bits_used() % 8;
    if (used_in_last != 0 && (flags_.back() >> used_in_last) != 0) {
        return make_error("merkle_nonzero_padding", "the unused flag bits are not zero");
    }
    root_ = root;
    return Ok{};
}

Result<PartialMerkleTree> PartialMerkleTree::read(ByteReader& reader) {
    PartialMerkleTree tree;
    auto transaction_count = reader.read_u32_le();
    if (!transaction_count.ok()) return transaction_count.error();
    tree.transaction_count_ = *transaction_count;

    auto hash_count = read_compact_size(reader);
    if (!hash_count.ok()) return hash_count.error();
    // Counts first, so a hostile count never reserves memory.
    if (auto counts = check_counts(*transaction_count, *hash_count); !counts.ok()) {
        return counts.error();
    }
    auto hash_bytes = reader.read_span(*hash_count * 32);
    if (!hash_bytes.ok()) return hash_bytes.error();
    tree.hashes_.resize(static_cast<size_t>(*hash_count));
    ByteReader hashes(*hash_bytes);
    for (Hash256& hash : tree.hashes_) hash = *hashes.read_array<32>();

    auto flag_count = read_compact_size(reader);
    if (!flag_count.ok()) return flag_count.error();
    auto flags = reader.read_span(*flag_count);
    if (!flags.ok()) return flags.error();
    tree.flags_.assign(flags->begin(), flags->end());

    if (auto extracted = tree.extract(); !extracted.ok()) return extracted.error();
    return tree;
}

Result<PartialMerkleTree> PartialMerkleTree::parse(ByteSpan bytes) {
    ByteReader reader(bytes);
    auto tree = read(reader);
    if (!tree.ok()) return tree;
    if (auto end = reader.expect_end(); !end.ok()) return end.error();
    return tree;
}

void PartialMerkleTree::write(ByteWriter& writer) const {
    writer.write_u32_le(transaction_count_);
    write_compact_size(writer, hashes_.size());
    for (const Hash256& hash : hashes_) writer.write_bytes(hash);
    write_compact_size(writer, flags_.size());
    writer.write_bytes(flags_);
}

Bytes PartialMerkleTree::serialize() const {
    ByteWriter writer(4 + 9 + 32 * hashes_.size() + 9 + flags_.size());
    write(writer);
    return std::move(writer).take();
}

Result<PartialMerkleTree> PartialMerkleTree::build(std::span<const Hash256> txids,
                                                   const std::vector<bool>& matches) {
    if (txids.size() != matches.size()) {
        return make_error("merkle_match_count_mismatch",
                          std::to_string(txids.size()) + " txids but " +
                              std::to_string(matches.size()) + " match flags");
    }
    if (auto counts = check_counts(txids.size(), 0); !counts.ok()) return counts.error();

    // Every level of the tree, hashes and "has a match below", computed once.
    const auto count = static_cast<uint32_t>(txids.size());
    const unsigned height = tree_height(count);
    std::vector<std::vector<Hash256>> hash_levels{std::vector<Hash256>(txids.begin(), txids.end())};
    std::vector<std::vector<bool>> match_levels{matches};
    for (unsigned h = 1; h <= height; ++h) {
        const auto& below = hash_levels.back();
        const auto& below_matches = match_levels.back();
        std::vector<Hash256> level(tree_width(count, h));
        std::vector<bool> level_matches(level.size());
        for (size_t i = 0; i < level.size(); ++i) {
            const size_t right = 2 * i + 1 < below.size() ? 2 * i + 1 : 2 * i;
            level[i] = merkle_parent(below[2 * i], below[right]);
            level_matches[i] = below_matches[2 * i] || below_matches[right];
        }
        hash_levels.push_back(std::move(level));
        match_levels.push_back(std::move(level_matches));
    }

    // Core's TraverseAndBuild.
    PartialMerkleTree tree;
    tree.transaction_count_ = count;
    size_t bits = 0;
    const auto push_bit = [&](bool bit) {
        if (bits % 8 == 0) tree.flags_.push_back(0);
        if (bit) tree.flags_.back() |= static_cast<uint8_t>(1u << (bits % 8));
        ++bits;
    };
    const auto traverse = [&](const auto& self, unsigned h, uint32_t position) -> void {
        const bool parent_of_match = match_levels[h][position];
        push_bit(parent_of_match);
        if (h == 0 || !parent_of_match) {
            tree.hashes_.push_back(hash_levels[h][position]);
            return;
        }
        self(self, h - 1, 2 * position);
        if (2 * position + 1 < tree_width(count, h - 1)) self(self, h - 1, 2 * position + 1);
    };
    traverse(traverse, height, 0);

    // The same checks a parsed tree passes (duplicate txids make a tree no one accepts).
    if (auto extracted = tree.extract(); !extracted.ok()) return extracted.error();
    return tree;
}

}  // namespace datt::bitcoin
