// JSON-RPC 2.0 value types shared by every part of the mcp layer: request ids,
// errors, results and the three message kinds.
//
// Contract: a RequestId is a string or a 64-bit integer, never null or a
// fraction. An RpcResult holds either a JSON result or an RpcError; callers
// check ok() before taking value() or error().
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

namespace aurite::mcp {

using Json = nlohmann::json;

// Standard JSON-RPC codes, plus the ones MCP and its SDKs give fixed meanings.
namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Local outcomes of an outgoing request; never sent on the wire by us.
inline constexpr int kConnectionClosed = -32000;
inline constexpr int kRequestTimeout = -32001;
// MCP: resources/read of an unknown URI.
inline constexpr int kResourceNotFound = -32002;
// MCP 2026-07-28: MCP-Protocol-Version header missing or not equal to _meta.
inline constexpr int kHeaderMismatch = -32020;
// MCP 2026-07-28: the request needs a capability the client did not declare.
inline constexpr int kMissingRequiredClientCapability = -32021;
// MCP 2026-07-28: the requested protocol version is not one the server speaks.
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace error_code

class RequestId {
 public:
  RequestId(std::int64_t number) : value_(number) {}        // NOLINT: implicit by design
  RequestId(std::string text) : value_(std::move(text)) {}  // NOLINT: implicit by design

  // A string or an integer that fits in 64 bits; anything else is nullopt.
  static std::optional<RequestId> FromJson(const Json& j);
  Json ToJson() const;
  // Stable text used as a map key and in logs: numbers bare, strings quoted.
  std::string Key() const;

  bool operator==(const RequestId&) const = default;

 private:
  std::variant<std::int64_t, std::string> value_;
};

struct RpcError {
  int code = error_code::kInternalError;
  std::string message;
  Json data;  // null when absent

  Json ToJson() const;
  // Reads a wire error object; malformed ones become an internal error.
  static RpcError FromJson(const Json& j);
};

// Already-serialized JSON text of a result, spliced verbatim into the wire
// reply so a large result (e.g. the rows of a query) is written once instead
// of built as a tree and dumped. Contract: `text` must be one complete, valid
// JSON value produced by our own serializer (nlohmann's dump, or text built
// from its escaped pieces): it reaches the peer unchecked.
struct RawJson {
  // Explicit, so braces meant for a Json result never turn into raw text.
  explicit RawJson(std::string serialized) : text(std::move(serialized)) {}
  std::string text;
};

class RpcResult {
 public:
  RpcResult(Json value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  RpcResult(RpcError error) : state_(std::move(error)) {}  // NOLINT: implicit by design
  RpcResult(RawJson raw) : state_(std::move(raw)) {}       // NOLINT: implicit by design

  bool ok() const { return !std::holds_alternative<RpcError>(state_); }
  // The result as a tree. A raw result is parsed here, once, and stays a
  // tree afterwards: consumers that inspect or edit results keep working.
  // Not safe to call concurrently on one RpcResult (neither is editing it).
  const Json& value() const;
  Json& value();
  const RpcError& error() const { return std::get<RpcError>(state_); }
  // The serialized text when the result is still raw, else nullptr.
  const std::string* raw() const;

 private:
  void Materialize() const;

  mutable std::variant<Json, RpcError, RawJson> state_;
};

inline RpcError MakeError(int code, std::string message, Json data = nullptr) {
  return RpcError{code, std::move(message), std::move(data)};
}

struct Request {
  RequestId id;
  std::string method;
  Json params;  // object or array; null when absent
};

struct Notification {
  std::string method;
  Json params;
};

struct Response {
  RequestId id;
  RpcResult result;
};

using Message = std::variant<Request, Notification, Response>;

// Wire form of one message, as a JSON value; the rvalue form moves the
// params or result instead of copying them.
Json ToJson(const Message& message);
Json ToJson(Message&& message);

// Compact text of `j`. Invalid UTF-8 inside strings (e.g. from a database) is
// replaced rather than thrown on, so sending never fails on content.
std::string Dump(const Json& j);

// Compact wire text of the reply to `id`: a raw result is spliced in without
// being parsed, any other result is built and dumped as ToJson would.
std::string ResponseText(const RequestId& id, RpcResult result);

}  // namespace aurite::mcp
