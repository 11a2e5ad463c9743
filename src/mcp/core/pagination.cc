// Offsets are written with a prefix so a cursor from another list type or a
// guessed number is recognisably not ours.
#include "mcp/core/pagination.h"

#include <charconv>

namespace aurite::mcp {
namespace {

constexpr std::string_view kPrefix = "aurite-offset:";

std::optional<std::size_t> ReadCursor(const Json& params) {
  if (!params.is_object() || !params.contains("cursor") || params["cursor"].is_null()) return 0;
  if (!params["cursor"].is_string()) return std::nullopt;
  const std::string& cursor = params["cursor"].get_ref<const std::string&>();
  if (cursor.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::size_t offset = 0;
  const char* first = cursor.data() + kPrefix.size();
  const char* last = cursor.data() + cursor.size();
  auto [end, ec] = std::from_chars(first, last, offset);
  if (ec != std::errc() || end != last) return std::nullopt;
  return offset;
}

}  // namespace

RpcResult Paginate(const Json& params, const char* key, Json items, std::size_t page_size) {
  auto offset = ReadCursor(params);
  if (!offset || *offset > items.size()) {
    return MakeError(error_code::kInvalidParams, "invalid pagination cursor");
  }
  const std::size_t end = std::min(items.size(), *offset + page_size);
  Json page = Json::array();
  for (std::size_t i = *offset; i < end; ++i) page.push_back(std::move(items[i]));
  Json result = {{key, std::move(page)}};
  if (end < items.size()) result["nextCursor"] = std::string(kPrefix) + std::to_string(end);
  return result;
}

}  // namespace aurite::mcp
