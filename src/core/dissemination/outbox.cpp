// Outbox: packing and sending (see outbox.hpp).
#include "core/dissemination/outbox.hpp"

#include "wire/codec.hpp"

#include <cmath>

namespace convoy::core {

Outbox::Outbox(Context& context, const Membership& membership)
    : ctx_(context), membership_(membership) {}

void Outbox::start(TimePoint now) {
  const Duration period = ctx_.config.dissemination.gossip_interval;
  next_gossip_ = now + Duration(static_cast<Duration::rep>(
                           ctx_.rng.below(static_cast<std::uint64_t>(period.count()) + 1)));
}

void Outbox::tick(TimePoint now) {
  if (now < next_gossip_) return;
  next_gossip_ = now + ctx_.config.dissemination.gossip_interval;
  if (idle()) return;
  for (std::uint32_t slot : membership_.sample_active(ctx_.config.dissemination.fanout,
                                                      MemberTable::kNoSlot, ctx_.rng)) {
    if (idle()) break;
    send(membership_.at(slot).address, wire::Gossip{});
  }
}

void Outbox::gossip_now() {
  for (std::uint32_t slot :
       membership_.sample_active(ctx_.config.dissemination.fanout, MemberTable::kNoSlot, ctx_.rng))
    send(membership_.at(slot).address, wire::Gossip{});
}

bool Outbox::idle() const {
  return news_.empty() && (extra_ == nullptr || !extra_->has_news());
}

std::uint32_t Outbox::retransmit_limit() const {
  const double n = static_cast<double>(membership_.cluster_size());
  return ctx_.config.dissemination.factor *
         static_cast<std::uint32_t>(std::ceil(std::log(n + 1.0)));
}

void Outbox::send(const Address& to, wire::Body body) {
  send_datagram(to, std::move(body), MemberTable::kNoSlot);
}

void Outbox::send_with_news_of(const Address& to, wire::Body body, std::uint32_t slot) {
  send_datagram(to, std::move(body), slot);
}

void Outbox::send_datagram(const Address& to, wire::Body body, std::uint32_t first_slot) {
  if (auto* ping = std::get_if<wire::Ping>(&body); ping != nullptr && rider_ != nullptr)
    rider_->board(*ping);
  wire::Packer packer(wire::Packet{std::move(body), {}, {}},
                      ctx_.config.dissemination.packet_budget);
  if (first_slot != MemberTable::kNoSlot) packer.try_add(membership_.update_of(first_slot));
  const std::uint32_t limit = retransmit_limit();
  if (!news_.empty()) {
    const MemberKey buddy = first_slot != MemberTable::kNoSlot ? key_of_slot(first_slot) : kSelfKey;
    news_.select(limit, [&](MemberKey key) {
      // Already carried first (the buddy system): this counts as its send, once.
      if (first_slot != MemberTable::kNoSlot && key == buddy) return BroadcastQueue::Verdict::taken;
      const wire::MemberUpdate u =
          is_self_key(key) ? membership_.self() : membership_.update_of(slot_of_key(key));
      if (!packer.try_add(u)) return BroadcastQueue::Verdict::full;
      ++ctx_.stats.updates_piggybacked;
      return BroadcastQueue::Verdict::taken;
    });
  }
  if (extra_ != nullptr && extra_->has_news()) {
    oversized_.clear();
    extra_->fill(packer, limit, oversized_);
    // A value too large for any datagram rides the stream path to the same peer instead.
    for (wire::StoreDelta& delta : oversized_)
      send_stream(to, wire::Packet{wire::Gossip{}, {}, {std::move(delta)}});
  }
  const wire::Bytes bytes = packer.finish();
  ++ctx_.stats.datagrams_sent;
  ctx_.stats.bytes_sent += bytes.size();
  ctx_.env.send_datagram(to, bytes);
}

void Outbox::send_packet(const Address& to, const wire::Packet& packet) {
  const wire::Bytes bytes = wire::encode(packet);
  ++ctx_.stats.datagrams_sent;
  ctx_.stats.bytes_sent += bytes.size();
  ctx_.env.send_datagram(to, bytes);
}

void Outbox::send_stream(const Address& to, const wire::Packet& packet) {
  wire::Bytes bytes = wire::encode(packet);
  ++ctx_.stats.streams_sent;
  ctx_.stats.bytes_sent += bytes.size();
  ctx_.env.send_stream(to, std::move(bytes));
}

void Outbox::reply(const Origin& origin, const wire::Packet& packet) {
  wire::Bytes bytes = wire::encode(packet);
  ctx_.stats.bytes_sent += bytes.size();
  if (origin.path == Origin::Path::stream) {
    ++ctx_.stats.streams_sent;
    ctx_.env.reply(origin.stream, std::move(bytes));
  } else if (bytes.size() <= ctx_.config.dissemination.packet_budget) {
    ++ctx_.stats.datagrams_sent;
    ctx_.env.send_datagram(origin.from, bytes);
  } else {
    ++ctx_.stats.streams_sent;
    ctx_.env.send_stream(origin.from, std::move(bytes));
  }
}

}  // namespace convoy::core

namespace convoy::core {

void Outbox::reply_by_stream(const Origin& origin, const wire::Packet& packet) {
  if (origin.path == Origin::Path::stream) {
    reply(origin, packet);
  } else {
    send_stream(origin.from, packet);
  }
}

}  // namespace convoy::core
