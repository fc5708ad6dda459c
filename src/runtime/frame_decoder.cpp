// FrameDecoder: see the header. The only subtle part is memory: a body is copied only when it
// arrives split across reads, and trim() releases the buffer that collected a large body, so a
// connection that once carried 8 MiB does not hold 8 MiB for the rest of its life.
#include "runtime/frame_decoder.hpp"

#include <algorithm>
#include <cassert>

namespace convoy::runtime {
namespace {

// Capacity a decoder keeps between reads; beyond it the buffer is freed and regrown on demand.
// Small: every open connection keeps it, most idle (a seed holds one per recent joiner), and a
// frame split across reads is a large one (a state transfer), rare enough to allocate for.
constexpr std::size_t retained_body_capacity = 8 * 1024;

}  // namespace

FrameDecoder::Result FrameDecoder::consume(std::span<const std::uint8_t>& input) {
  assert(!failed_ && "FrameDecoder used after refusing a frame");
  frame_ = {};
  if (!in_body_) {
    const std::size_t take = std::min(frame_header_size - header_filled_, input.size());
    std::copy_n(input.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(header_filled_));
    header_filled_ += take;
    input = input.subspan(take);
    if (header_filled_ < frame_header_size) return Result::need_more;
    header_filled_ = 0;
    body_length_ = decode_frame_header(header_);
    if (body_length_ > max_frame_) {
      failed_ = true;
      return Result::oversized;
    }
    if (body_length_ <= input.size()) {
      // The whole body is already here: hand out a view, no copy. Covers the empty frame too.
      frame_ = input.first(body_length_);
      input = input.subspan(body_length_);
      return Result::frame;
    }
    in_body_ = true;
    body_.clear();
  }
  const std::size_t take = std::min(body_length_ - body_.size(), input.size());
  body_.insert(body_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
  input = input.subspan(take);
  if (body_.size() < body_length_) return Result::need_more;
  in_body_ = false;
  frame_ = body_;
  return Result::frame;
}

void FrameDecoder::trim() {
  frame_ = {};
  // Not `body_ = {}`: that assigns an empty initializer list and keeps the capacity.
  if (!in_body_ && body_.capacity() > retained_body_capacity)
    std::vector<std::uint8_t>().swap(body_);
}

}  // namespace convoy::runtime
