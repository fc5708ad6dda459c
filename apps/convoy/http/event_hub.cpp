// EventHub and EventStream: see event_hub.hpp.
#include "http/event_hub.hpp"

#include "http/json_model.hpp"

#include <algorithm>

namespace convoy::app {

EventStream::EventStream(EventFilter filter, std::size_t capacity)
    : filter_(std::move(filter)), capacity_(capacity) {}

void EventStream::offer(const Frame& frame) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      ++dropped_;
      dropped_total_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue_.push_back(frame);
  }
  ready_.notify_one();
}

EventStream::Batch EventStream::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty() || dropped_ > 0; });
  Batch batch;
  batch.closed = closed_;
  batch.dropped = std::exchange(dropped_, 0);
  batch.frames.assign(std::make_move_iterator(queue_.begin()),
                      std::make_move_iterator(queue_.end()));
  queue_.clear();
  return batch;
}

void EventStream::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::string sse_frame(std::uint64_t id, const Event& event) {
  std::string frame = "id: " + std::to_string(id) + "\nevent: ";
  frame += to_string(event.kind);
  // dump_json escapes every control character, so the data is one line as SSE requires.
  frame += "\ndata: " + dump_json(event_json(event)) + "\n\n";
  return frame;
}

EventHub::EventHub(std::size_t max_streams, std::size_t queue_capacity)
    : max_streams_(max_streams), queue_capacity_(queue_capacity) {}

EventHub::~EventHub() {
  subscription_.cancel();
  close();
}

void EventHub::attach(Directory& directory) {
  subscription_ = directory.subscribe(EventFilter{}, [this](const Event& e) { publish(e); });
}

std::shared_ptr<EventStream> EventHub::open(EventFilter filter) {
  std::lock_guard lock(mutex_);
  if (closed_ || streams_.size() >= max_streams_) return nullptr;
  auto stream = std::make_shared<EventStream>(std::move(filter), queue_capacity_);
  streams_.push_back(stream);
  return stream;
}

void EventHub::release(const std::shared_ptr<EventStream>& stream) {
  stream->close();
  std::lock_guard lock(mutex_);
  auto it = std::find(streams_.begin(), streams_.end(), stream);
  if (it != streams_.end()) {
    dropped_by_released_ += stream->dropped_total();
    streams_.erase(it);
  }
}

void EventHub::close() {
  std::vector<std::shared_ptr<EventStream>> streams;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    streams = streams_;
  }
  for (auto& s : streams) s->close();
}

void EventHub::publish(const Event& event) {
  published_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  // Rendered at most once, and only if some stream wants it.
  Frame frame;
  for (const auto& stream : streams_) {
    if (!stream->filter().passes(event)) continue;
    if (!frame) frame = std::make_shared<const std::string>(sse_frame(++sequence_, event));
    stream->offer(frame);
  }
}

std::size_t EventHub::open_streams() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

std::uint64_t EventHub::frames_dropped() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = dropped_by_released_;
  for (const auto& s : streams_) total += s->dropped_total();
  return total;
}

}  // namespace convoy::app
