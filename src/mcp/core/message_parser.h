// Turning untrusted wire text into JSON-RPC messages, with limits.
//
// Contract: ParseJsonText never throws and never recurses deeper than the
// configured nesting limit; it rejects text over the size limit, invalid
// UTF-8, and malformed JSON with a parse error (-32700). ClassifyMessage
// turns one JSON value into a Request, Notification or Response, or says why
// it is not one and whether the peer should get an error reply (a malformed
// response is never answered, so two peers cannot loop on each other).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <variant>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

// The largest message a host reads from one of its servers unless told
// otherwise, and the largest answer our servers send: the two agree, so an
// answer is never dropped for its size between them (docs/host.md).
inline constexpr std::size_t kDefaultServerMessageBytes = 16 * 1024 * 1024;

struct ParseLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;
  int max_depth = 64;
};

// The JSON value of `text`, or a parse error fit to send back with a null id.
std::variant<Json, RpcError> ParseJsonText(std::string_view text, const ParseLimits& limits);

struct Rejection {
  RpcError error;
  std::optional<RequestId> id;  // the offending request's id when it had a usable one
  bool reply = true;            // false for malformed responses
};

std::variant<Message, Rejection> ClassifyMessage(Json j);

}  // namespace aurite::mcp
