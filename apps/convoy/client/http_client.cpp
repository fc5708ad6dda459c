// HttpClient: see http_client.hpp.
#include "client/http_client.hpp"

#include "http1/message_parser.hpp"
#include "http1/socket_io.hpp"
#include "text/duration.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace convoy::app {
namespace {

// Responses come from the agent: a head this large is not one of its answers.
constexpr std::size_t kMaxResponseHead = 64 * 1024;

bool is_interim(int status) {
  return status >= 100 && status < 200 && status != 101;
}

}  // namespace

struct HttpClient::Exchange {
  const std::string& method;
  const std::string& target;
  const std::string& body;
  const HttpHeaders& headers;
  const HeadHandler& on_head;
  const BodyHandler& on_body;
  std::string failure;  ///< why a stream broke after its head
};

HttpClient::HttpClient(std::string host, std::uint16_t port, HttpClientOptions options)
    : host_(std::move(host)), port_(port), options_(options), stop_fd_(make_stop_fd()) {
  const bool v6 = host_.find(':') != std::string::npos;
  address_ = (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const HttpHeaders& headers) {
  HttpReply reply;
  const HeadHandler on_head = [&](int status, const HttpHeaders& h) {
    reply.status = status;
    reply.headers = h;
  };
  const BodyHandler on_body = [&](std::string_view bytes) {
    reply.body.append(bytes);
    return true;
  };
  Exchange x{method, target, body, headers, on_head, on_body, {}};
  switch (exchange(x)) {
    case StreamEnd::complete:
    case StreamEnd::enough:
      return reply;
    case StreamEnd::stopped:
      fail("the request to " + address_ + " was interrupted", "interrupted");
    case StreamEnd::broken:
      break;
  }
  fail("the answer from " + address_ + " broke off: " + x.failure, x.failure);
}

HttpClient::StreamEnd HttpClient::stream(const std::string& target, const HttpHeaders& headers,
                                         const HeadHandler& on_head, const BodyHandler& on_body) {
  static const std::string kGet = "GET";
  static const std::string kNoBody;
  Exchange x{kGet, target, kNoBody, headers, on_head, on_body, {}};
  return exchange(x);
}

void HttpClient::stop() {
  signal_stop(stop_fd_.get());
}

HttpClient::StreamEnd HttpClient::exchange(Exchange& x) {
  clear_stop(stop_fd_.get());  // a stop() meant for an earlier request
  UniqueFd fd = connect();

  std::string text = x.method + " " + x.target + " HTTP/1.1\r\nHost: " + address_ + "\r\n";
  for (const auto& [name, value] : x.headers) text += name + ": " + value + "\r\n";
  if (!x.body.empty() || x.method == "PUT" || x.method == "POST")
    text += "Content-Length: " + std::to_string(x.body.size()) + "\r\n";
  // The server closes first, so the connection's TIME_WAIT stays on its side: a CLI or a demo
  // making thousands of requests does not run out of local ports.
  text += "Connection: close\r\n\r\n";
  text += x.body;
  const IoResult sent = send_all(fd.get(), text, options_.write_timeout, stop_fd_.get());
  if (sent.status != IoStatus::ok) {
    const std::string why = sent.status == IoStatus::timed_out ? "timed out"
                            : sent.status == IoStatus::stopped ? "interrupted"
                                                               : std::strerror(sent.error);
    fail("cannot send the request to " + address_ + ": " + why, why);
  }

  MessageParser parser(MessageParser::Kind::response,
                       MessageLimits{SIZE_MAX, kMaxResponseHead, SIZE_MAX});
  bool announced = false;
  bool enough = false;
  const auto announce = [&] {
    if (announced || !parser.head_complete() || is_interim(parser.message().status)) return;
    announced = true;
    HttpHeaders headers;
    for (const auto& [name, value] : parser.message().headers) headers.emplace(name, value);
    x.on_head(parser.message().status, headers);
  };
  parser.stream_body([&](std::string_view bytes) {
    announce();
    enough = !x.on_body(bytes);
    return !enough;
  });

  std::array<char, 16 * 1024> buffer;
  for (;;) {
    const IoResult got =
        receive(fd.get(), buffer.data(), buffer.size(), options_.read_timeout, stop_fd_.get());
    std::string_view rest(buffer.data(), got.bytes);
    if (got.status == IoStatus::closed) parser.finish();
    for (;;) {
      rest.remove_prefix(parser.feed(rest));
      announce();
      const ParseState state = parser.state();
      if (state == ParseState::complete) {
        if (!is_interim(parser.message().status)) return StreamEnd::complete;
        (void)parser.take();  // "100 Continue" and the like: the real answer follows
        continue;
      }
      if (state == ParseState::stopped || enough) return StreamEnd::enough;
      if (state != ParseState::incomplete) {
        x.failure = "malformed response (" +
                    (state == ParseState::headers_too_large ? std::string("head too large")
                                                            : parser.error()) +
                    ")";
        if (!announced) fail(address_ + " sent a " + x.failure, x.failure);
        return StreamEnd::broken;
      }
      if (rest.empty()) break;
    }
    switch (got.status) {
      case IoStatus::ok:
        continue;
      case IoStatus::closed:
        x.failure = "the connection closed";
        if (!announced)
          fail(address_ + " closed the connection before answering",
               "no answer (connection closed)");
        return StreamEnd::broken;
      case IoStatus::timed_out:
        x.failure = "nothing more within " + format_duration(options_.read_timeout);
        if (!announced)
          fail("no answer from " + address_ + " within " + format_duration(options_.read_timeout),
               "no answer within " + format_duration(options_.read_timeout));
        return StreamEnd::broken;
      case IoStatus::stopped:
        if (!announced) fail("the request to " + address_ + " was interrupted", "interrupted");
        return StreamEnd::stopped;
      case IoStatus::failed:
        x.failure = std::strerror(got.error);
        if (!announced) fail("no answer from " + address_ + ": " + x.failure, x.failure);
        return StreamEnd::broken;
    }
  }
}

UniqueFd HttpClient::connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port_);
  if (const int rc = ::getaddrinfo(host_.c_str(), service.c_str(), &hints, &found); rc != 0)
    fail("cannot connect to " + address_ + ": " + ::gai_strerror(rc), ::gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  std::string why = "no address";
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd fd(
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) {
      why = std::strerror(errno);
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      why = std::strerror(errno);
      continue;
    }
    const IoStatus ready = wait_for(fd.get(), POLLOUT, options_.connect_timeout, stop_fd_.get());
    if (ready == IoStatus::stopped)
      fail("the request to " + address_ + " was interrupted", "interrupted");
    if (ready == IoStatus::timed_out) {
      why = "timed out after " + format_duration(options_.connect_timeout);
      continue;
    }
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      why = std::strerror(error);
      continue;
    }
    // A request goes out in one write, but keep the head of a large one from waiting on Nagle.
    set_no_delay(fd.get());
    return fd;
  }
  fail("cannot connect to " + address_ + ": " + why, why);
}

void HttpClient::fail(const std::string& what, const std::string& reason) const {
  throw HttpClientError(what, reason);
}

}  // namespace convoy::app
