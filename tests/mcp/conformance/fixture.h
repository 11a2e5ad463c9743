// The conformance fixture: an McpServer offering what the official MCP
// conformance suite's "everything server" contract expects (tools
// test_simple_text, test_image_content, ..., resources test://..., prompts
// test_...). Shared by the fixture's stdio and HTTP entry points and the bench.
#pragma once

#include <memory>

#include "mcp/server/server.h"

namespace aurite::mcp::conformance {

std::unique_ptr<McpServer> MakeFixtureServer();

// The 2026-07-28 entries (input_required flows, stateless diagnostics); part
// of MakeFixtureServer (fixture_modern.cc).
void AddModernEraEntries(McpServer& server);

// The tools the suite's tasks-* scenarios call (greet, slow_compute,
// failing_job, protocol_error_job, confirm_delete, multi_input,
// test_tool_with_task); part of MakeFixtureServer (fixture_tasks.cc).
void AddTaskEntries(McpServer& server);

}  // namespace aurite::mcp::conformance
