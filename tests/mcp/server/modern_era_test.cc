// Tests of the 2026-07-28 era: the envelope checks, result decoration,
// sealed request states, and a ServerSession serving stateless requests
// (as over stdio) next to the legacy era. The Mcp-Param-* headers of its
// HTTP transport are tested in tests/mcp/transport/param_headers_test.cc.
#include "mcp/core/modern_era.h"

#include <gtest/gtest.h>

#include "mcp/server/input_required.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/test_wire.h"

namespace aurite::mcp {
namespace {

using testing::Recorder;

Json Meta(Json extra = Json::object()) {
  Json meta = {{meta_key::kProtocolVersion, "2026-07-28"},
               {meta_key::kClientCapabilities, Json::object()},
               {meta_key::kClientInfo, {{"name", "t"}, {"version", "1"}}}};
  meta.update(extra);
  return meta;
}

int ErrorCode(const std::variant<ModernRequest, RpcError>& outcome) {
  return std::holds_alternative<RpcError>(outcome) ? std::get<RpcError>(outcome).code : 0;
}

TEST(ModernEnvelope, ChecksInTheSpecifiedOrder) {
  EXPECT_EQ(ErrorCode(ReadModernRequest({{"_meta", Meta()}}, "")), error_code::kHeaderMismatch);
  EXPECT_EQ(ErrorCode(ReadModernRequest(Json::object(), "2026-07-28")), error_code::kInvalidParams);
  Json no_capabilities = Meta();
  no_capabilities.erase(meta_key::kClientCapabilities);
  EXPECT_EQ(ErrorCode(ReadModernRequest({{"_meta", no_capabilities}}, "2026-07-28")),
            error_code::kInvalidParams);
  EXPECT_EQ(ErrorCode(ReadModernRequest({{"_meta", Meta()}}, "2025-11-25")),
            error_code::kHeaderMismatch);
  auto unsupported = ReadModernRequest(
      {{"_meta", Meta({{meta_key::kProtocolVersion, "2099-01-01"}})}}, "2099-01-01");
  ASSERT_EQ(ErrorCode(unsupported), error_code::kUnsupportedProtocolVersion);
  const Json data = std::get<RpcError>(unsupported).data;
  EXPECT_EQ(data["requested"], "2099-01-01");
  EXPECT_EQ(data["supported"], Json::array({"2026-07-28"}));
}

TEST(ModernEnvelope, ReadsTheClientFromMetaAndNeedsNoClientInfo) {
  Json meta = Meta({{meta_key::kClientCapabilities, {{"sampling", Json::object()}}},
                    {meta_key::kLogLevel, "debug"}});
  meta.erase(meta_key::kClientInfo);
  auto outcome = ReadModernRequest({{"_meta", meta}}, std::nullopt);  // stdio: no header
  ASSERT_TRUE(std::holds_alternative<ModernRequest>(outcome));
  const auto& request = std::get<ModernRequest>(outcome);
  EXPECT_TRUE(request.client_capabilities.contains("sampling"));
  EXPECT_EQ(request.log_level, "debug");
  EXPECT_TRUE(request.client_info.is_null());
}

TEST(ModernEnvelope, ResultFieldsAndHttpStatuses) {
  Json list = {{"tools", Json::array()}};
  AddModernResultFields("tools/list", list);
  EXPECT_EQ(list["resultType"], "complete");
  EXPECT_EQ(list["ttlMs"], 0);
  EXPECT_EQ(list["cacheScope"], "private");
  Json call = {{"content", Json::array()}};
  AddModernResultFields("tools/call", call);
  EXPECT_EQ(call["resultType"], "complete");
  EXPECT_FALSE(call.contains("ttlMs"));
  Json pending = InputRequiredResult({{"q", RootsInput()}});
  AddModernResultFields("resources/read", pending);
  EXPECT_EQ(pending["resultType"], "input_required");
  EXPECT_FALSE(pending.contains("ttlMs"));
  EXPECT_EQ(HttpStatusForModernError(error_code::kMethodNotFound), 404);
  EXPECT_EQ(HttpStatusForModernError(error_code::kMissingRequiredClientCapability), 400);
  EXPECT_EQ(HttpStatusForModernError(error_code::kInternalError), 200);
  EXPECT_EQ(MissingClientCapability("sampling").data["requiredCapabilities"],
            Json({{"sampling", Json::object()}}));
}

TEST(ModernEnvelope, RoutingHeadersMustRepeatTheBody) {
  const Json call = {{"name", "echo"}};
  EXPECT_FALSE(CheckRoutingHeaders("tools/call", call, "tools/call", "echo"));
  EXPECT_EQ(CheckRoutingHeaders("tools/call", call, "", "echo")->code, error_code::kHeaderMismatch);
  EXPECT_EQ(CheckRoutingHeaders("tools/list", {}, "TOOLS/LIST", "")->code,
            error_code::kHeaderMismatch);
  EXPECT_EQ(CheckRoutingHeaders("tools/call", call, "tools/call", "other")->code,
            error_code::kHeaderMismatch);
  EXPECT_EQ(CheckRoutingHeaders("resources/read", {{"uri", "a://b"}}, "resources/read", "")->code,
            error_code::kHeaderMismatch);
  EXPECT_FALSE(CheckRoutingHeaders("tools/list", {}, "tools/list", ""));
}

TEST(RequestState, SealedStatesOpenAndAlteredOnesDoNot) {
  const std::string sealed = SealRequestState("round-1");
  EXPECT_EQ(OpenRequestState(sealed), "round-1");
  EXPECT_FALSE(OpenRequestState(sealed + "x"));
  EXPECT_FALSE(OpenRequestState("round-1"));
  std::string flipped = sealed;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(OpenRequestState(flipped));
}

// A server with one logging tool and one two-round tool, served through a
// bare ServerSession as the stdio transport does.
class StatelessSession : public ::testing::Test {
 protected:
  StatelessSession() {
    Tool logs;
    logs.name = "logs";
    server_.AddTool(logs, [](const Json&, CallContext& ctx) -> RpcResult {
      ctx.session.Log(LogLevel::kInfo, "t", "hello");
      return ToolTextResult("logged");
    });
    Tool ask;
    ask.name = "ask";
    server_.AddTool(ask, [](const Json&, CallContext& ctx) -> RpcResult {
      if (RequestState(ctx) == "asked" && InputResponse(ctx, "name") != nullptr) {
        return ToolTextResult("hi " +
                              (*InputResponse(ctx, "name"))["content"]["name"].get<std::string>());
      }
      return InputRequiredResult({{"name", ElicitationInput("Name?", {{"type", "object"}})}},
                                 "asked");
    });
    Tool elicits;
    elicits.name = "elicits";
    server_.AddTool(elicits, [](const Json&, CallContext& ctx) -> RpcResult {
      RpcResult r = ctx.session.Elicit({{"message", "x"}});
      return r.ok() ? ToolTextResult("sent") : ToolErrorResult(r.error().message);
    });
    Tool raw;
    raw.name = "raw";
    server_.AddTool(raw, [](const Json&, CallContext&) -> RpcResult {
      return RawJson{R"({"content":[{"type":"text","text":"r"}],"isError":false})"};
    });
    session_ = server_.Connect(recorder_.Sender());
  }

  // Sends request `id` and returns every message up to and including its response.
  std::vector<Json> Request(int id, const std::string& method, Json params) {
    const std::size_t before = recorder_.count();
    session_->Receive(
        Dump({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}));
    std::vector<Json> messages;
    for (std::size_t n = before;; ++n) {
      Json message = recorder_.Wait(n);
      if (message.is_null()) break;
      messages.push_back(message);
      if (!message.contains("method")) break;
    }
    return messages;
  }
  Json Result(int id, const std::string& method, Json params) {
    auto messages = Request(id, method, std::move(params));
    return messages.empty() ? Json() : messages.back();
  }

  McpServer server_;
  Recorder recorder_;
  std::shared_ptr<ServerSession> session_;
};

TEST_F(StatelessSession, DiscoverAdvertisesTheModernVersionAndIdentifiesTheServer) {
  Json reply = Result(1, "server/discover", {{"_meta", Meta()}});
  const Json& result = reply["result"];
  EXPECT_EQ(result["supportedVersions"], Json::array({"2026-07-28"}));
  EXPECT_TRUE(result["capabilities"].contains("tools"));
  EXPECT_FALSE(result["capabilities"]["tools"].contains("listChanged"));
  EXPECT_EQ(result["_meta"][meta_key::kServerInfo]["name"], "aurite");
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["cacheScope"], "private");
  EXPECT_FALSE(session_->initialized());
}

TEST_F(StatelessSession, LegacyOnlyMethodsAreUnknownAndMetaIsRequired) {
  for (const char* method : {"ping", "initialize", "logging/setLevel", "resources/subscribe"}) {
    EXPECT_EQ(Result(2, method, {{"_meta", Meta()}})["error"]["code"], error_code::kMethodNotFound)
        << method;
  }
  EXPECT_EQ(Result(3, "server/discover", Json::object())["error"]["code"],
            error_code::kInvalidParams);
}

TEST_F(StatelessSession, PreSerializedToolResultsStillGetTheirResultType) {
  Json result = Result(9, "tools/call", {{"name", "raw"}, {"_meta", Meta()}})["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["content"][0]["text"], "r");
}

TEST_F(StatelessSession, LogsOnlyWhenTheRequestAskedForThem) {
  auto quiet = Request(4, "tools/call", {{"name", "logs"}, {"_meta", Meta()}});
  ASSERT_EQ(quiet.size(), 1u);
  EXPECT_EQ(quiet[0]["result"]["resultType"], "complete");
  auto loud = Request(5, "tools/call",
                      {{"name", "logs"}, {"_meta", Meta({{meta_key::kLogLevel, "info"}})}});
  ASSERT_EQ(loud.size(), 2u);
  EXPECT_EQ(loud[0]["method"], "notifications/message");
  auto filtered = Request(6, "tools/call",
                          {{"name", "logs"}, {"_meta", Meta({{meta_key::kLogLevel, "error"}})}});
  EXPECT_EQ(filtered.size(), 1u);
}

TEST_F(StatelessSession, InputRequiredRoundTripWithSealedState) {
  Json first = Result(7, "tools/call", {{"name", "ask"}, {"_meta", Meta()}})["result"];
  ASSERT_EQ(first["resultType"], "input_required");
  ASSERT_TRUE(first["requestState"].is_string());
  Json answer = {{"name", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}};
  Json done = Result(8, "tools/call",
                     {{"name", "ask"},
                      {"inputResponses", answer},
                      {"requestState", first["requestState"]},
                      {"_meta", Meta()}})["result"];
  EXPECT_EQ(done["content"][0]["text"], "hi Ada");
  Json tampered = Result(9, "tools/call",
                         {{"name", "ask"},
                          {"inputResponses", answer},
                          {"requestState", first["requestState"].get<std::string>() + "x"},
                          {"_meta", Meta()}});
  EXPECT_EQ(tampered["error"]["code"], error_code::kInvalidParams);
}

TEST_F(StatelessSession, NoRequestsToTheClientAndLegacyStillWorks) {
  Json refused = Result(
      10, "tools/call",
      {{"name", "elicits"},
       {"_meta",
        Meta({{meta_key::kClientCapabilities, {{"elicitation", Json::object()}}}})}})["result"];
  EXPECT_EQ(refused["isError"], true);
  EXPECT_EQ(recorder_.count(), 1u);  // no elicitation/create was sent
  Json init = Result(11, "initialize", {{"protocolVersion", "2025-11-25"}});
  EXPECT_EQ(init["result"]["protocolVersion"], "2025-11-25");
  EXPECT_TRUE(Result(12, "tools/list", Json::object())["result"].contains("tools"));
}

}  // namespace
}  // namespace aurite::mcp
