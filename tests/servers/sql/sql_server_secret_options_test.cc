// `aurite sql-server` as a real child process with a canary in every kind of
// secret-bearing connection-string option (crypto/secret_keys.h): the canary
// never appears in a tool result, an error or the server's stderr, and the
// connection still works where the engine accepts the option.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "runtime/spdlog_logger.h"
#include "servers/sql/sql_server_client.h"
#include "sql/test_databases.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::ErrorText;
using testing::SqlServerClient;
using testing::Structured;
namespace db = aurite::sql;

struct CanaryCase {
  std::string name;
  std::string connection_string;
  std::string canary;
  // The option as the masked connection string shows it, when the engine
  // accepts the option and the connection opens; empty when it refuses it.
  std::string masked_option;
};

// The fixture's PostgreSQL in libpq keyword/value form, with `extra` appended.
std::string PostgresKeywords(const std::string& extra) {
  db::ConnectionConfig config = db::testing::ConfigFor(db::Engine::kPostgres);
  std::string password;
  for (char c : config.password.Reveal()) {
    if (c == '\'' || c == '\\') password += '\\';
    password += c;
  }
  return "host=" + config.host + " port=" + std::to_string(config.port.value_or(5432)) +
         " user=" + config.user + " dbname=" + config.database + " password='" + password + "' " +
         extra;
}

std::vector<CanaryCase> Cases() {
  std::string postgres = db::testing::UrlOf(db::Engine::kPostgres);
  std::string mariadb = db::testing::UrlOf(db::Engine::kMariaDb);
  auto with = [](const std::string& uri, const std::string& query) {
    return uri + (uri.find('?') == std::string::npos ? "?" : "&") + query;
  };
  return {
      // libpq takes sslpassword even without a client key.
      {"postgres sslpassword", with(postgres, "sslpassword=canary-sslpw-1"), "canary-sslpw-1",
       "sslpassword=****"},
      {"postgres sslpassword keyword", PostgresKeywords("sslpassword='canary sslpw 2'"),
       "canary sslpw 2", "sslpassword=****"},
      {"postgres PWD keyword", PostgresKeywords("PWD=canary-pwd-3"), "canary-pwd-3", ""},
      {"postgres api_key", with(postgres, "api_key=canary-apikey-4"), "canary-apikey-4", ""},
      {"postgres token", with(postgres, "token=canary-token-5"), "canary-token-5", ""},
      {"postgres passphrase", with(postgres, "passphrase=canary-phrase-6"), "canary-phrase-6", ""},
      // libmariadb takes the key passphrase without a client key, too.
      {"mariadb tls-passphrase", with(mariadb, "tls-passphrase=canary-tls-7"), "canary-tls-7",
       "ssl-passphrase=****"},
      {"mariadb SSL_KEY_PASSPHRASE", with(mariadb, "SSL_KEY_PASSPHRASE=canary-tls-8"),
       "canary-tls-8", "ssl-passphrase=****"},
      {"mariadb api_key", with(mariadb, "api_key=canary-apikey-9"), "canary-apikey-9", ""},
      {"mariadb token", with(mariadb, "token=canary-token-10"), "canary-token-10", ""},
  };
}

TEST(SqlServerSecretOptionsTest, NoCanaryInASecretOptionLeavesTheServer) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  runtime::Logger().sinks().push_back(sink);
  auto server = SqlServerClient::Start({"--statement-timeout", "5"});
  ASSERT_NE(server, nullptr);
  std::vector<CanaryCase> cases = Cases();
  std::vector<std::string> results(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CanaryCase& c = cases[i];
    SCOPED_TRACE(c.name);
    auto record = [&](const Json& result) {
      results[i] += result.dump(-1, ' ', false, Json::error_handler_t::replace);
    };
    Json connected = server->Call("connect_database", {{"connection_string", c.connection_string}});
    record(connected);
    if (c.masked_option.empty()) {
      EXPECT_FALSE(ErrorText(connected).empty()) << connected.dump();
      continue;
    }
    Json opened = Structured(connected);
    ASSERT_TRUE(opened.contains("connection_id")) << connected.dump();
    std::string masked = opened["masked_connection_string"];
    EXPECT_NE(masked.find(c.masked_option), std::string::npos) << masked;
    std::string id = opened["connection_id"];
    Json selected =
        server->Call("execute_query", {{"connection_id", id}, {"query", "SELECT 41 + 1"}});
    record(selected);
    EXPECT_EQ(Structured(selected)["rows"], Json::parse("[[42]]")) << selected.dump();
    record(server->Call("list_tables", {{"connection_id", id}}));
    record(server->Call("disconnect", {{"connection_id", id}}));
  }
  server.reset();  // waits for the server's last log lines
  std::erase(runtime::Logger().sinks(), sink);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    EXPECT_EQ(results[i].find(cases[i].canary), std::string::npos) << results[i];
    EXPECT_EQ(log.str().find(cases[i].canary), std::string::npos) << log.str();
  }
}

}  // namespace
}  // namespace aurite::servers::sql
