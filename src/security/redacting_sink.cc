// Redacting log messages on their way to the real sink.
#include "security/redacting_sink.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>

namespace aurite::security {

RedactingSink::RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner, RedactFunction redact)
    : inner_(std::move(inner)), redact_(std::move(redact)) {}

void RedactingSink::log(const spdlog::details::log_msg& message) {
  // The logger checked this sink's level; the wrapped sink may have its own.
  if (!inner_->should_log(message.level)) return;
  std::string redacted = redact_(std::string_view(message.payload.data(), message.payload.size()));
  spdlog::details::log_msg copy = message;
  copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
  inner_->log(copy);
}

void RedactingSink::flush() { inner_->flush(); }

void RedactingSink::set_pattern(const std::string& pattern) { inner_->set_pattern(pattern); }

void RedactingSink::set_formatter(std::unique_ptr<spdlog::formatter> formatter) {
  inner_->set_formatter(std::move(formatter));
}

}  // namespace aurite::security
