#include "bitcoin/merkle_block.h"

#include "bitcoin/display_hash.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace datt::bitcoin {

Result<MerkleBlock> MerkleBlock::parse(ByteSpan bytes) {
    ByteReader reader(bytes);
    auto header = read_block_header(reader);
    if (!header.ok()) return header.error();
    auto tree = PartialMerkleTree::read(reader);
    if (!tree.ok()) return tree.error();
    if (auto end = reader.expect_end(); !end.ok()) return end.error();
    return MerkleBlock(*header, std::move(tree.value()));
}

MerkleBlock MerkleBlock::from_parts(const BlockHeader& header, PartialMerkleTree tree) {
    return MerkleBlock(header, std::move(tree));
}

Bytes MerkleBlock::serialize() const {
    ByteWriter writer;
    write_block_header(writer, header_);
    tree_.write(writer);
    return std::move(writer).take();
}

Result<TxInclusionProof> verify_merkle_block(const MerkleBlock& block) {
    if (block.tree().root() != block.header().merkle_root) {
        return make_error("merkle_root_mismatch", "the proof leads to root " +
                                                      to_display_hex(block.tree().root()) +
                                                      ", the header commits to " +
                                                      to_display_hex(block.header().merkle_root));
    }
    return TxInclusionProof{block.header(), block_hash(block.header()), block.tree().matches(),
                            block.tree().transaction_count()};
}

Result<TxInclusionProof> verify_merkle_block(ByteSpan bytes) {
    auto block = MerkleBlock::parse(bytes);
    if (!block.ok()) return block.error();
    return verify_merkle_block(*block);
}

}  // namespace datt::bitcoin
