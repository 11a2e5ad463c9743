// Descriptions of what an MCP server offers (tools, resources, resource
// templates, prompts) and helpers for building their results. Plain data:
// the server framework serializes them into list results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcp/core/jsonrpc.h"
#include "mcp/core/tasks.h"

namespace aurite::mcp {

struct Implementation {
  std::string name;
  std::string version;
  std::string title;  // optional display name
  Json ToJson() const;
};

struct Tool {
  std::string name;  // should match ^[a-zA-Z0-9_-]{1,64}$
  std::string title;
  std::string description;
  Json input_schema = {{"type", "object"}};
  Json output_schema;  // null: no structured output promised
  Json
      annotations;  // null or {title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint}
  Json meta;        // null or the _meta object
  // The handler is quick and never sends requests to the client: run it on
  // the thread that read the call instead of handing it to a worker thread.
  // Reading the next message waits for it; a request to the client from it
  // fails. Not part of the tool's description on the wire.
  bool runs_inline = false;
  // Whether a call may (kOptional) or must (kRequired) run as a task, when
  // the server offers tasks (ServerOptions::tasks); 2025-11-25 tools/list
  // shows it as execution.taskSupport.
  TaskSupport task_support = TaskSupport::kForbidden;
  Json ToJson() const;
};

struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::optional<std::int64_t> size;
  Json annotations;
  Json ToJson() const;
};

struct ResourceTemplate {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  Json ToJson() const;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  Json ToJson() const;
};

// Tool results.
Json TextContent(const std::string& text);
Json ToolTextResult(const std::string& text);
// A tool execution error: reported to the model inside a result, unlike a protocol error.
Json ToolErrorResult(const std::string& message);

// Resource contents.
Json TextResourceContents(const std::string& uri, const std::string& mime_type,
                          const std::string& text);

}  // namespace aurite::mcp
