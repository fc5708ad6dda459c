// EventHub and EventStream: one rendering per event, filters per stream, bounded queues that
// drop and count instead of waiting, released streams forgotten, close() ending every wait, and
// a fan-out to many streams that never waits for any of them.
#include "http/event_hub.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace convoy::app {
namespace {

using namespace std::chrono_literals;

Event key_event(const std::string& key, std::uint64_t version) {
  Event e;
  e.kind = Event::Kind::key_set;
  e.member = MemberId{1, 2};
  e.key = key;
  e.value = "v";
  e.version = version;
  return e;
}

Event member_event() {
  Event e;
  e.kind = Event::Kind::member_dead;
  e.member = MemberId{3, 4};
  e.incarnation = 7;
  return e;
}

TEST(EventHub, DeliversWhatEachFilterPasses) {
  EventHub hub(10, 10);
  EventFilter keys_only;
  keys_only.members = false;
  keys_only.key_prefix = "svc/";
  auto all = hub.open({});
  auto keys = hub.open(keys_only);
  hub.publish(key_event("svc/a", 1));
  hub.publish(key_event("other", 2));
  hub.publish(member_event());
  auto a = all->wait(0ms);
  auto k = keys->wait(0ms);
  ASSERT_EQ(a.frames.size(), 3u);
  ASSERT_EQ(k.frames.size(), 1u);
  // One rendering, shared by every stream that takes it.
  EXPECT_EQ(a.frames[0].get(), k.frames[0].get());
  EXPECT_NE(a.frames[0]->find("event: key_set\ndata: {"), std::string::npos);
  EXPECT_NE(a.frames[2]->find("\"kind\":\"member_dead\""), std::string::npos);
  EXPECT_TRUE(a.frames[2]->ends_with("\n\n"));
}

TEST(EventHub, AFullQueueDropsAndCountsWithoutWaiting) {
  EventHub hub(10, 3);
  auto slow = hub.open({});
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) hub.publish(key_event("k", static_cast<std::uint64_t>(i)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  auto batch = slow->wait(0ms);
  EXPECT_EQ(batch.frames.size(), 3u);
  EXPECT_EQ(batch.dropped, 997u);
  EXPECT_EQ(hub.frames_dropped(), 997u);
  // The count is reported once; the stream goes on.
  hub.publish(key_event("k", 2000));
  batch = slow->wait(0ms);
  EXPECT_EQ(batch.dropped, 0u);
  EXPECT_EQ(batch.frames.size(), 1u);
}

TEST(EventHub, LimitsStreamsAndForgetsReleasedOnes) {
  EventHub hub(2, 4);
  auto a = hub.open({});
  auto b = hub.open({});
  EXPECT_EQ(hub.open({}), nullptr);
  hub.release(a);
  EXPECT_EQ(hub.open_streams(), 1u);
  EXPECT_NE(hub.open({}), nullptr);
  hub.publish(key_event("k", 1));
  EXPECT_TRUE(a->wait(0ms).frames.empty());  // released: nothing more arrives
}

TEST(EventHub, CloseEndsEveryWait) {
  EventHub hub(10, 4);
  auto s = hub.open({});
  std::thread closer([&] {
    std::this_thread::sleep_for(50ms);
    hub.close();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto batch = s->wait(10s);
  closer.join();
  EXPECT_TRUE(batch.closed);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(hub.open({}), nullptr);
}

TEST(EventHub, FansOutToAThousandStalledStreamsQuickly) {
  EventHub hub(1000, 8);
  std::vector<std::shared_ptr<EventStream>> streams;
  for (int i = 0; i < 1000; ++i) streams.push_back(hub.open({}));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) hub.publish(key_event("k", static_cast<std::uint64_t>(i)));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 2s) << "100 events to 1,000 streams";
  EXPECT_EQ(hub.frames_dropped(), 1000u * 92u);
}

TEST(SseFrame, DataIsOneLineWhateverTheValue) {
  Event e = key_event("line\nbreak", 1);
  e.value = "a\r\nb\n\nc";
  const std::string frame = sse_frame(9, e);
  EXPECT_TRUE(frame.starts_with("id: 9\nevent: key_set\ndata: "));
  EXPECT_EQ(std::count(frame.begin(), frame.end(), '\n'), 4) << frame;
}

}  // namespace
}  // namespace convoy::app
