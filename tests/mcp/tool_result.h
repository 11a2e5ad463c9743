// Test helpers: reading a CallToolResult in assertions. Shared by the SQL
// server's tests and the gateway's end-to-end tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp::testing {

// The structuredContent of a successful tool result (fails the test otherwise).
inline Json Structured(const Json& result) {
  EXPECT_FALSE(result.value("isError", false)) << result.dump();
  EXPECT_TRUE(result.contains("structuredContent")) << result.dump();
  return result.value("structuredContent", Json::object());
}

// The error text of an isError result (fails the test otherwise).
inline std::string ErrorText(const Json& result) {
  EXPECT_TRUE(result.value("isError", false)) << result.dump();
  if (!result.contains("content") || result["content"].empty()) return "";
  return result["content"][0].value("text", "");
}

}  // namespace aurite::mcp::testing
