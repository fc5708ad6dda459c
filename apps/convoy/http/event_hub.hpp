// EventHub: the agent's event streams (Server-Sent Events) fed from ONE directory subscription.
// Each event is rendered once into an SSE frame and handed to every open stream whose filter it
// passes; each stream holds at most `queue_capacity` frames for its client and, when full, drops
// new ones and counts them (the client is told with an `overflow` frame before its next event).
// The fan-out never waits for a client: a stalled or vanished client costs its own queue, never
// the subscription thread, other clients, or the protocol. A thousand streams are a thousand
// small queues, not a thousand subscriptions inside the Host.
#pragma once

#include <convoy/event.hpp>
#include <convoy/host.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace convoy::app {

using Frame = std::shared_ptr<const std::string>;

/// One client's stream: a bounded queue of frames.
class EventStream {
 public:
  EventStream(EventFilter filter, std::size_t capacity);

  struct Batch {
    std::vector<Frame> frames;
    std::uint64_t dropped = 0;  ///< frames lost since the last batch
    bool closed = false;        ///< the hub is shutting down: end the stream
  };
  /// Waits up to `timeout` for frames; takes everything queued.
  [[nodiscard]] Batch wait(std::chrono::milliseconds timeout);

  [[nodiscard]] const EventFilter& filter() const { return filter_; }
  /// Queues a frame, or drops and counts it when full. Never blocks for long.
  void offer(const Frame& frame);
  void close();
  [[nodiscard]] std::uint64_t dropped_total() const { return dropped_total_.load(); }

 private:
  EventFilter filter_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Frame> queue_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
  std::atomic<std::uint64_t> dropped_total_{0};
};

class EventHub {
 public:
  EventHub(std::size_t max_streams, std::size_t queue_capacity);
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  /// Subscribes to `directory` (once; before any stream opens).
  void attach(Directory& directory);
  /// Cancels the subscription (before the Host goes away).
  void detach() { subscription_.cancel(); }

  /// A new stream, or nullptr when max_streams are open. The stream ends (closes) when the
  /// returned handle is released.
  [[nodiscard]] std::shared_ptr<EventStream> open(EventFilter filter);
  void release(const std::shared_ptr<EventStream>& stream);
  /// Ends every stream (the server is stopping); open() refuses from now on.
  void close();

  /// Renders and fans out one event (the subscription's callback; public for tests).
  void publish(const Event& event);

  [[nodiscard]] std::size_t open_streams() const;
  [[nodiscard]] std::uint64_t events_published() const { return published_.load(); }
  [[nodiscard]] std::uint64_t frames_dropped() const;
  [[nodiscard]] std::size_t max_streams() const { return max_streams_; }

 private:
  std::size_t max_streams_;
  std::size_t queue_capacity_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EventStream>> streams_;
  bool closed_ = false;
  std::uint64_t sequence_ = 0;
  std::uint64_t dropped_by_released_ = 0;
  std::atomic<std::uint64_t> published_{0};
  Subscription subscription_;
};

/// The SSE frame of an event: "id: N\nevent: KIND\ndata: {json}\n\n".
[[nodiscard]] std::string sse_frame(std::uint64_t id, const Event& event);

}  // namespace convoy::app
