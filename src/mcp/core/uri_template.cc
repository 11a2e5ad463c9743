// A left-to-right match: a variable extends to the next literal character or '/'.
#include "mcp/core/uri_template.h"

namespace aurite::mcp {

std::optional<std::map<std::string, std::string>> MatchUriTemplate(std::string_view uri_template,
                                                                   std::string_view uri) {
  std::map<std::string, std::string> vars;
  std::size_t t = 0;
  std::size_t u = 0;
  while (t < uri_template.size()) {
    if (uri_template[t] != '{') {
      if (u >= uri.size() || uri[u] != uri_template[t]) return std::nullopt;
      ++t;
      ++u;
      continue;
    }
    const std::size_t close = uri_template.find('}', t);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string name(uri_template.substr(t + 1, close - t - 1));
    t = close + 1;
    const char stop = t < uri_template.size() ? uri_template[t] : '\0';
    const std::size_t start = u;
    while (u < uri.size() && uri[u] != '/' && (stop == '\0' || uri[u] != stop)) ++u;
    if (u == start) return std::nullopt;
    vars[name] = std::string(uri.substr(start, u - start));
  }
  if (u != uri.size()) return std::nullopt;
  return vars;
}

}  // namespace aurite::mcp
