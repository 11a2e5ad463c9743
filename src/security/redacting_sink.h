// RedactingSink: an spdlog sink that passes every message through a redaction
// function before handing it to the sink it wraps, so log files and stderr
// never receive a live or detected secret. Wrap every sink the host logs to:
//
//   auto sink = std::make_shared<RedactingSink>(
//       std::make_shared<spdlog::sinks::stderr_sink_mt>(),
//       [&manager](std::string_view text) { return manager.Redact(text); });
//
// Only the message text is redacted; the time, level and logger name come
// from the pattern and hold no secrets. Thread-safe when the wrapped sink and
// the redaction function are.
#pragma once

#include <spdlog/sinks/sink.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace aurite::security {

using RedactFunction = std::function<std::string(std::string_view)>;

class RedactingSink : public spdlog::sinks::sink {
 public:
  RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner, RedactFunction redact);

  void log(const spdlog::details::log_msg& message) override;
  void flush() override;
  void set_pattern(const std::string& pattern) override;
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override;

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  RedactFunction redact_;
};

}  // namespace aurite::security
