// AddressBook: linear probing over a table kept at most half full, so a lookup is usually one
// cache line.
#include "sim/address_book.hpp"

#include "sim/random.hpp"

#include <cstring>
#include <utility>

namespace convoy::sim {

std::uint64_t AddressBook::pack(const Address& address) {
  if (address.family != Address::Family::v4) return 0;
  // Equality of Address compares all 16 bytes: only pack when the unused 12 are zero.
  std::uint64_t tail[2] = {0, 0};
  std::memcpy(&tail[0], address.ip.data() + 4, 8);
  std::memcpy(&tail[1], address.ip.data() + 12, 4);
  if ((tail[0] | tail[1]) != 0) return 0;
  const std::uint64_t ip = (std::uint64_t{address.ip[0]} << 24) |
                           (std::uint64_t{address.ip[1]} << 16) |
                           (std::uint64_t{address.ip[2]} << 8) | std::uint64_t{address.ip[3]};
  return ((ip << 16) | address.port) + 1;  // + 1 keeps 0 free to mean "empty"
}

std::size_t AddressBook::probe(std::uint64_t key) const {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = static_cast<std::size_t>(mix64(key)) & mask;
  while (table_[i].key != 0 && table_[i].key != key) i = (i + 1) & mask;
  return i;
}

void AddressBook::grow() {
  std::vector<Entry> old = std::move(table_);
  table_.assign(old.empty() ? 64 : old.size() * 2, Entry{});
  for (const Entry& e : old) {
    if (e.key != 0) table_[probe(e.key)] = e;
  }
}

bool AddressBook::insert(const Address& address, Slot slot) {
  const std::uint64_t key = pack(address);
  if (key == 0) return others_.emplace(address, slot).second;
  if (2 * (count_ + 1) > table_.size()) grow();
  Entry& e = table_[probe(key)];
  if (e.key == key) return false;
  e = Entry{key, slot};
  ++count_;
  return true;
}

std::optional<Slot> AddressBook::find(const Address& address) const {
  const std::uint64_t key = pack(address);
  if (key == 0) {
    auto it = others_.find(address);
    if (it == others_.end()) return std::nullopt;
    return it->second;
  }
  if (table_.empty()) return std::nullopt;
  const Entry& e = table_[probe(key)];
  if (e.key != key) return std::nullopt;
  return e.slot;
}

}  // namespace convoy::sim
