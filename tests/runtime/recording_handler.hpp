// RecordingHandler: a TransportHandler that keeps everything delivered to it, and can react to a
// stream message (reply, close the transport) from inside the callback like the Host will.
#pragma once

#include "runtime/transport_handler.hpp"

#include <convoy/address.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace convoy::runtime::testing {

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

inline std::string text_of(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

struct ReceivedDatagram {
  Address from;
  std::vector<std::uint8_t> bytes;
};

struct ReceivedMessage {
  StreamId stream = 0;
  Address peer;
  std::vector<std::uint8_t> bytes;
};

class RecordingHandler final : public TransportHandler {
 public:
  void on_datagram(const Address& from, std::span<const std::uint8_t> bytes) override {
    datagrams.push_back({from, {bytes.begin(), bytes.end()}});
  }

  void on_stream_message(StreamId stream, const Address& peer,
                         std::span<const std::uint8_t> bytes) override {
    messages.push_back({stream, peer, {bytes.begin(), bytes.end()}});
    if (react) react(messages.back());
  }

  void on_stream_failed(const Address& to) override { failed.push_back(to); }

  std::vector<ReceivedDatagram> datagrams;
  /// Destinations of connections that never opened.
  std::vector<Address> failed;
  std::vector<ReceivedMessage> messages;
  /// Called inside on_stream_message, after recording.
  std::function<void(const ReceivedMessage&)> react;
};

}  // namespace convoy::runtime::testing
