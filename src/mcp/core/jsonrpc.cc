// Wire conversions of the JSON-RPC value types.
#include "mcp/core/jsonrpc.h"

#include <limits>

#include "base/stack_wipe.h"

namespace aurite::mcp {

std::optional<RequestId> RequestId::FromJson(const Json& j) {
  if (j.is_string()) return RequestId(j.get<std::string>());
  if (j.is_number_integer()) {
    if (j.is_number_unsigned() &&
        j.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return RequestId(j.get<std::int64_t>());
  }
  return std::nullopt;
}

Json RequestId::ToJson() const {
  if (const auto* n = std::get_if<std::int64_t>(&value_)) return *n;
  return std::get<std::string>(value_);
}

std::string RequestId::Key() const {
  if (const auto* n = std::get_if<std::int64_t>(&value_)) return std::to_string(*n);
  return Dump(std::get<std::string>(value_));
}

Json RpcError::ToJson() const {
  Json j = {{"code", code}, {"message", message}};
  if (!data.is_null()) j["data"] = data;
  return j;
}

RpcError RpcError::FromJson(const Json& j) {
  if (!j.is_object() || !j.contains("code") || !j["code"].is_number_integer()) {
    return MakeError(error_code::kInternalError, "peer sent a malformed error object");
  }
  RpcError e;
  e.code = j["code"].get<int>();
  if (auto it = j.find("message"); it != j.end() && it->is_string()) e.message = *it;
  if (auto it = j.find("data"); it != j.end()) e.data = *it;
  return e;
}

Json ToJson(const Message& message) {
  struct Visitor {
    Json operator()(const Request& r) const {
      Json j = {{"jsonrpc", "2.0"}, {"id", r.id.ToJson()}, {"method", r.method}};
      if (!r.params.is_null()) j["params"] = r.params;
      return j;
    }
    Json operator()(const Notification& n) const {
      Json j = {{"jsonrpc", "2.0"}, {"method", n.method}};
      if (!n.params.is_null()) j["params"] = n.params;
      return j;
    }
    Json operator()(const Response& r) const {
      Json j = {{"jsonrpc", "2.0"}, {"id", r.id.ToJson()}};
      if (r.result.ok()) {
        j["result"] = r.result.value();
      } else {
        j["error"] = r.result.error().ToJson();
      }
      return j;
    }
  };
  return std::visit(Visitor{}, message);
}

Json ToJson(Message&& message) {
  // Moves params and results into the wire form: a reply is built once per
  // call, and copying a large result (e.g. rows of a query) would double it.
  struct Visitor {
    Json operator()(Request& r) const {
      Json j = {{"jsonrpc", "2.0"}, {"id", r.id.ToJson()}, {"method", std::move(r.method)}};
      if (!r.params.is_null()) j["params"] = std::move(r.params);
      return j;
    }
    Json operator()(Notification& n) const {
      Json j = {{"jsonrpc", "2.0"}, {"method", std::move(n.method)}};
      if (!n.params.is_null()) j["params"] = std::move(n.params);
      return j;
    }
    Json operator()(Response& r) const {
      Json j = {{"jsonrpc", "2.0"}, {"id", r.id.ToJson()}};
      if (r.result.ok()) {
        j["result"] = std::move(r.result.value());
      } else {
        j["error"] = r.result.error().ToJson();
      }
      return j;
    }
  };
  return std::visit(Visitor{}, message);
}

namespace {

// Kept out of line so the serializer's frame lies below Dump's, where
// WipeRecentStack reaches it.
[[gnu::noinline]] std::string Serialize(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string Dump(const Json& j) {
  std::string text = Serialize(j);
  // Messages carry secrets (the io.aurite/credentials answer, a tool call's
  // connection string); the serializer's stack buffer must not keep them.
  WipeRecentStack();
  return text;
}

void RpcResult::Materialize() const {
  if (auto* raw = std::get_if<RawJson>(&state_)) state_ = Json::parse(raw->text);
}

const Json& RpcResult::value() const {
  Materialize();
  return std::get<Json>(state_);
}

Json& RpcResult::value() {
  Materialize();
  return std::get<Json>(state_);
}

const std::string* RpcResult::raw() const {
  const auto* raw = std::get_if<RawJson>(&state_);
  return raw ? &raw->text : nullptr;
}

std::string ResponseText(const RequestId& id, RpcResult result) {
  const std::string* raw = result.raw();
  if (raw == nullptr) return Dump(ToJson(Message{Response{id, std::move(result)}}));
  std::string id_text = Dump(id.ToJson());
  std::string text;
  // Room for the envelope and the transport's line break: a result of
  // megabytes is then never copied by a regrowth.
  text.reserve(raw->size() + id_text.size() + 64);
  text.append(R"({"jsonrpc":"2.0","id":)").append(id_text).append(R"(,"result":)");
  text.append(*raw).push_back('}');
  return text;
}

}  // namespace aurite::mcp
