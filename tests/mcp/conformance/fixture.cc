// Registrations grouped by kind; the texts are the ones the suite checks for.
#include "fixture.h"

#include <chrono>
#include <thread>

#include "mcp/server/server_session.h"

namespace aurite::mcp::conformance {
namespace {

// A 1x1 PNG and a minimal WAV, as the contract specifies.
constexpr const char* kImage =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";
constexpr const char* kAudio = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

Json Image() { return {{"type", "image"}, {"data", kImage}, {"mimeType", "image/png"}}; }

Json Content(Json items) { return {{"content", std::move(items)}}; }

Tool Named(const char* name, const char* description, Json schema = {{"type", "object"}}) {
  Tool tool;
  tool.name = name;
  tool.description = description;
  tool.input_schema = std::move(schema);
  return tool;
}

Json StringArgSchema(const char* name, const char* description) {
  return {{"type", "object"},
          {"properties", {{name, {{"type", "string"}, {"description", description}}}}},
          {"required", {name}}};
}

void AddContentTools(McpServer& server) {
  Tool simple = Named("test_simple_text", "Tests simple text content response");
  simple.runs_inline = true;  // quick and self-contained
  server.AddTool(simple, [](const Json&, CallContext&) -> RpcResult {
    return ToolTextResult("This is a simple text response for testing.");
  });
  server.AddTool(Named("test_image_content", "Tests image content response"),
                 [](const Json&, CallContext&) -> RpcResult { return Content({Image()}); });
  server.AddTool(
      Named("test_audio_content", "Tests audio content response"),
      [](const Json&, CallContext&) -> RpcResult {
        return Content({{{"type", "audio"}, {"data", kAudio}, {"mimeType", "audio/wav"}}});
      });
  server.AddTool(
      Named("test_embedded_resource", "Tests embedded resource content response"),
      [](const Json&, CallContext&) -> RpcResult {
        return Content(
            {{{"type", "resource"},
              {"resource", TextResourceContents("test://embedded-resource", "text/plain",
                                                "This is an embedded resource content.")}}});
      });
  server.AddTool(
      Named("test_multiple_content_types",
            "Tests response with multiple content types (text, image, resource)"),
      [](const Json&, CallContext&) -> RpcResult {
        Json data = {{"test", "data"}, {"value", 123}};
        return Content({TextContent("Multiple content types test:"),
                        Image(),
                        {{"type", "resource"},
                         {"resource", TextResourceContents("test://mixed-content-resource",
                                                           "application/json", Dump(data))}}});
      });
  server.AddTool(Named("test_error_handling", "Tests error response handling"),
                 [](const Json&, CallContext&) -> RpcResult {
                   return ToolErrorResult("This tool intentionally returns an error for testing");
                 });
}

void AddNotifyingTools(McpServer& server) {
  server.AddTool(
      Named("test_tool_with_logging", "Tests tool that emits log messages during execution"),
      [](const Json&, CallContext& ctx) -> RpcResult {
        for (const char* line :
             {"Tool execution started", "Tool processing data", "Tool execution completed"}) {
          ctx.session.Log(LogLevel::kInfo, "", line);
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return ToolTextResult("Tool with logging executed successfully");
      });
  server.AddTool(Named("test_tool_with_progress", "Tests tool that reports progress notifications"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   for (int step : {0, 50, 100}) {
                     ctx.rpc.SendProgress(step, 100,
                                          "Completed step " + std::to_string(step) + " of 100");
                     if (step != 100) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                   }
                   return ToolTextResult("progress reported");
                 });
}

void AddClientRequestTools(McpServer& server) {
  server.AddTool(
      Named("test_sampling", "Tests server-initiated sampling (LLM completion request)",
            StringArgSchema("prompt", "The prompt to send to the LLM")),
      [](const Json& args, CallContext& ctx) -> RpcResult {
        Json request = {
            {"messages",
             Json::array({{{"role", "user"}, {"content", TextContent(args["prompt"])}}})},
            {"maxTokens", 100}};
        RpcResult r = ctx.session.CreateMessage(std::move(request));
        if (!r.ok()) return ToolTextResult("Sampling not supported or error: " + r.error().message);
        std::string text = "No response";
        if (r.value().contains("content") && r.value()["content"].contains("text")) {
          text = r.value()["content"]["text"];
        }
        return ToolTextResult("LLM response: " + text);
      });
  server.AddTool(
      Named("test_elicitation", "Tests server-initiated elicitation (user input request)",
            StringArgSchema("message", "The message to show the user")),
      [](const Json& args, CallContext& ctx) -> RpcResult {
        Json schema = {{"type", "object"},
                       {"properties",
                        {{"response", {{"type", "string"}, {"description", "User's response"}}}}},
                       {"required", {"response"}}};
        RpcResult r =
            ctx.session.Elicit({{"message", args["message"]}, {"requestedSchema", schema}});
        if (!r.ok())
          return ToolTextResult("Elicitation not supported or error: " + r.error().message);
        return ToolTextResult("User response: action=" + r.value().value("action", "") +
                              ", content=" + Dump(r.value().value("content", Json::object())));
      });
}

// Runs an elicitation with `schema` and reports the outcome as the suite expects.
RpcResult ElicitAndReport(CallContext& ctx, const char* message, Json schema) {
  RpcResult r = ctx.session.Elicit({{"message", message}, {"requestedSchema", std::move(schema)}});
  if (!r.ok()) return ToolTextResult("Elicitation not supported or error: " + r.error().message);
  return ToolTextResult("Elicitation completed: action=" + r.value().value("action", "") +
                        ", content=" + Dump(r.value().value("content", Json::object())));
}

Json Titled(const char* value, const char* title) { return {{"const", value}, {"title", title}}; }

void AddElicitationSchemaTools(McpServer& server) {
  server.AddTool(
      Named("test_elicitation_sep1034_defaults",
            "Tests elicitation with default values per SEP-1034"),
      [](const Json&, CallContext& ctx) -> RpcResult {
        Json properties = {
            {"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
            {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
            {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
            {"status",
             {{"type", "string"},
              {"description", "User status"},
              {"enum", {"active", "inactive", "pending"}},
              {"default", "active"}}},
            {"verified",
             {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}}};
        return ElicitAndReport(
            ctx, "Please review and update the form fields with defaults",
            {{"type", "object"}, {"properties", properties}, {"required", Json::array()}});
      });
  server.AddTool(
      Named("test_elicitation_sep1330_enums",
            "Tests elicitation with enum schema improvements per SEP-1330"),
      [](const Json&, CallContext& ctx) -> RpcResult {
        const Json options = {"option1", "option2", "option3"};
        Json properties = {
            {"untitledSingle",
             {{"type", "string"}, {"description", "Select one option"}, {"enum", options}}},
            {"titledSingle",
             {{"type", "string"},
              {"description", "Select one option with titles"},
              {"oneOf",
               {Titled("value1", "First Option"), Titled("value2", "Second Option"),
                Titled("value3", "Third Option")}}}},
            {"legacyEnum",
             {{"type", "string"},
              {"description", "Select one option (legacy)"},
              {"enum", {"opt1", "opt2", "opt3"}},
              {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
            {"untitledMulti",
             {{"type", "array"},
              {"description", "Select multiple options"},
              {"minItems", 1},
              {"maxItems", 3},
              {"items", {{"type", "string"}, {"enum", options}}}}},
            {"titledMulti",
             {{"type", "array"},
              {"description", "Select multiple options with titles"},
              {"minItems", 1},
              {"maxItems", 3},
              {"items",
               {{"anyOf",
                 {Titled("value1", "First Choice"), Titled("value2", "Second Choice"),
                  Titled("value3", "Third Choice")}}}}}}};
        return ElicitAndReport(
            ctx, "Please select options from the enum fields",
            {{"type", "object"}, {"properties", properties}, {"required", Json::array()}});
      });
  Json address = {
      {"$anchor", "addressDef"},
      {"type", "object"},
      {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}};
  auto required = [](const char* name) { return Json{{"required", {name}}}; };
  server.AddTool(
      Named("json_schema_2020_12_tool",
            "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613, SEP-2106)",
            {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
             {"type", "object"},
             {"$defs", {{"address", address}}},
             {"properties",
              {{"name", {{"type", "string"}}},
               {"address", {{"$ref", "#/$defs/address"}}},
               {"contactMethod", {{"type", "string"}, {"enum", {"phone", "email"}}}},
               {"phone", {{"type", "string"}}},
               {"email", {{"type", "string"}}}}},
             {"allOf", {{{"anyOf", {required("phone"), required("email")}}}}},
             {"if",
              {{"properties", {{"contactMethod", {{"const", "phone"}}}}},
               {"required", {"contactMethod"}}}},
             {"then", required("phone")},
             {"else", required("email")},
             {"additionalProperties", false}}),
      [](const Json& args, CallContext&) -> RpcResult {
        return ToolTextResult("JSON Schema 2020-12 tool called with: " + Dump(args));
      });
}

void AddResources(McpServer& server) {
  server.AddResource(
      {"test://static-text", "static-text", "Static Text Resource",
       "A static text resource for testing", "text/plain", std::nullopt, nullptr},
      [](const std::string& uri, CallContext&) -> RpcResult {
        return Json{{"contents",
                     {TextResourceContents(uri, "text/plain",
                                           "This is the content of the static text resource.")}}};
      });
  server.AddResource(
      {"test://static-binary", "static-binary", "Static Binary Resource",
       "A static binary resource (image) for testing", "image/png", std::nullopt, nullptr},
      [](const std::string& uri, CallContext&) -> RpcResult {
        return Json{{"contents", {{{"uri", uri}, {"mimeType", "image/png"}, {"blob", kImage}}}}};
      });
  server.AddResource(
      {"test://watched-resource", "watched-resource", "Watched Resource",
       "A resource that can be subscribed to", "text/plain", std::nullopt, nullptr},
      [](const std::string& uri, CallContext&) -> RpcResult {
        return Json{
            {"contents", {TextResourceContents(uri, "text/plain", "Watched resource content")}}};
      });
  server.AddResourceTemplate(
      {"test://template/{id}/data", "template", "Resource Template",
       "A resource template with parameter substitution", "application/json"},
      [](const std::string& uri, const std::map<std::string, std::string>& vars,
         CallContext&) -> RpcResult {
        const std::string& id = vars.at("id");
        Json body = {{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
        return Json{{"contents", {TextResourceContents(uri, "application/json", Dump(body))}}};
      });
}

Json UserMessage(Json content) { return {{"role", "user"}, {"content", std::move(content)}}; }

void AddPrompts(McpServer& server) {
  server.AddPrompt(
      {"test_simple_prompt", "Simple Test Prompt", "A simple prompt without arguments", {}},
      [](const auto&, CallContext&) -> RpcResult {
        return Json{
            {"messages", {UserMessage(TextContent("This is a simple prompt for testing."))}}};
      });
  server.AddPrompt(
      {"test_prompt_with_arguments",
       "Prompt With Arguments",
       "A prompt with required arguments",
       {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}}},
      [](const std::map<std::string, std::string>& args, CallContext&) -> RpcResult {
        return Json{{"messages",
                     {UserMessage(TextContent("Prompt with arguments: arg1='" + args.at("arg1") +
                                              "', arg2='" + args.at("arg2") + "'"))}}};
      });
  server.AddPrompt(
      {"test_prompt_with_embedded_resource",
       "Prompt With Embedded Resource",
       "A prompt that includes an embedded resource",
       {{"resourceUri", "URI of the resource to embed", true}}},
      [](const std::map<std::string, std::string>& args, CallContext&) -> RpcResult {
        Json resource = {
            {"type", "resource"},
            {"resource", TextResourceContents(args.at("resourceUri"), "text/plain",
                                              "Embedded resource content for testing.")}};
        return Json{{"messages",
                     {UserMessage(resource),
                      UserMessage(TextContent("Please process the embedded resource above."))}}};
      });
  server.AddPrompt(
      {"test_prompt_with_image", "Prompt With Image", "A prompt that includes image content", {}},
      [](const auto&, CallContext&) -> RpcResult {
        return Json{
            {"messages",
             {UserMessage(Image()), UserMessage(TextContent("Please analyze the image above."))}}};
      });
}

}  // namespace

std::unique_ptr<McpServer> MakeFixtureServer() {
  ServerOptions options;
  options.info = {"mcp-conformance-test-server", "1.0.0", ""};
  options.tasks = true;
  auto server = std::make_unique<McpServer>(options);
  AddContentTools(*server);
  AddNotifyingTools(*server);
  AddClientRequestTools(*server);
  AddElicitationSchemaTools(*server);
  AddResources(*server);
  AddPrompts(*server);
  AddModernEraEntries(*server);
  AddTaskEntries(*server);
  return server;
}

}  // namespace aurite::mcp::conformance
