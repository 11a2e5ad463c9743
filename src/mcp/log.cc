// Lazily creates the stderr logger so programs that register their own keep theirs.
#include "mcp/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace aurite::mcp {

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("mcp")) return existing;
    auto created = spdlog::stderr_logger_mt("mcp");
    created->set_level(spdlog::level::warn);
    return created;
  }();
  return *logger;
}

}  // namespace aurite::mcp
