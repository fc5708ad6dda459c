// FrameDecoder: turns the bytes a TCP connection yields, in whatever pieces the kernel hands
// them over, back into whole frames (see frame.hpp). It is pure, so splits at every possible
// byte boundary can be tested without sockets, and it is where a hostile length is refused:
// a header claiming more than max_frame fails the decoder before a single byte of the claimed
// size is allocated. A body is accumulated as it arrives, so a peer that announces 8 MiB and
// sends 10 bytes costs 10 bytes, not 8 MiB.
#pragma once

#include "runtime/frame.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace convoy::runtime {

class FrameDecoder {
 public:
  enum class Result : std::uint8_t {
    need_more,  ///< the input is used up and no frame completed
    frame,      ///< a frame completed: read it with frame() before the next consume()
    oversized,  ///< a header claimed more than max_frame; the decoder must not be used again
  };

  explicit FrameDecoder(std::size_t max_frame) : max_frame_(max_frame) {}

  /// Takes bytes from the front of `input` until one frame completes, `input` is used up, or a
  /// header is refused. Call it again with the rest of `input` to get the next frame.
  Result consume(std::span<const std::uint8_t>& input);

  /// The body of the frame the last consume() completed. It may point into the input passed to
  /// that consume() (when the whole body was there), so it is valid only while that input is
  /// and until the next consume().
  [[nodiscard]] std::span<const std::uint8_t> frame() const { return frame_; }

  /// True while a frame has begun (at least one header byte) but not completed: the state in
  /// which a silent peer holds a connection hostage, hence the connection's read deadline.
  [[nodiscard]] bool mid_frame() const { return header_filled_ > 0 || in_body_; }

  /// Frees the buffer a large split frame was collected in, unless a frame is still arriving
  /// in it. Call it once the frames handed out are done with (it ends frame()'s validity): a
  /// connection then does not hold its largest frame for the rest of its life, idle.
  void trim();

  /// Bytes of buffer the decoder holds (its memory cost while idle).
  [[nodiscard]] std::size_t held_bytes() const { return body_.capacity(); }

 private:
  std::size_t max_frame_;
  FrameHeader header_{};
  std::size_t header_filled_ = 0;
  bool in_body_ = false;  // the header is complete and the body is not
  std::size_t body_length_ = 0;
  std::vector<std::uint8_t> body_;  // the body so far, when it arrives in more than one piece
  std::span<const std::uint8_t> frame_;
  bool failed_ = false;
};

}  // namespace convoy::runtime
