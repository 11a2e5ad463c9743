// Test support: reads databases.json written by tests/harness/databases.
#include "test_databases.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

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

std::string UrlOf(Engine engine) {
  return Databases()[engine == Engine::kPostgres ? "postgres" : "mariadb"]["uri"];
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

ConnectionConfig AdminConfigFor(Engine engine) {
  const nlohmann::json& server = Databases()[engine == Engine::kPostgres ? "postgres" : "mariadb"];
  return WithLogin(ConfigFor(engine), server["admin_user"].get<std::string>(),
                   server["admin_password"].get<std::string>());
}

ConnectionConfig WithLogin(const ConnectionConfig& base, const std::string& user,
                           const std::string& password) {
  ConnectionConfig config = base.Clone();
  config.user = user;
  config.password = crypto::SecretBuffer::CopyFrom(password);
  return config;
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

std::string SlowQuery(Engine engine, const std::string& marker) {
  switch (engine) {
    case Engine::kPostgres:
      return "SELECT pg_sleep(30), '" + marker + "'";
    case Engine::kMariaDb:
      return "SELECT SLEEP(30), '" + marker + "'";
    case Engine::kSqlite:
      return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*), '" +
             marker + "' FROM c";
  }
  return {};
}

std::int64_t StatementsRunning(Connection& observer, const std::string& marker) {
  // The marker is a bound parameter, so the observer's own statement never matches.
  std::string sql =
      observer.engine() == Engine::kPostgres
          ? "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> "
            "pg_backend_pid() AND strpos(query, $1) > 0"
          : "SELECT count(*) FROM information_schema.processlist WHERE id <> CONNECTION_ID() "
            "AND LOCATE(?, info) > 0";
  StatusOr<QueryResult> running = observer.Execute(sql, {marker}, {});
  EXPECT_TRUE(running.ok()) << running.status().ToString();
  return running.ok() ? running->rows[0][0].get<std::int64_t>() : -1;
}

namespace {

std::int64_t AwaitCount(Connection& observer, const std::string& marker, bool running) {
  std::int64_t count = StatementsRunning(observer, marker);
  for (int i = 0; i < 200 && (running ? count < 1 : count != 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    count = StatementsRunning(observer, marker);
  }
  return count;
}

}  // namespace

std::int64_t AwaitStatementRunning(Connection& observer, const std::string& marker) {
  return AwaitCount(observer, marker, true);
}

std::int64_t AwaitNoStatementRunning(Connection& observer, const std::string& marker) {
  return AwaitCount(observer, marker, false);
}

}  // namespace aurite::sql::testing
