// What a JSON-RPC message is, read from as little of its text as it takes.
//
// A transport routing an outgoing message needs only its kind and id, yet
// a response may carry megabytes of result. ReadMessageHead follows
// nlohmann's SAX parse of the text and stops as soon as it knows, so the
// result is never built into a tree (our serializer writes "id" before
// "result"). It also reads the head of a message cut short.
#pragma once

#include <optional>
#include <string_view>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

struct MessageHead {
  bool object = false;          // the text starts a JSON object
  bool batch = false;           // it starts an array (a batch): nothing more is read
  bool request = false;         // a top-level "method" came: a request or notification
  bool response = false;        // a top-level "result" or "error" came
  bool error = false;           // a top-level "error" came
  std::optional<RequestId> id;  // the top-level "id", when it came before the stop
};

// Reads `text` until a top-level "method", or until both the id and a
// "result" or "error" have come, or until a batch's "[", or to its end. A
// text that is not JSON, or ends early, is read as far as it parses.
MessageHead ReadMessageHead(std::string_view text);

}  // namespace aurite::mcp
