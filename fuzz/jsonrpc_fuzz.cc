// Fuzzes JSON-RPC message parsing as both transports meet it: one wire text
// (a stdio line or an HTTP body) through ParseJsonText and ClassifyMessage
// (src/mcp/core/message_parser), the 2026-07-28 envelope checks
// (modern_era), and a real Session (session.h) receiving it, batches allowed
// and not.
//
// Properties: parsing never throws and respects its limits; a classified
// message serializes back (ToJson/Dump) to valid JSON that classifies the
// same way; every text a Session sends in reply is valid JSON-RPC (an
// object with "jsonrpc":"2.0", an id, and exactly one of result or error, or
// a batch of them), and a single request gets exactly one reply, with its id;
// and ReadMessageHead (message_head.h), which the HTTP transport routes
// those texts by, reads the same kind and id as a full parse.
#include <mutex>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "mcp/core/message_head.h"
#include "mcp/core/message_parser.h"
#include "mcp/core/modern_era.h"
#include "mcp/core/session.h"

namespace {

using aurite::fuzz::Check;
using aurite::fuzz::IsValidJson;
namespace mcp = aurite::mcp;
using mcp::Json;

// A session that records what it sends; requests run inline on the
// fuzzing thread, and echo their params (or the modern envelope's error).
class RecordingSession {
 public:
  explicit RecordingSession(bool batches)
      : session_([this](std::string text) {
          std::lock_guard lock(mu_);
          sent_.push_back(std::move(text));
          return aurite::OkStatus();
        }) {
    session_.SetBatchesAllowed(batches);
    session_.SetInlinePredicate([](const mcp::Request&) { return true; });
    session_.SetRequestHandler([](const mcp::Request& request, mcp::RequestContext&) {
      if (mcp::IsModernEraRequest(request.params)) {
        auto read = mcp::ReadModernRequest(request.params, std::nullopt);
        if (auto* error = std::get_if<mcp::RpcError>(&read)) return mcp::RpcResult(*error);
        Json result = Json::object();
        mcp::AddModernResultFields(request.method, result);
        return mcp::RpcResult(std::move(result));
      }
      return mcp::RpcResult(Json{{"echo", request.params}});
    });
  }

  std::vector<std::string> Receive(std::string_view text) {
    session_.Receive(text);
    session_.WaitIdle();
    std::lock_guard lock(mu_);
    return std::exchange(sent_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::string> sent_;
  mcp::Session session_;
};

// What the HTTP transport reads of a sent text without parsing it whole.
void CheckHead(std::string_view text, const Json& value) {
  const mcp::MessageHead head = mcp::ReadMessageHead(text);
  Check(head.batch == value.is_array(), "the head tells a batch");
  Check(head.object == value.is_object(), "the head tells an object");
  if (!value.is_object()) return;
  Check(head.request == value.contains("method"), "the head tells a request from a response");
  if (!value.contains("method")) {
    Check(head.id == mcp::RequestId::FromJson(value.value("id", Json())),
          "the head reads the response's id");
  }
}

void CheckReplyObject(const Json& reply) {
  Check(reply.is_object(), "a reply is a JSON object");
  Check(reply.value("jsonrpc", Json()) == "2.0", "a reply says jsonrpc 2.0");
  Check(reply.contains("id"), "a reply carries an id (null when unknown)");
  Check(reply.contains("result") != reply.contains("error"),
        "a reply has exactly one of result and error");
}

// Checks what a session sent and returns the replies (not notifications).
std::vector<Json> CheckSent(const std::vector<std::string>& sent) {
  std::vector<Json> replies;
  for (const std::string& text : sent) {
    Check(IsValidJson(text), "a session sends valid JSON");
    Json value = Json::parse(text);
    CheckHead(text, value);
    if (value.is_array()) {
      Check(!value.empty(), "a batch reply is not empty");
      for (const Json& item : value) CheckReplyObject(item);
      replies.push_back(std::move(value));
    } else if (value.is_object() && value.contains("method")) {
      continue;  // a notification of the session's own (e.g. cancelled)
    } else {
      CheckReplyObject(value);
      replies.push_back(std::move(value));
    }
  }
  return replies;
}

void CheckClassified(const mcp::Message& message) {
  const std::string text = mcp::Dump(mcp::ToJson(message));
  Check(IsValidJson(text), "ToJson/Dump of a message is valid JSON");
  auto again = mcp::ClassifyMessage(Json::parse(text));
  Check(std::holds_alternative<mcp::Message>(again), "a serialized message classifies again");
  Check(std::get<mcp::Message>(again).index() == message.index(),
        "a serialized message keeps its kind");
  if (const auto* request = std::get_if<mcp::Request>(&message)) {
    for (std::optional<std::string_view> header :
         {std::optional<std::string_view>(), std::optional<std::string_view>(""),
          std::optional<std::string_view>(mcp::kModernProtocolVersion)}) {
      auto read = mcp::ReadModernRequest(request->params, header);
      if (const auto* error = std::get_if<mcp::RpcError>(&read)) {
        Check(IsValidJson(mcp::Dump(error->ToJson())), "an envelope error is valid JSON");
      }
    }
    (void)mcp::CheckRoutingHeaders(request->method, request->params, request->method, "x");
    const std::string text2 = mcp::ResponseText(request->id, mcp::RpcResult(request->params));
    Check(IsValidJson(text2), "ResponseText is valid JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Limits low enough that the fuzzer reaches them.
  const mcp::ParseLimits limits{.max_bytes = 8192, .max_depth = 16};
  auto parsed = mcp::ParseJsonText(text, limits);
  if (auto* value = std::get_if<Json>(&parsed)) {
    Check(text.size() <= limits.max_bytes, "text over max_bytes is refused");
    Check(IsValidJson(text), "ParseJsonText accepts only valid JSON");
    std::vector<Json> items =
        value->is_array() ? value->get<std::vector<Json>>() : std::vector<Json>{*value};
    for (Json& item : items) {
      auto classified = mcp::ClassifyMessage(std::move(item));
      if (auto* message = std::get_if<mcp::Message>(&classified)) {
        CheckClassified(*message);
      } else {
        const auto& rejection = std::get<mcp::Rejection>(classified);
        Check(IsValidJson(mcp::Dump(rejection.error.ToJson())), "a rejection is valid JSON");
      }
    }
  } else {
    Check(std::get<mcp::RpcError>(parsed).code == mcp::error_code::kParseError,
          "a text that does not parse is a parse error");
  }

  static RecordingSession with_batches(true);
  static RecordingSession without_batches(false);
  for (RecordingSession* session : {&with_batches, &without_batches}) {
    std::vector<Json> replies = CheckSent(session->Receive(text));
    // A single well-formed request is answered exactly once, with its id.
    if (auto* value = std::get_if<Json>(&parsed); value != nullptr && value->is_object()) {
      auto classified = mcp::ClassifyMessage(*value);
      if (auto* message = std::get_if<mcp::Message>(&classified)) {
        if (auto* request = std::get_if<mcp::Request>(message)) {
          Check(replies.size() == 1, "a request gets exactly one reply");
          Check(replies[0].is_object() && replies[0]["id"] == request->id.ToJson(),
                "the reply carries the request's id");
        }
      }
    }
  }
  return 0;
}
