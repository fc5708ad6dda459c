// TcpListener: see the header.
#include "runtime/tcp_listener.hpp"

#include <chrono>

namespace convoy::runtime {
namespace {

// Long enough not to spin while out of file descriptors, short enough that a freed descriptor
// is put to use before a waiting peer's connect times out.
constexpr std::chrono::milliseconds accept_backoff{50};

}  // namespace

TcpListener::TcpListener(asio::ip::tcp::acceptor acceptor,
                         std::shared_ptr<TransportCounters> counters, Owner& owner)
    : acceptor_(std::move(acceptor)),
      backoff_(acceptor_.get_executor()),
      counters_(std::move(counters)),
      owner_(&owner) {}

void TcpListener::start() {
  accept_next();
}

void TcpListener::close() {
  owner_ = nullptr;
  std::error_code ignored;
  acceptor_.close(ignored);
  backoff_.cancel();
}

void TcpListener::accept_next() {
  acceptor_.async_accept(
      peer_, [self = shared_from_this()](const std::error_code& ec, asio::ip::tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void TcpListener::on_accept(const std::error_code& ec, asio::ip::tcp::socket socket) {
  if (owner_ == nullptr) return;
  if (!ec) {
    owner_->on_accepted(std::move(socket), peer_);
    if (owner_ != nullptr) accept_next();
    return;
  }
  counters_->accept_errors.add();
  // A peer that reset before we got to it: nothing is exhausted, take the next one at once.
  if (ec == asio::error::connection_aborted) {
    accept_next();
    return;
  }
  backoff_.expires_after(accept_backoff);
  backoff_.async_wait([self = shared_from_this()](const std::error_code& wait_ec) {
    if (!wait_ec && self->owner_ != nullptr) self->accept_next();
  });
}

}  // namespace convoy::runtime
