// AddressBook: the registry from a node's address to its slot, consulted for every message
// sent. A general hash map of Address spent a quarter of the engine's time on pointer chasing
// and byte-wise compares, so IPv4 addresses (all the simulator generates) are packed into one
// integer and kept in a flat open-addressing table; anything else falls back to a std map.
#pragma once

#include "sim/port.hpp"

#include <convoy/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace convoy::sim {

class AddressBook {
 public:
  /// False (and no change) if the address is already present.
  bool insert(const Address& address, Slot slot);
  [[nodiscard]] std::optional<Slot> find(const Address& address) const;
  [[nodiscard]] bool contains(const Address& address) const { return find(address).has_value(); }
  [[nodiscard]] std::size_t size() const { return count_ + others_.size(); }

 private:
  struct Entry {
    std::uint64_t key = 0;  ///< 0: empty
    Slot slot = 0;
  };

  /// A nonzero integer equal for equal IPv4 addresses, or 0 if `address` is not a plain IPv4
  /// one (then it lives in others_).
  static std::uint64_t pack(const Address& address);
  [[nodiscard]] std::size_t probe(std::uint64_t key) const;
  void grow();

  std::vector<Entry> table_;  ///< power-of-two size, at most half full
  std::size_t count_ = 0;
  std::unordered_map<Address, Slot> others_;
};

}  // namespace convoy::sim
