// Addressing: the addresses the simulator gives nodes when the scenario does not choose them.
// Readable (10.0.0.1, 10.0.0.2, ...) so traces and logs can be matched to slots by eye.
#pragma once

#include <convoy/address.hpp>

#include <cstdint>
#include <stdexcept>

namespace convoy::sim {

inline constexpr std::uint16_t kDefaultPort = 7946;
/// 10.0.0.0/8 minus its first and last address.
inline constexpr std::uint32_t kMaxGeneratedAddresses = (1u << 24) - 2;

/// The address of the index-th node: 10.0.0.1 for 0, 10.0.1.0 for 255, and so on through
/// 10.255.255.254, so well over the 65,536 nodes a simulation may hold.
[[nodiscard]] inline Address node_address(std::uint32_t index, std::uint16_t port = kDefaultPort) {
  if (index >= kMaxGeneratedAddresses) throw std::out_of_range("sim: too many node addresses");
  const std::uint32_t host = index + 1;
  return Address::v4(10, static_cast<std::uint8_t>(host >> 16),
                     static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host), port);
}

}  // namespace convoy::sim
