// Test support: reads databases.json written by tests/harness/databases.
#include "test_databases.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "sql/connection_string.h"

namespace aurite::sql::testing {

const nlohmann::json& Databases() {
  static const nlohmann::json databases = [] {
    const char* path = std::getenv("AURITE_TEST_DATABASES");
    if (path == nullptr) return nlohmann::json();
    std::ifstream in(path);
    if (!in) return nlohmann::json();
    return nlohmann::json::parse(in, nullptr, false);
  }();
  if (databases.is_discarded() || databases.is_null()) {
    ADD_FAILURE() << "AURITE_TEST_DATABASES does not name a readable databases.json; run the "
                     "tests through ctest, or run tests/harness/databases start DIR and set "
                     "AURITE_TEST_DATABASES=DIR/databases.json";
  }
  return databases;
}

std::string Password() { return Databases()["postgres"]["password"].get<std::string>(); }

ConnectionConfig ConfigFor(Engine engine, const std::string& sqlite_path) {
  if (engine == Engine::kSqlite) {
    ConnectionConfig config;
    config.engine = Engine::kSqlite;
    config.path = sqlite_path;
    return config;
  }
  const nlohmann::json& server = Databases()[engine == Engine::kPostgres ? "postgres" : "mariadb"];
  StatusOr<ConnectionConfig> config = ParseConnectionString(server["uri"].get<std::string>());
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return std::move(config).value();
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

std::string Placeholder(Engine engine, int index) {
  switch (engine) {
    case Engine::kPostgres:
      return "$" + std::to_string(index);
    case Engine::kSqlite:
      return "?" + std::to_string(index);
    case Engine::kMariaDb:
      return "?";
  }
  return "?";
}

}  // namespace aurite::sql::testing
