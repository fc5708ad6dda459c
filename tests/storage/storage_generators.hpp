// RapidCheck generators for the storage tests: ids, items, peers and whole batches, named (not
// rc::Arbitrary specializations) so each test says which shape of input it means. Batches draw
// keys from a small set so that puts, erases and replaces keep hitting the same keys, and now and
// then break a rule (an empty or too-long key, a lower incarnation) so refusals are compared too.
#pragma once

#include "storage/storage.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace convoy::storage::testing {

inline rc::Gen<MemberId> gen_member_id() {
  return rc::gen::suchThat(rc::gen::construct<MemberId>(rc::gen::arbitrary<std::uint64_t>(),
                                                        rc::gen::arbitrary<std::uint64_t>()),
                           [](const MemberId& id) { return !id.is_nil(); });
}

/// Addresses as Address documents them (IPv4 zero past its 4 bytes): the only ones stored.
inline rc::Gen<Address> gen_address() {
  return rc::gen::apply(
      [](bool v6, const std::vector<std::uint8_t>& ip, std::uint16_t port) {
        Address a;
        a.family = v6 ? Address::Family::v6 : Address::Family::v4;
        std::copy_n(ip.begin(), a.ip_size(), a.ip.begin());
        a.port = port;
        return a;
      },
      rc::gen::arbitrary<bool>(),
      rc::gen::container<std::vector<std::uint8_t>>(16, rc::gen::arbitrary<std::uint8_t>()),
      rc::gen::arbitrary<std::uint16_t>());
}

inline rc::Gen<std::vector<Address>> gen_peers() {
  return rc::gen::resize(40, rc::gen::container<std::vector<Address>>(gen_address()));
}

/// Any valid key: 1..256 arbitrary bytes, NUL and 0xFF included.
inline rc::Gen<std::string> gen_key() {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, kMaxKeyBytes + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::arbitrary<char>());
  });
}

inline rc::Gen<std::string> gen_value() {
  return rc::gen::resize(600, rc::gen::arbitrary<std::string>());
}

inline rc::Gen<StoredItem> gen_stored_item() {
  return rc::gen::construct<StoredItem>(gen_key(), gen_value(), rc::gen::arbitrary<std::uint64_t>(),
                                        rc::gen::arbitrary<bool>());
}

/// Keys for batches: mostly a few that collide, sometimes any valid key, rarely an invalid one.
inline rc::Gen<std::string> gen_batch_key() {
  return rc::gen::weightedOneOf<std::string>(
      {{40, rc::gen::element<std::string>("a", "b", "c", "d", std::string("\0z", 2), "\xff")},
       {8, gen_key()},
       {1, rc::gen::element<std::string>("", std::string(kMaxKeyBytes + 1, 'k'))}});
}

inline rc::Gen<StoredItem> gen_batch_item() {
  return rc::gen::construct<StoredItem>(gen_batch_key(), gen_value(),
                                        rc::gen::inRange<std::uint64_t>(0, 100),
                                        rc::gen::arbitrary<bool>());
}

/// Unset `absent_weight` times in `absent_weight` + 1.
template <typename T>
rc::Gen<std::optional<T>> gen_sometimes(rc::Gen<T> gen, std::size_t absent_weight = 2) {
  return rc::gen::weightedOneOf<std::optional<T>>(
      {{absent_weight, rc::gen::just(std::optional<T>())},
       {1, rc::gen::map(std::move(gen), [](T v) { return std::optional<T>(std::move(v)); })}});
}

/// A batch of any shape. Incarnations are small and rarely set, so a lower one than the stored
/// comes up now and then (about one batch in six is refused, for a bad key or incarnation).
inline rc::Gen<Batch> gen_batch() {
  return rc::gen::apply(
      [](std::optional<std::uint64_t> incarnation, std::optional<std::uint64_t> epoch,
         std::optional<std::uint64_t> version, std::optional<std::uint64_t> gc, bool replace,
         std::vector<std::string> erase, std::vector<StoredItem> put,
         std::optional<std::vector<Address>> peers) {
        Batch b;
        b.incarnation = incarnation;
        b.store_epoch = epoch;
        b.store_version = version;
        b.gc_version = gc;
        b.replace_items = replace;
        b.erase_keys = std::move(erase);
        b.put_items = std::move(put);
        b.known_peers = std::move(peers);
        return b;
      },
      gen_sometimes(rc::gen::inRange<std::uint64_t>(0, 40), 6),
      gen_sometimes(rc::gen::arbitrary<std::uint64_t>()),
      gen_sometimes(rc::gen::arbitrary<std::uint64_t>()),
      gen_sometimes(rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::weightedOneOf<bool>({{9, rc::gen::just(false)}, {1, rc::gen::just(true)}}),
      rc::gen::resize(4, rc::gen::container<std::vector<std::string>>(gen_batch_key())),
      rc::gen::resize(6, rc::gen::container<std::vector<StoredItem>>(gen_batch_item())),
      gen_sometimes(gen_peers()));
}

}  // namespace convoy::storage::testing
