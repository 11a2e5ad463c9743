// http_load_bench: many concurrent MCP clients over Streamable HTTP against
// any server (ours through `aurite serve`, and the peers), each with its
// own session, a kept-alive connection and unique JSON-RPC ids; prints one
// JSON line with calls/s, p50, p99 and errors (bench/http-bench).
//
//   http_load_bench --name NAME --port PORT --tool TOOL --arguments JSON
//                   [--setup TOOL JSON CAPTURE]... [--clients 64] [--seconds 10]
//                   [--expect TEXT] [--n-range 10000] [--path /mcp]
//                   [--protocol-version 2025-06-18] [--bearer-token-env NAME]
// In JSON, "{n}" is a number from 1 to --n-range, new on every call, and
// "{CAPTURE}" the structuredContent string a setup call captured.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/http_load.h"

int main(int argc, char** argv) {
  aurite::httpload::LoadOptions options;
  std::string name = "server";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", flag.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (flag == "--name") {
      name = next();
    } else if (flag == "--port") {
      options.port = static_cast<std::uint16_t>(std::atoi(next().c_str()));
    } else if (flag == "--path") {
      options.path = next();
    } else if (flag == "--tool") {
      options.tool = next();
    } else if (flag == "--arguments") {
      options.arguments = next();
    } else if (flag == "--setup") {
      aurite::httpload::SetupCall call;
      call.tool = next();
      call.arguments = next();
      call.capture = next();
      options.setup.push_back(std::move(call));
    } else if (flag == "--clients") {
      options.clients = std::atoi(next().c_str());
    } else if (flag == "--seconds") {
      options.duration =
          std::chrono::milliseconds(static_cast<long>(std::atof(next().c_str()) * 1000));
    } else if (flag == "--expect") {
      options.expect = next();
    } else if (flag == "--n-range") {
      options.n_range = std::atoi(next().c_str());
    } else if (flag == "--protocol-version") {
      options.protocol_version = next();
    } else if (flag == "--bearer-token-env") {
      // The token's variable, not the token: argv is visible to every user.
      const char* token = std::getenv(next().c_str());
      options.bearer_token = token != nullptr ? token : "";
    } else {
      std::fprintf(stderr, "unknown flag %s (see the comment at the top of http_load_bench.cc)\n",
                   flag.c_str());
      return 2;
    }
  }
  if (options.port == 0 || options.tool.empty() || options.clients < 1 || options.n_range < 1) {
    std::fprintf(stderr,
                 "usage: http_load_bench --name NAME --port PORT --tool TOOL --arguments "
                 "JSON [--setup TOOL JSON CAPTURE]... [--clients N] [--seconds S]\n");
    return 2;
  }
  const aurite::httpload::LoadResult result = aurite::httpload::RunLoad(options);
  nlohmann::json line = result.ToJson();
  line["name"] = name;
  line["clients"] = options.clients;
  std::printf("%s\n", line.dump().c_str());
  return result.clients_ready == options.clients ? 0 : 1;
}
