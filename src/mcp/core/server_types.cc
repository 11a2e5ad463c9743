// Serialization omits empty optional fields, as the MCP schema expects.
#include "mcp/core/server_types.h"

namespace aurite::mcp {
namespace {

void PutIfSet(Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

void PutIfSet(Json& j, const char* key, const Json& value) {
  if (!value.is_null()) j[key] = value;
}

}  // namespace

Json Implementation::ToJson() const {
  Json j = {{"name", name}, {"version", version}};
  PutIfSet(j, "title", title);
  return j;
}

Json Tool::ToJson() const {
  Json j = {{"name", name}, {"inputSchema", input_schema}};
  PutIfSet(j, "title", title);
  PutIfSet(j, "description", description);
  PutIfSet(j, "outputSchema", output_schema);
  PutIfSet(j, "annotations", annotations);
  PutIfSet(j, "_meta", meta);
  if (task_support != TaskSupport::kForbidden) {
    j["execution"] = {{"taskSupport", TaskSupportName(task_support)}};
  }
  return j;
}

Json Resource::ToJson() const {
  Json j = {{"uri", uri}, {"name", name}};
  PutIfSet(j, "title", title);
  PutIfSet(j, "description", description);
  PutIfSet(j, "mimeType", mime_type);
  if (size) j["size"] = *size;
  PutIfSet(j, "annotations", annotations);
  return j;
}

Json ResourceTemplate::ToJson() const {
  Json j = {{"uriTemplate", uri_template}, {"name", name}};
  PutIfSet(j, "title", title);
  PutIfSet(j, "description", description);
  PutIfSet(j, "mimeType", mime_type);
  return j;
}

Json Prompt::ToJson() const {
  Json j = {{"name", name}};
  PutIfSet(j, "title", title);
  PutIfSet(j, "description", description);
  if (!arguments.empty()) {
    Json args = Json::array();
    for (const auto& a : arguments) {
      Json arg = {{"name", a.name}, {"required", a.required}};
      PutIfSet(arg, "description", a.description);
      args.push_back(std::move(arg));
    }
    j["arguments"] = std::move(args);
  }
  return j;
}

Json TextContent(const std::string& text) { return {{"type", "text"}, {"text", text}}; }

Json ToolTextResult(const std::string& text) {
  return {{"content", Json::array({TextContent(text)})}};
}

Json ToolErrorResult(const std::string& message) {
  return {{"content", Json::array({TextContent(message)})}, {"isError", true}};
}

Json TextResourceContents(const std::string& uri, const std::string& mime_type,
                          const std::string& text) {
  Json j = {{"uri", uri}, {"text", text}};
  PutIfSet(j, "mimeType", mime_type);
  return j;
}

}  // namespace aurite::mcp
