// Tests of the environment backend servers are started with.
#include "host/server_environment.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>

namespace aurite::host {
namespace {

ServerConfig WithEnv(std::vector<std::pair<std::string, std::string>> env) {
  ServerConfig server;
  server.name = "s";
  server.command = "true";
  for (auto& [name, value] : env) {
    server.env.emplace_back(name, crypto::SecretBuffer::CopyFrom(value));
  }
  return server;
}

TEST(ServerEnvironmentTest, HoldsOnlyTheConfiguredEnvPlusTheBase) {
  ::setenv("AURITE_HOST_ONLY_SECRET", "do-not-pass", 1);
  std::vector<std::string> environment = BuildServerEnvironment(WithEnv({{"API_MODE", "x"}}));
  ::unsetenv("AURITE_HOST_ONLY_SECRET");
  std::sort(environment.begin(), environment.end());
  EXPECT_EQ(environment, (std::vector<std::string>{"API_MODE=x", "LANG=C.UTF-8",
                                                   "PATH=" + std::string(kBasePath)}));
}

TEST(ServerEnvironmentTest, ConfiguredPathReplacesTheBase) {
  std::vector<std::string> environment = BuildServerEnvironment(WithEnv({{"PATH", "/opt/bin"}}));
  EXPECT_EQ(std::count(environment.begin(), environment.end(), "PATH=/opt/bin"), 1);
  EXPECT_EQ(std::count_if(environment.begin(), environment.end(),
                          [](const std::string& line) { return line.starts_with("PATH="); }),
            1);
}

}  // namespace
}  // namespace aurite::host
