// The two directions between the C++ messages (message.hpp) and their Protocol Buffers form
// (proto/convoy.proto): to_pb() for encoding and measuring, from_pb() for decoding. Internal to
// convoy_wire: codec.cpp, encoded_size.cpp and packer.cpp use them; nothing else sees protobuf.
#pragma once

#include "wire/message.hpp"

#include "convoy.pb.h"

namespace convoy::wire {

void to_pb(const Packet& packet, pb::Packet& out);
void to_pb(const MemberUpdate& update, pb::MemberUpdate& out);
void to_pb(const StoreDelta& delta, pb::StoreDelta& out);
void to_pb(const StoreItem& item, pb::StoreItem& out);
void to_pb(const StoreSnapshot& snapshot, pb::StoreSnapshot& out);

/// Converts a parsed packet, checking every rule protobuf cannot express (docs/protocol.md,
/// "Validation"); false when one is broken, and `out` is then unspecified.
[[nodiscard]] bool from_pb(const pb::Packet& in, Packet& out);

}  // namespace convoy::wire
