// encoded_size() (codec.hpp): what an update, delta, item or snapshot adds to an encoded packet,
// so that packers and chunkers fill a budget without encoding to find out.
#include "wire/codec.hpp"
#include "wire/pb_conversion.hpp"

#include <google/protobuf/io/coded_stream.h>

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>

namespace convoy::wire {
namespace {

using google::protobuf::io::CodedOutputStream;

// Bytes a length-delimited sub-message of `payload` bytes adds to a repeated field `field`.
std::size_t framed_size(int field, std::size_t payload) {
  const auto wire_type_length_delimited = 2u;
  const auto tag = (static_cast<std::uint32_t>(field) << 3) | wire_type_length_delimited;
  return CodedOutputStream::VarintSize32(tag) +
         CodedOutputStream::VarintSize64(static_cast<std::uint64_t>(payload)) + payload;
}

// Sizes of single proto3 fields as protobuf writes them: a field holding its default (0, false,
// empty) is left out entirely. The wire type occupies the tag's low 3 bits, so it never changes
// the tag's varint length and the field number alone decides it.
std::size_t tag_size(int field) {
  return CodedOutputStream::VarintSize32(static_cast<std::uint32_t>(field) << 3);
}
std::size_t fixed64_field_size(int field, std::uint64_t v) {
  return v == 0 ? 0 : tag_size(field) + sizeof(std::uint64_t);
}
std::size_t varint_field_size(int field, std::uint64_t v) {
  return v == 0 ? 0 : tag_size(field) + CodedOutputStream::VarintSize64(v);
}
std::size_t bool_field_size(int field, bool v) {
  return v ? tag_size(field) + 1 : 0;
}
std::size_t bytes_field_size(int field, const std::string& v) {
  return v.empty() ? 0 : tag_size(field) + CodedOutputStream::VarintSize64(v.size()) + v.size();
}

// pb::StoreDelta's ByteSizeLong() for `d`, computed field by field (mirroring to_pb) instead of
// measured on a converted message: that would copy the key and value, up to the core's value
// limit, for every delta a Packer merely considers. Debug builds check it against protobuf.
std::size_t delta_payload_size(const StoreDelta& d) {
  using M = pb::StoreDelta;
  return fixed64_field_size(M::kOwnerHiFieldNumber, d.owner.hi) +
         fixed64_field_size(M::kOwnerLoFieldNumber, d.owner.lo) +
         varint_field_size(M::kEpochFieldNumber, d.epoch) +
         bytes_field_size(M::kKeyFieldNumber, d.item.key) +
         bytes_field_size(M::kValueFieldNumber, d.item.value) +
         varint_field_size(M::kVersionFieldNumber, d.item.version) +
         bool_field_size(M::kDeletedFieldNumber, d.item.deleted);
}

// pb::StoreItem's and pb::StoreSnapshot's ByteSizeLong(), computed like delta_payload_size():
// the chunking of big store transfers measures every item, and converting each would copy it.
std::size_t item_payload_size(const StoreItem& item) {
  using M = pb::StoreItem;
  return bytes_field_size(M::kKeyFieldNumber, item.key) +
         bytes_field_size(M::kValueFieldNumber, item.value) +
         varint_field_size(M::kVersionFieldNumber, item.version) +
         bool_field_size(M::kDeletedFieldNumber, item.deleted);
}

std::size_t snapshot_payload_size(const StoreSnapshot& s) {
  using M = pb::StoreSnapshot;
  std::size_t n = fixed64_field_size(M::kOwnerHiFieldNumber, s.owner.hi) +
                  fixed64_field_size(M::kOwnerLoFieldNumber, s.owner.lo) +
                  varint_field_size(M::kEpochFieldNumber, s.epoch) +
                  varint_field_size(M::kVersionFieldNumber, s.version) +
                  varint_field_size(M::kSinceFieldNumber, s.since) +
                  bool_field_size(M::kCompleteFieldNumber, s.complete);
  for (const StoreItem& item : s.items)
    n += framed_size(M::kItemsFieldNumber, item_payload_size(item));
  return n;
}

// The formulas above must give what protobuf writes; debug builds check every call against the
// converted message (release builds skip the conversion, which is what the formulas save).
template <typename Message, typename T>
std::size_t checked(const T& value, std::size_t payload) {
#ifndef NDEBUG
  Message msg;
  to_pb(value, msg);
  assert(payload == msg.ByteSizeLong() && "payload size formula out of step with the schema");
#else
  static_cast<void>(value);
#endif
  return payload;
}

}  // namespace

std::size_t encoded_size(const MemberUpdate& update) {
  // Measured by protobuf itself rather than by a formula of ours, so it stays exact when the
  // schema or the conversion changes. Fields holding defaults (port 0, incarnation 0) are
  // omitted on the wire, which is why the size depends on the values.
  pb::MemberUpdate msg;
  to_pb(update, msg);
  return framed_size(pb::Packet::kUpdatesFieldNumber, msg.ByteSizeLong());
}

std::size_t encoded_size(const StoreDelta& delta) {
  const std::size_t payload = checked<pb::StoreDelta>(delta, delta_payload_size(delta));
  return framed_size(pb::Packet::kDeltasFieldNumber, payload);
}

std::size_t encoded_size(const StoreItem& item) {
  const std::size_t payload = checked<pb::StoreItem>(item, item_payload_size(item));
  return framed_size(pb::StoreSnapshot::kItemsFieldNumber, payload);
}

std::size_t encoded_size(const StoreSnapshot& snapshot) {
  const std::size_t payload = checked<pb::StoreSnapshot>(snapshot, snapshot_payload_size(snapshot));
  // StoreSync.snapshots is field 1 and JoinResponse.stores field 2: both one-byte tags.
  return framed_size(pb::StoreSync::kSnapshotsFieldNumber, payload);
}

}  // namespace convoy::wire
