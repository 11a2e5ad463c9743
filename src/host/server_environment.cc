// Building a backend server's environment from its configuration alone.
#include "host/server_environment.h"

#include <algorithm>

namespace aurite::host {
namespace {

bool Sets(const ServerConfig& server, std::string_view name) {
  return std::any_of(server.env.begin(), server.env.end(),
                     [name](const SecretPair& entry) { return entry.first == name; });
}

}  // namespace

std::vector<std::string> BuildServerEnvironment(const ServerConfig& server) {
  std::vector<std::string> environment;
  environment.reserve(server.env.size() + 2);
  if (!Sets(server, "PATH")) environment.push_back("PATH=" + std::string(kBasePath));
  if (!Sets(server, "LANG")) environment.push_back("LANG=C.UTF-8");
  for (const SecretPair& entry : server.env) {
    std::string line = entry.first + "=";
    line.append(entry.second.Reveal());
    environment.push_back(std::move(line));
  }
  return environment;
}

}  // namespace aurite::host
