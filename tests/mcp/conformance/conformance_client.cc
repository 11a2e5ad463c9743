// aurite-conformance-client: the client fixture for the official
// conformance suite's client scenarios, built on our client framework.
// Test-only; not installed.
//
//   MCP_CONFORMANCE_SCENARIO=<scenario> aurite-conformance-client <server-url>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "mcp/client/client.h"
#include "mcp/transport/http_client.h"

namespace aurite::mcp::conformance {
namespace {

std::optional<HttpClientOptions> FromUrl(const std::string& url) {
  HttpClientOptions options;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
    options.tls = true;
  } else {
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  options.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  options.host = authority.substr(0, colon);
  options.port = static_cast<std::uint16_t>(colon == std::string::npos
                                                ? (options.tls ? 443 : 80)
                                                : std::atoi(authority.c_str() + colon + 1));
  return options;
}

bool Check(const RpcResult& result, const char* what) {
  if (result.ok()) return true;
  std::fprintf(stderr, "%s failed: %s\n", what, result.error().message.c_str());
  return false;
}

bool HasTool(const RpcResult& tools, const std::string& name) {
  for (const auto& tool : tools.value()["tools"]) {
    if (tool.value("name", "") == name) return true;
  }
  return false;
}

// Connects, lists tools and, when the server offers `tool`, calls it.
bool ListAndCall(HttpClient& http, const std::string& tool, const Json& arguments, bool required) {
  if (!Check(http.client().Initialize(), "initialize")) return false;
  RpcResult tools = http.client().ListTools();
  if (!Check(tools, "tools/list")) return false;
  if (!tool.empty() && HasTool(tools, tool)) {
    if (!Check(http.client().CallTool(tool, arguments), "tools/call")) return false;
  } else if (required) {
    std::fprintf(stderr, "the server does not offer %s\n", tool.c_str());
    return false;
  }
  (void)http.Terminate();
  return true;
}

int Run(const std::string& scenario, HttpClientOptions options) {
  options.client.info = {"aurite-conformance-client", "1.0.0", ""};
  if (scenario == "elicitation-sep1034-client-defaults") {
    options.client.capabilities = {{"elicitation", {{"form", {{"applyDefaults", true}}}}}};
  }
  HttpClient http(std::move(options));
  http.client().SetRequestHandler(
      "elicitation/create", [](const Json& params, RequestContext&) -> RpcResult {
        return Json{{"action", "accept"},
                    {"content", ApplyElicitationDefaults(params.value("requestedSchema", Json()),
                                                         Json::object())}};
      });
  bool ok = false;
  if (scenario == "initialize") {
    ok = ListAndCall(http, "", Json::object(), false);
  } else if (scenario == "tools_call") {
    ok = ListAndCall(http, "add_numbers", {{"a", 5}, {"b", 3}}, false);
  } else if (scenario == "elicitation-sep1034-client-defaults") {
    ok = ListAndCall(http, "test_client_elicitation_defaults", Json::object(), true);
  } else if (scenario == "sse-retry") {
    ok = ListAndCall(http, "test_reconnection", Json::object(), true);
  } else {
    std::fprintf(stderr, "unknown scenario: %s\n", scenario.c_str());
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace aurite::mcp::conformance

int main(int argc, char** argv) {
  const char* scenario = std::getenv("MCP_CONFORMANCE_SCENARIO");
  if (argc != 2 || scenario == nullptr) {
    std::fprintf(stderr, "usage: MCP_CONFORMANCE_SCENARIO=<scenario> %s <server-url>\n", argv[0]);
    return 2;
  }
  auto options = aurite::mcp::conformance::FromUrl(argv[1]);
  if (!options) {
    std::fprintf(stderr, "not an http(s) URL: %s\n", argv[1]);
    return 2;
  }
  return aurite::mcp::conformance::Run(scenario, std::move(*options));
}
