// The process's log on spdlog. The logger is looked up or created lazily so
// programs that register their own "mcp" logger keep theirs.
#include "runtime/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "runtime/spdlog_logger.h"

namespace {

// A line not yet formatted: spdlog formats it only once it knows the level is
// taken, and catches what formatting throws as it does for any line.
struct DeferredLine {
  fmt::string_view format;
  fmt::format_args args;
};

}  // namespace

template <>
struct fmt::formatter<DeferredLine> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }

  auto format(const DeferredLine& line, fmt::format_context& ctx) const {
    return fmt::vformat_to(ctx.out(), line.format, line.args);
  }
};

namespace aurite::runtime {
namespace {

spdlog::level::level_enum ToSpdlog(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::kDebug:
      return spdlog::level::debug;
    case LogSeverity::kInfo:
      return spdlog::level::info;
    case LogSeverity::kWarn:
      return spdlog::level::warn;
    case LogSeverity::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

}  // namespace

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("mcp")) return existing;
    auto created = spdlog::stderr_logger_mt("mcp");
    created->set_level(spdlog::level::warn);
    return created;
  }();
  return *logger;
}

void LogFormatted(LogSeverity severity, fmt::string_view format, fmt::format_args args) {
  Logger().log(ToSpdlog(severity), "{}", DeferredLine{format, args});
}

}  // namespace aurite::runtime
