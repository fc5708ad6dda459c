// Narrator: see narrator.hpp.
#include "demo/narrator.hpp"

#include <cstdio>

namespace convoy::app {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

std::string stamp(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%5.1fs] ", s);
  return buf;
}

}  // namespace

Narrator::Narrator(std::ostream& out, bool tty) : out_(out), tty_(tty) {}

double Narrator::step_seconds() const {
  return std::chrono::duration<double>(Clock::now() - step_started_).count();
}

double Narrator::total_seconds() const {
  return std::chrono::duration<double>(Clock::now() - started_).count();
}

void Narrator::clear_progress() {
  if (!progress_shown_) return;
  out_ << "\r\033[2K" << std::flush;
  progress_shown_ = false;
}

void Narrator::step(const std::string& text) {
  clear_progress();
  step_started_ = Clock::now();
  out_ << stamp(total_seconds()) << text << std::endl;
}

void Narrator::progress(const std::string& text) {
  if (!tty_) return;
  const auto now = Clock::now();
  if (progress_shown_ && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  out_ << "\r\033[2K          … " << text << " (" << seconds(step_seconds()) << ")" << std::flush;
  progress_shown_ = true;
}

void Narrator::done(const std::string& text) {
  clear_progress();
  out_ << "          ✓ " << text << " (took " << seconds(step_seconds()) << ")" << std::endl;
}

void Narrator::say(const std::string& text) {
  clear_progress();
  out_ << "            " << text << std::endl;
}

}  // namespace convoy::app
