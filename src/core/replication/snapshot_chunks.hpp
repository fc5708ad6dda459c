// SnapshotChunks: store state cut to fit the stream path. A receiver refuses any stream message
// above network.max_stream_message, yet a join or a resync may have to carry every store the
// configured limits allow. So snapshots are grouped into messages within a byte budget, and a
// snapshot too big for one message is split into pieces that apply one after another: a
// complete snapshot becomes a complete piece up to some version followed by range transfers,
// a range transfer becomes consecutive ranges. Each piece is valid alone (a receiver that gets
// only the first pieces is correct, merely behind), so nothing depends on all of them arriving.
#pragma once

#include "wire/message.hpp"

#include <cstddef>
#include <vector>

namespace convoy::core {

/// Cuts `snapshot` (items in version order) into pieces of at most `budget` encoded bytes
/// each, to be applied in order. A single item larger than `budget` travels alone in a piece.
[[nodiscard]] std::vector<wire::StoreSnapshot> split_snapshot(wire::StoreSnapshot snapshot,
                                                              std::size_t budget);

/// Groups `snapshots` into messages: the first of at most `first_budget` encoded bytes of
/// snapshots (it may be empty when even the smallest piece does not fit there), the others of at
/// most `budget`. Big snapshots are split. Order is kept.
[[nodiscard]] std::vector<std::vector<wire::StoreSnapshot>> chunk_snapshots(
    std::vector<wire::StoreSnapshot> snapshots, std::size_t first_budget, std::size_t budget);

}  // namespace convoy::core
