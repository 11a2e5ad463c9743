// Reading an id from the two ends of a message, without its middle.
#include "mcp/transport/oversized_message.h"

#include "mcp/core/message_head.h"

namespace aurite::mcp {
namespace {

std::optional<RequestId> IdFromTail(std::string_view tail) {
  const std::size_t at = tail.rfind("\"id\":");
  if (at == std::string_view::npos) return std::nullopt;
  // Only the top-level object's last member makes "{" + rest one object.
  std::string rest = "{";
  rest.append(tail.substr(at));
  Json parsed = Json::parse(rest, nullptr, false);
  if (!parsed.is_object() || parsed.size() != 1 || !parsed.contains("id")) return std::nullopt;
  return RequestId::FromJson(parsed["id"]);
}

}  // namespace

std::optional<RequestId> IdOfOversizedMessage(std::string_view head, std::string_view tail) {
  const MessageHead read = ReadMessageHead(head);
  if (read.request) return std::nullopt;
  if (read.id) return read.id;
  return IdFromTail(tail);
}

}  // namespace aurite::mcp
