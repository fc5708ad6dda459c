// SnapshotChunks: splitting and grouping store snapshots (see snapshot_chunks.hpp).
#include "core/replication/snapshot_chunks.hpp"

#include "wire/codec.hpp"

#include <cassert>
#include <utility>

namespace convoy::core {

std::vector<wire::StoreSnapshot> split_snapshot(wire::StoreSnapshot snapshot, std::size_t budget) {
  std::vector<wire::StoreSnapshot> pieces;
  if (wire::encoded_size(snapshot) <= budget) {
    pieces.push_back(std::move(snapshot));
    return pieces;
  }
  const std::uint64_t watermark = snapshot.version;
  std::vector<wire::StoreItem> items = std::move(snapshot.items);
  snapshot.items.clear();
  wire::StoreSnapshot piece = snapshot;
  std::size_t size = wire::encoded_size(piece);
  for (wire::StoreItem& item : items) {
    const std::size_t n = wire::encoded_size(item);
    // + 4: the piece's own length prefix may grow (a varint) as items are added to it.
    if (!piece.items.empty() && size + n + 4 > budget) {
      // Close this piece at its highest version: it carries every item up to there (items come
      // in version order), so a complete piece may drop what it does not list up to there, and
      // the next piece is the range just above it.
      piece.version = piece.items.back().version;
      const std::uint64_t since = piece.version;
      pieces.push_back(std::move(piece));
      piece = snapshot;
      piece.complete = false;
      piece.since = since;
      piece.items.clear();
      size = wire::encoded_size(piece);
    }
    assert(piece.items.empty() || piece.items.back().version <= item.version);
    size += n;
    piece.items.push_back(std::move(item));
  }
  piece.version = watermark;  // the last piece carries the sender's true watermark
  pieces.push_back(std::move(piece));
  return pieces;
}

std::vector<std::vector<wire::StoreSnapshot>> chunk_snapshots(
    std::vector<wire::StoreSnapshot> snapshots, std::size_t first_budget, std::size_t budget) {
  std::vector<std::vector<wire::StoreSnapshot>> chunks(1);
  std::size_t room = first_budget;
  for (wire::StoreSnapshot& snapshot : snapshots) {
    const std::size_t n = wire::encoded_size(snapshot);
    if (n <= room) {
      chunks.back().push_back(std::move(snapshot));
      room -= n;
      continue;
    }
    for (wire::StoreSnapshot& piece : split_snapshot(std::move(snapshot), budget)) {
      const std::size_t p = wire::encoded_size(piece);
      if (p > room && !(chunks.size() > 1 && chunks.back().empty())) {
        chunks.emplace_back();
        room = budget;
      }
      chunks.back().push_back(std::move(piece));
      room = p > room ? 0 : room - p;
    }
  }
  return chunks;
}

}  // namespace convoy::core
