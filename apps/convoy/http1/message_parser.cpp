// MessageParser over http-parser: see message_parser.hpp.
#include "http1/message_parser.hpp"

#include <http_parser.h>

#include <algorithm>
#include <cstring>

namespace convoy::app {

class MessageParser::Impl {
 public:
  Impl(Kind kind, MessageLimits limits) : limits_(limits) {
    http_parser_init(&parser_, kind == Kind::request ? HTTP_REQUEST : HTTP_RESPONSE);
    parser_.data = this;
  }

  std::size_t feed(std::string_view bytes) {
    std::size_t used = 0;
    while (used < bytes.size() && state_ == ParseState::incomplete) {
      const std::size_t slice = std::min(bytes.size() - used, slice_limit());
      const std::size_t n = http_parser_execute(&parser_, &settings(), bytes.data() + used, slice);
      used += n;
      settle();
      if (n < slice) break;  // paused at a message's end, or stopped by an error
    }
    return used;
  }

  void finish() {
    if (state_ != ParseState::incomplete) return;
    http_parser_execute(&parser_, &settings(), nullptr, 0);
    settle();
  }

  ParsedMessage take() {
    ParsedMessage out = std::move(message_);
    message_ = ParsedMessage{};
    head_complete_ = false;
    in_message_ = false;
    header_bytes_ = 0;
    state_ = ParseState::incomplete;
    http_parser_pause(&parser_, 0);  // paused at the message's end (on_message_complete)
    return out;
  }

  ParseState state_ = ParseState::incomplete;
  bool head_complete_ = false;
  bool in_message_ = false;
  ParsedMessage message_;
  BodySink sink_;
  std::string error_;

 private:
  /// After http_parser_execute: a pause is a complete message; any other error that no
  /// callback has explained is malformed input.
  void settle() {
    const auto err = static_cast<http_errno>(parser_.http_errno);
    if (err == HPE_OK || err == HPE_PAUSED || state_ != ParseState::incomplete) return;
    state_ = ParseState::malformed;
    error_ = http_errno_description(err);
  }

  /// http-parser reports a target or a header field when it ends, or when the bytes it was
  /// given end. Given at most one byte more than the smallest budget left, it reports the byte
  /// that passes a limit as that byte is read: a limit is found at the same byte, before or
  /// after the same syntax error, however the connection's bytes were cut (and nothing past it
  /// is kept).
  [[nodiscard]] std::size_t slice_limit() const {
    const std::size_t target_left = limits_.max_target_bytes - message_.target.size();
    const std::size_t header_left = limits_.max_header_bytes - header_bytes_;
    const std::size_t left = std::min(target_left, header_left);
    return left == SIZE_MAX ? left : left + 1;
  }

  static Impl& of(http_parser* p) { return *static_cast<Impl*>(p->data); }

  static int on_message_begin(http_parser* p) {
    Impl& self = of(p);
    self.message_ = ParsedMessage{};
    self.head_complete_ = false;
    self.in_message_ = true;
    self.header_bytes_ = 0;
    self.in_value_ = false;
    return 0;
  }

  static int on_url(http_parser* p, const char* at, std::size_t n) {
    Impl& self = of(p);
    if (self.message_.target.size() + n > self.limits_.max_target_bytes)
      return self.fail(ParseState::target_too_long);
    self.message_.target.append(at, n);
    return 0;
  }

  static int on_header_field(http_parser* p, const char* at, std::size_t n) {
    Impl& self = of(p);
    if (!self.count_header_bytes(n)) return self.fail(ParseState::headers_too_large);
    // A field's name may come in several pieces; a new name starts after a value.
    if (self.in_value_ || self.message_.headers.empty()) self.message_.headers.emplace_back();
    self.in_value_ = false;
    self.message_.headers.back().first.append(at, n);
    return 0;
  }

  static int on_header_value(http_parser* p, const char* at, std::size_t n) {
    Impl& self = of(p);
    if (!self.count_header_bytes(n)) return self.fail(ParseState::headers_too_large);
    if (self.message_.headers.empty()) self.message_.headers.emplace_back();
    self.in_value_ = true;
    self.message_.headers.back().second.append(at, n);
    return 0;
  }

  static int on_headers_complete(http_parser* p) {
    Impl& self = of(p);
    ParsedMessage& m = self.message_;
    if (p->type == HTTP_REQUEST) m.method = http_method_str(static_cast<http_method>(p->method));
    m.status = static_cast<int>(p->status_code);
    m.version_major = p->http_major;
    m.version_minor = p->http_minor;
    m.keep_alive = http_should_keep_alive(p) != 0;
    self.head_complete_ = true;
    self.in_value_ = false;
    // Refused before a byte of the body is read: the client learns it at once (and one that
    // sent "Expect: 100-continue" never sends the body).
    if ((p->flags & F_CONTENTLENGTH) != 0 && p->content_length > self.limits_.max_body_bytes &&
        !self.sink_)
      return self.fail(ParseState::body_too_large);
    return 0;
  }

  static int on_body(http_parser* p, const char* at, std::size_t n) {
    Impl& self = of(p);
    if (self.sink_) {
      if (!self.sink_(std::string_view(at, n))) return self.fail(ParseState::stopped);
      return 0;
    }
    if (self.message_.body.size() + n > self.limits_.max_body_bytes)
      return self.fail(ParseState::body_too_large);
    self.message_.body.append(at, n);
    return 0;
  }

  static int on_message_complete(http_parser* p) {
    Impl& self = of(p);
    self.message_.keep_alive = http_should_keep_alive(p) != 0;
    self.message_.upgrade = p->upgrade != 0;
    self.state_ = ParseState::complete;
    // Stop here: the bytes after this message belong to the next one, read once this one has
    // been answered.
    http_parser_pause(p, 1);
    return 0;
  }

  bool count_header_bytes(std::size_t n) {
    header_bytes_ += n;
    return header_bytes_ <= limits_.max_header_bytes;
  }

  int fail(ParseState why) {
    state_ = why;
    return -1;  // any other value than 0 halts http-parser (1 and 2 mean more in headers_complete)
  }

  static const http_parser_settings& settings() {
    static const http_parser_settings s = [] {
      http_parser_settings out;
      http_parser_settings_init(&out);
      out.on_message_begin = &on_message_begin;
      out.on_url = &on_url;
      out.on_header_field = &on_header_field;
      out.on_header_value = &on_header_value;
      out.on_headers_complete = &on_headers_complete;
      out.on_body = &on_body;
      out.on_message_complete = &on_message_complete;
      return out;
    }();
    return s;
  }

  http_parser parser_{};
  MessageLimits limits_;
  std::size_t header_bytes_ = 0;
  bool in_value_ = false;
};

MessageParser::MessageParser(Kind kind, MessageLimits limits)
    : impl_(std::make_unique<Impl>(kind, limits)) {}

MessageParser::~MessageParser() = default;

std::size_t MessageParser::feed(std::string_view bytes) {
  return impl_->feed(bytes);
}

void MessageParser::finish() {
  impl_->finish();
}

ParseState MessageParser::state() const {
  return impl_->state_;
}

bool MessageParser::head_complete() const {
  return impl_->head_complete_;
}

const ParsedMessage& MessageParser::message() const {
  return impl_->message_;
}

bool MessageParser::in_message() const {
  return impl_->in_message_;
}

ParsedMessage MessageParser::take() {
  return impl_->take();
}

void MessageParser::stream_body(BodySink sink) {
  impl_->sink_ = std::move(sink);
}

std::string MessageParser::error() const {
  return impl_->error_;
}

std::optional<TargetParts> split_target(std::string_view target) {
  http_parser_url url;
  http_parser_url_init(&url);
  // Offsets are 16-bit: a longer target cannot be described (the server's limit is 8 KiB).
  if (target.size() > UINT16_MAX ||
      http_parser_parse_url(target.data(), target.size(), 0, &url) != 0)
    return std::nullopt;
  const auto field = [&](http_parser_url_fields f) -> std::string_view {
    if ((url.field_set & (1u << f)) == 0) return {};
    return target.substr(url.field_data[f].off, url.field_data[f].len);
  };
  return TargetParts{field(UF_PATH), field(UF_QUERY)};
}

std::string_view reason_phrase(int status) {
  const char* text = http_status_str(static_cast<http_status>(status));
  if (text == nullptr || std::strcmp(text, "<unknown>") == 0) return "Unknown";
  return text;
}

}  // namespace convoy::app
