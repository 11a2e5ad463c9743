// The process's log, for every layer from runtime up. Lines go to stderr
// only: on a stdio transport, stdout belongs to the protocol. Every line goes
// through the spdlog logger named "mcp" (its name from when only the mcp
// layer logged, kept so that embedders need no change): an embedding program
// may register its own logger under that name before the first line is
// logged (`aurite serve` registers one that redacts secrets), otherwise a
// stderr logger at level warn is created on first use. That logger's level
// decides which lines are written, and its sinks see each line that is.
//
// This header keeps spdlog out of the many files that only log: a line's
// arguments are passed on unformatted and formatted in log.cc, only if the
// logger's level takes the line. Code that needs the spdlog logger itself (to
// add a sink or change the level) includes runtime/spdlog_logger.h.
//
//   LogWarn("[{}] exited (status {})", name, status);
//
// Arguments are evaluated at the call even when the line is not written.
// Never pass a secret: log lines are not the place for one.
#pragma once

#include <fmt/core.h>

namespace aurite::runtime {

// Not LogLevel: that is the MCP protocol's (mcp/server/server_session.h).
enum class LogSeverity { kDebug, kInfo, kWarn, kError };

// Writes `format` with `args` as one line at `severity` if the "mcp" logger's
// level takes it. The Log* templates below are the interface; this is what
// they share, and why the formatting code is compiled once, in log.cc.
void LogFormatted(LogSeverity severity, fmt::string_view format, fmt::format_args args);

template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  LogFormatted(LogSeverity::kDebug, format, fmt::make_format_args(args...));
}

template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  LogFormatted(LogSeverity::kInfo, format, fmt::make_format_args(args...));
}

template <typename... Args>
void LogWarn(fmt::format_string<Args...> format, Args&&... args) {
  LogFormatted(LogSeverity::kWarn, format, fmt::make_format_args(args...));
}

template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  LogFormatted(LogSeverity::kError, format, fmt::make_format_args(args...));
}

}  // namespace aurite::runtime
