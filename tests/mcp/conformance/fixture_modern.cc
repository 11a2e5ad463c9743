// The fixture's 2026-07-28 tools and prompt: multi-round-trip
// (input_required) flows and the stateless diagnostics the suite's
// server-stateless and input-required-result-* scenarios call.
#include "fixture.h"
#include "mcp/server/input_required.h"
#include "mcp/server/server_session.h"

namespace aurite::mcp::conformance {
namespace {

Tool NoArgs(const char* name, const char* description) {
  Tool tool;
  tool.name = name;
  tool.description = description;
  return tool;
}

Json Ask(const char* message, const char* field, const char* type = "string") {
  return ElicitationInput(
      message,
      {{"type", "object"}, {"properties", {{field, {{"type", type}}}}}, {"required", {field}}});
}

Json Sample(const char* text, int max_tokens) {
  return SamplingInput(
      {{"messages", Json::array({{{"role", "user"}, {"content", TextContent(text)}}})},
       {"maxTokens", max_tokens}});
}

// An accepted elicitation's content, or null (declined, missing, malformed).
const Json* Accepted(const CallContext& ctx, const char* key) {
  const Json* answer = InputResponse(ctx, key);
  if (answer == nullptr || answer->value("action", "") != "accept") return nullptr;
  auto content = answer->find("content");
  return content != answer->end() && content->is_object() ? &*content : nullptr;
}

std::string Field(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : Dump(object);
}

bool Declared(CallContext& ctx, const char* capability) {
  return ctx.session.client_capabilities().contains(capability);
}

void AddSingleRoundTools(McpServer& server) {
  server.AddTool(NoArgs("test_input_required_result_elicitation", "Asks the user's name"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   const Json* content = Accepted(ctx, "user_name");
                   if (content == nullptr) {
                     return InputRequiredResult({{"user_name", Ask("What is your name?", "name")}});
                   }
                   return ToolTextResult("Hello, " + Field(*content, "name") + "!");
                 });
  server.AddTool(NoArgs("test_input_required_result_sampling", "Asks the client's model"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   const Json* answer = InputResponse(ctx, "capital_question");
                   if (answer == nullptr || !answer->contains("content")) {
                     return InputRequiredResult(
                         {{"capital_question", Sample("What is the capital of France?", 100)}});
                   }
                   return ToolTextResult("LLM response: " + Field((*answer)["content"], "text"));
                 });
  server.AddTool(NoArgs("test_input_required_result_list_roots", "Asks for the client's roots"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   const Json* answer = InputResponse(ctx, "client_roots");
                   if (answer == nullptr || !answer->value("roots", Json()).is_array()) {
                     return InputRequiredResult({{"client_roots", RootsInput()}});
                   }
                   return ToolTextResult("Client roots: " + Dump((*answer)["roots"]));
                 });
  server.AddTool(
      NoArgs("test_input_required_result_capabilities", "Asks only for what the client declared"),
      [](const Json&, CallContext& ctx) -> RpcResult {
        Json requests = Json::object();
        if (Declared(ctx, "elicitation")) {
          requests["user_name"] = Ask("What is your name?", "name");
        }
        if (Declared(ctx, "sampling")) requests["greeting"] = Sample("Say hello", 50);
        if (Declared(ctx, "roots")) requests["client_roots"] = RootsInput();
        if (requests.empty() || InputResponse(ctx, requests.begin().key()) != nullptr) {
          return ToolTextResult("Capabilities respected");
        }
        return InputRequiredResult(std::move(requests));
      });
}

void AddStatefulTools(McpServer& server) {
  auto confirm = [](const Json&, CallContext& ctx) -> RpcResult {
    const auto state = RequestState(ctx);
    if (Accepted(ctx, "confirm") == nullptr || state != "awaiting-confirm") {
      return InputRequiredResult({{"confirm", Ask("Please confirm", "ok", "boolean")}},
                                 "awaiting-confirm");
    }
    return ToolTextResult("Confirmed: state-ok");
  };
  server.AddTool(NoArgs("test_input_required_result_request_state", "Round-trips requestState"),
                 confirm);
  server.AddTool(
      NoArgs("test_input_required_result_tampered_state", "Rejects an altered requestState"),
      confirm);
  server.AddTool(NoArgs("test_input_required_result_multiple_inputs", "Asks three things at once"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   if (RequestState(ctx) == "awaiting-all" &&
                       Accepted(ctx, "user_name") != nullptr &&
                       InputResponse(ctx, "greeting") != nullptr &&
                       InputResponse(ctx, "client_roots") != nullptr) {
                     return ToolTextResult("Received all inputs");
                   }
                   return InputRequiredResult({{"user_name", Ask("What is your name?", "name")},
                                               {"greeting", Sample("Generate a greeting", 50)},
                                               {"client_roots", RootsInput()}},
                                              "awaiting-all");
                 });
  server.AddTool(
      NoArgs("test_input_required_result_multi_round", "Asks in two rounds"),
      [](const Json&, CallContext& ctx) -> RpcResult {
        const auto state = RequestState(ctx);
        if (state == "round-2" && Accepted(ctx, "step2") != nullptr) {
          return ToolTextResult("Done: favorite color " + Field(*Accepted(ctx, "step2"), "color"));
        }
        if (state == "round-1" && Accepted(ctx, "step1") != nullptr) {
          return InputRequiredResult(
              {{"step2", Ask("Step 2: What is your favorite color?", "color")}}, "round-2");
        }
        return InputRequiredResult({{"step1", Ask("Step 1: What is your name?", "name")}},
                                   "round-1");
      });
}

void AddStatelessDiagnostics(McpServer& server) {
  server.AddTool(NoArgs("test_missing_capability", "Needs the client's sampling capability"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   if (!Declared(ctx, "sampling")) return MissingClientCapability("sampling");
                   const Json* answer = InputResponse(ctx, "question");
                   if (answer == nullptr) {
                     return InputRequiredResult({{"question", Sample("Say hello", 20)}});
                   }
                   return ToolTextResult("Sampled");
                 });
  server.AddTool(NoArgs("test_streaming_elicitation", "Asks for input within one response"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   if (const Json* content = Accepted(ctx, "answer")) {
                     return ToolTextResult("Answer: " + Field(*content, "answer"));
                   }
                   return InputRequiredResult({{"answer", Ask("Your answer?", "answer")}});
                 });
  Tool routed = NoArgs("test_header_param", "Echoes a region also sent as Mcp-Param-Region");
  routed.input_schema = {
      {"type", "object"},
      {"properties",
       {{"region",
         {{"type", "string"}, {"description", "Where to run"}, {"x-mcp-header", "Region"}}}}},
      {"required", {"region"}}};
  server.AddTool(routed, [](const Json& args, CallContext&) -> RpcResult {
    return ToolTextResult("Region: " + args["region"].get<std::string>());
  });
  server.AddTool(NoArgs("test_logging_tool", "Logs at info level, if the request asks for logs"),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   ctx.session.Log(LogLevel::kInfo, "test_logging_tool", "logging tool ran");
                   return ToolTextResult("Logged (if asked to)");
                 });
  server.AddPrompt(
      {"test_input_required_result_prompt",
       "Prompt Needing Input",
       "A prompt that asks the user for context first",
       {}},
      [](const auto&, CallContext& ctx) -> RpcResult {
        const Json* content = Accepted(ctx, "user_context");
        if (content == nullptr) {
          return InputRequiredResult(
              {{"user_context", Ask("What context should the prompt use?", "context")}});
        }
        return Json{{"messages",
                     {{{"role", "user"},
                       {"content", TextContent("Context: " + Field(*content, "context"))}}}}};
      });
}

}  // namespace

void AddModernEraEntries(McpServer& server) {
  AddSingleRoundTools(server);
  AddStatefulTools(server);
  AddStatelessDiagnostics(server);
}

}  // namespace aurite::mcp::conformance
