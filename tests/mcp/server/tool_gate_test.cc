// Tests of McpServer::SetToolGate: a session sees in tools/list only the
// tools the gate lets it call, and a call of another is a tool error with
// the gate's reason, decided before the tool's arguments are looked at.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "mcp/client_server.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"

namespace aurite::mcp {
namespace {

Tool GatedTool(const std::string& name) {
  Tool tool;
  tool.name = name;
  tool.input_schema = {
      {"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}, {"required", {"n"}}};
  return tool;
}

TEST(ToolGate, HidesAndRefusesWhatTheGateRefuses) {
  testing::ClientServer pair;
  std::atomic<int> ran{0};
  for (const char* name : {"open", "closed"}) {
    pair.server.AddTool(GatedTool(name), [&ran](const Json&, CallContext&) -> RpcResult {
      ++ran;
      return ToolTextResult("ran");
    });
  }
  std::atomic<int> refused_calls{0};
  pair.server.SetToolGate([&refused_calls](const std::string& name, const ServerSession&,
                                           bool calling) -> std::optional<std::string> {
    if (name != "closed") return std::nullopt;
    if (calling) ++refused_calls;
    return "closed is not for you";
  });
  McpClient& client = pair.StartInitialized();
  RpcResult listed = client.ListTools();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value()["tools"].size(), 1u) << listed.value().dump();
  EXPECT_EQ(listed.value()["tools"][0]["name"], "open");
  EXPECT_EQ(refused_calls, 0);  // listing is not calling

  // Refused even with arguments the schema rejects: nothing about the tool
  // but the refusal comes back.
  RpcResult called = client.CallTool("closed", Json{{"n", "not a number"}});
  ASSERT_TRUE(called.ok());
  EXPECT_EQ(called.value().value("isError", false), true);
  EXPECT_EQ(called.value()["content"][0]["text"], "closed is not for you");
  EXPECT_EQ(refused_calls, 1);
  called = client.CallTool("open", Json{{"n", 1}});
  ASSERT_TRUE(called.ok());
  EXPECT_FALSE(called.value().value("isError", false));
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace aurite::mcp
