// aurite.json parsing: every section, Claude Desktop and VS Code server
// formats, and errors that name the bad key's path without quoting secrets.
#include "host/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "host/fake_environment.h"
#include "mcp/transport/bearer_auth.h"

namespace aurite::host {
namespace {

constexpr std::string_view kCanary = "canary-p@ss:w/rd;'\"}%=&#+ \xc3\xbc";

class ConfigTest : public ::testing::Test {
 protected:
  StatusOr<Config> Parse(const std::string& text) {
    return ParseConfig(text, "aurite.json", "/etc/aurite", sources_);
  }
  void ExpectError(const std::string& text, std::string_view mentions) {
    StatusOr<Config> config = Parse(text);
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_NE(config.status().message().find(mentions), std::string::npos)
        << config.status().message();
  }

  FakeEnvironment fake_;
  std::map<std::string, std::string>& env_ = fake_.variables;
  const ReferenceSources& sources_ = fake_.sources();
};

const char* kFullConfig = R"({
  "mcpServers": {
    "sql": {"command": "aurite", "args": ["sql-server"], "env": {"LOG": "debug"},
            "capabilities": ["tools", "storage"], "timeout": "45s",
            "restart": {"policy": "always", "max_restarts": 3, "initial_backoff": "100ms"},
            "allow_writes": true, "allow_privileged_login": true},
    "docs": {"url": "https://mcp.example/mcp",
             "headers": {"Authorization": "Bearer ${env:DOCS_TOKEN}"}},
    "off": {"command": "nothing", "disabled": true}
  },
  "security": {"store_path": "state/store.db", "audit_log": "/var/log/aurite/audit.jsonl",
               "default_token_ttl": "2h"},
  "connections": {
    "orders": {"storage_type": "postgresql", "server": "sql",
               "connection_string": "postgresql://app:${env:ORDERS_PW}@db/orders",
               "allow_privileged_login": true}
  },
  "gateway": {"transport": "http", "port": 9000, "bearer_tokens": ["${env:GW_TOKEN}"],
              "allowed_origins": ["http://localhost:6274"],
              "tls": {"cert_file": "tls/cert.pem", "key_file": "tls/key.pem"}}
})";

TEST_F(ConfigTest, ParsesEverySection) {
  env_["DOCS_TOKEN"] = "docs-token";
  env_["ORDERS_PW"] = std::string(kCanary);
  env_["GW_TOKEN"] = "gateway-token";
  StatusOr<Config> config = Parse(kFullConfig);
  ASSERT_TRUE(config.ok()) << config.status().ToString();

  ASSERT_EQ(config->servers.size(), 2u);  // "off" is disabled
  const ServerConfig* sql = config->FindServer("sql");
  ASSERT_NE(sql, nullptr);
  EXPECT_EQ(sql->command, "aurite");
  EXPECT_EQ(sql->args, std::vector<std::string>{"sql-server"});
  ASSERT_EQ(sql->env.size(), 1u);
  EXPECT_EQ(sql->env[0].second.Reveal(), "debug");
  EXPECT_TRUE(sql->HasCapability("storage"));
  EXPECT_EQ(sql->timeout, std::chrono::seconds(45));
  EXPECT_EQ(sql->restart.mode, RestartPolicy::Mode::kAlways);
  EXPECT_EQ(sql->restart.max_restarts, 3);
  EXPECT_EQ(sql->restart.initial_backoff, std::chrono::milliseconds(100));
  EXPECT_TRUE(sql->allow_writes);
  EXPECT_TRUE(sql->allow_privileged_login);

  const ServerConfig* docs = config->FindServer("docs");
  ASSERT_NE(docs, nullptr);
  EXPECT_TRUE(docs->is_http());
  EXPECT_EQ(docs->headers[0].second.Reveal(), "Bearer docs-token");
  EXPECT_FALSE(docs->HasCapability("storage"));

  EXPECT_EQ(config->security.store_path, std::filesystem::path("/etc/aurite/state/store.db"));
  EXPECT_EQ(config->security.audit_log, std::filesystem::path("/var/log/aurite/audit.jsonl"));
  EXPECT_EQ(config->security.default_token_ttl, std::chrono::hours(2));

  const ConnectionConfig* orders = config->FindConnection("orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->storage_type, "postgresql");
  EXPECT_TRUE(orders->allow_privileged_login);
  EXPECT_FALSE(orders->allow_writes);
  EXPECT_EQ(orders->connection_string.Reveal(),
            "postgresql://app:" + std::string(kCanary) + "@db/orders");

  EXPECT_EQ(config->gateway.transport, GatewayConfig::Transport::kHttp);
  EXPECT_EQ(config->gateway.host, "127.0.0.1");
  EXPECT_EQ(config->gateway.port, 9000);
  EXPECT_EQ(config->gateway.bearer_tokens[0].sha256_hex, mcp::TokenDigestHex("gateway-token"));
  EXPECT_EQ(config->gateway.tls_key_file, std::filesystem::path("/etc/aurite/tls/key.pem"));
}

TEST_F(ConfigTest, DefaultsAreSafe) {
  StatusOr<Config> config = Parse("{}");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->gateway.transport, GatewayConfig::Transport::kStdio);
  EXPECT_EQ(config->gateway.host, "127.0.0.1");
  EXPECT_EQ(config->security.default_token_ttl, std::chrono::hours(1));
  EXPECT_TRUE(config->servers.empty());
}

// Statement texts are masked unless the operator says otherwise; an unknown
// mode or key is an error naming the key and the accepted values.
TEST_F(ConfigTest, AuditStatementsDefaultToMaskedAndTakeOnlyTheKnownModes) {
  EXPECT_EQ(Parse("{}")->audit.statements, StatementAudit::kMasked);
  EXPECT_EQ(Parse(R"({"audit": {"statements": "full"}})")->audit.statements, StatementAudit::kFull);
  EXPECT_EQ(Parse(R"({"audit": {"statements": "none"}})")->audit.statements, StatementAudit::kNone);
  for (const char* bad :
       {R"({"audit": {"statements": "partial"}})", R"({"audit": {"statements": true}})",
        R"({"audit": {"statement": "full"}})"}) {
    StatusOr<Config> config = Parse(bad);
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.status().message().find("audit.statement"), std::string::npos)
        << config.status().message();
  }
}

TEST_F(ConfigTest, BusyPollAppliesToTheGatewayAndEveryServer) {
  StatusOr<Config> defaults = Parse(R"({"mcpServers": {"sql": {"command": "aurite"}}})");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->gateway.busy_poll, std::chrono::microseconds(300));
  EXPECT_EQ(defaults->FindServer("sql")->busy_poll, std::chrono::microseconds(300));
  StatusOr<Config> off =
      Parse(R"({"mcpServers": {"sql": {"command": "aurite"}}, "gateway": {"busy_poll_us": 0}})");
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->gateway.busy_poll, std::chrono::microseconds(0));
  EXPECT_EQ(off->FindServer("sql")->busy_poll, std::chrono::microseconds(0));
}

TEST_F(ConfigTest, ServerWriteTimeoutIsOptionalAndBounded) {
  StatusOr<Config> defaults = Parse(R"({"mcpServers": {"sql": {"command": "aurite"}}})");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->FindServer("sql")->write_timeout, std::chrono::seconds(5));
  StatusOr<Config> set =
      Parse(R"({"mcpServers": {"sql": {"command": "aurite", "write_timeout": "20s"}}})");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->FindServer("sql")->write_timeout, std::chrono::seconds(20));
  ExpectError(R"({"mcpServers": {"sql": {"command": "aurite", "write_timeout": "10ms"}}})",
              "mcpServers.sql.write_timeout: expected a duration from 100ms to 1h");
  ExpectError(R"({"mcpServers": {"sql": {"command": "aurite", "write_timeout": "2h"}}})",
              "mcpServers.sql.write_timeout: expected a duration from 100ms to 1h");
}

TEST_F(ConfigTest, StdioWriteTimeoutIsOptionalAndBounded) {
  StatusOr<Config> defaults = Parse("{}");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->gateway.stdio_write_timeout, std::chrono::seconds(30));
  StatusOr<Config> set = Parse(R"({"gateway": {"stdio_write_timeout_s": 120}})");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->gateway.stdio_write_timeout, std::chrono::seconds(120));
  ExpectError(R"({"gateway": {"stdio_write_timeout_s": 0}})",
              "gateway.stdio_write_timeout_s: expected a number of seconds from 1 to 3600");
  ExpectError(R"({"gateway": {"stdio_write_timeout_s": 1e9}})",
              "gateway.stdio_write_timeout_s: expected");
  // A value past 2^63 must not wrap into range.
  ExpectError(R"({"gateway": {"stdio_write_timeout_s": 18446744073709551615}})",
              "gateway.stdio_write_timeout_s: expected a number of seconds from 1 to 3600");
}

TEST_F(ConfigTest, ConnectionEntryLifetimeDefaultsToTenMinutesAndIsBounded) {
  StatusOr<Config> defaults = Parse("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->gateway.connection_entry_lifetime, std::chrono::seconds(600));
  StatusOr<Config> short_lived = Parse(R"({"gateway": {"connection_entry_seconds": 5}})");
  ASSERT_TRUE(short_lived.ok()) << short_lived.status().ToString();
  EXPECT_EQ(short_lived->gateway.connection_entry_lifetime, std::chrono::seconds(5));
  ExpectError(R"({"gateway": {"connection_entry_seconds": 0}})",
              "gateway.connection_entry_seconds: expected a number of seconds");
  ExpectError(R"({"gateway": {"connection_entry_seconds": 86400}})",
              "gateway.connection_entry_seconds: expected");
}

TEST_F(ConfigTest, GatewayHttpLimitsAreOptionalAndValidated) {
  StatusOr<Config> defaults = Parse("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->gateway.http.max_connections, 512u);
  EXPECT_EQ(defaults->gateway.http.max_connections_per_client, 256u);
  EXPECT_EQ(defaults->gateway.http.max_sessions, 256u);
  EXPECT_EQ(defaults->gateway.http.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults->gateway.http.io_timeout, std::chrono::seconds(30));
  EXPECT_EQ(defaults->gateway.http.session_idle_timeout, std::chrono::minutes(30));
  EXPECT_EQ(defaults->gateway.http.max_header_bytes, 16u * 1024);
  EXPECT_EQ(defaults->gateway.http.max_body_bytes, 4u * 1024 * 1024);
  EXPECT_EQ(defaults->gateway.http.max_in_flight_per_session, 64u);
  StatusOr<Config> set = Parse(R"({"gateway": {"http": {
      "max_connections": 100, "max_connections_per_client": 10, "max_sessions": 50,
      "header_timeout": "2s", "io_timeout": 20, "session_idle_timeout": "5m",
      "max_header_bytes": 4096, "max_body_bytes": 65536, "max_in_flight_per_session": 4}}})");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->gateway.http.max_connections, 100u);
  EXPECT_EQ(set->gateway.http.max_connections_per_client, 10u);
  EXPECT_EQ(set->gateway.http.max_sessions, 50u);
  EXPECT_EQ(set->gateway.http.header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(set->gateway.http.io_timeout, std::chrono::seconds(20));
  EXPECT_EQ(set->gateway.http.session_idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(set->gateway.http.max_header_bytes, 4096u);
  EXPECT_EQ(set->gateway.http.max_body_bytes, 65536u);
  EXPECT_EQ(set->gateway.http.max_in_flight_per_session, 4u);
  StatusOr<Config> partial = Parse(R"({"gateway": {"http": {"header_timeout": "500ms"}}})");
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_EQ(partial->gateway.http.header_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(partial->gateway.http.max_sessions, 256u);
  StatusOr<Config> fewer = Parse(R"({"gateway": {"http": {"max_connections": 100,
                                                          "max_sessions": 10}}})");
  ASSERT_TRUE(fewer.ok()) << fewer.status().ToString();
  EXPECT_EQ(fewer->gateway.http.max_connections_per_client, 100u);  // follows max_connections

  ExpectError(R"({"gateway": {"http": 5}})", "gateway.http: expected an object");
  ExpectError(R"({"gateway": {"http": {"max_conections": 5}}})",
              "gateway.http.max_conections: unknown key; known keys here: header_timeout");
  ExpectError(R"({"gateway": {"http": {"max_connections": 0}}})",
              "gateway.http.max_connections: expected a whole number from 1 to 100000");
  ExpectError(R"({"gateway": {"http": {"max_sessions": "many"}}})",
              "gateway.http.max_sessions: expected a whole number");
  ExpectError(R"({"gateway": {"http": {"max_connections_per_client": 2.5}}})",
              "gateway.http.max_connections_per_client: expected a whole number");
  ExpectError(R"({"gateway": {"http": {"max_header_bytes": 100}}})",
              "gateway.http.max_header_bytes: expected a whole number from 1024 to 1048576");
  ExpectError(R"({"gateway": {"http": {"max_body_bytes": 4294967296}}})",
              "gateway.http.max_body_bytes: expected a whole number from 1024 to 1073741824");
  ExpectError(R"({"gateway": {"http": {"max_in_flight_per_session": 0}}})",
              "gateway.http.max_in_flight_per_session: expected a whole number from 1 to 100000");
  ExpectError(R"({"gateway": {"http": {"header_timeout": "0s"}}})",
              "gateway.http.header_timeout: expected a duration above zero");
  ExpectError(R"({"gateway": {"http": {"io_timeout": "soon"}}})",
              "gateway.http.io_timeout: expected a duration");
  ExpectError(R"({"gateway": {"http": {"max_connections": 100, "max_connections_per_client": 200,
                                       "max_sessions": 10}}})",
              "gateway.http.max_connections_per_client (200) exceeds max_connections (100)");
  ExpectError(
      R"({"gateway": {"http": {"max_connections": 200, "max_connections_per_client": 10}}})",
      "gateway.http.max_connections (200) must exceed max_sessions (256)");
}

TEST_F(ConfigTest, GatewayOpsEndpointsAreOnByDefaultAndSwitchOff) {
  const auto served = [this](const std::string& text) {
    StatusOr<Config> config = Parse(text);
    EXPECT_TRUE(config.ok()) << text << ": " << config.status().ToString();
    if (!config.ok()) return std::string();
    const OpsEndpointsConfig& ops = config->gateway.ops_endpoints;
    return std::string(ops.healthz ? "h" : "") + (ops.readyz ? "r" : "") + (ops.metrics ? "m" : "");
  };
  EXPECT_EQ(served("{}"), "hrm");
  EXPECT_EQ(served(R"({"gateway": {"http": {"max_sessions": 8}}})"), "hrm");
  EXPECT_EQ(served(R"({"gateway": {"http": {"ops_endpoints": true}}})"), "hrm");
  EXPECT_EQ(served(R"({"gateway": {"http": {"ops_endpoints": false}}})"), "");
  EXPECT_EQ(served(R"({"gateway": {"http": {"ops_endpoints": {}}}})"), "hrm");
  EXPECT_EQ(served(R"({"gateway": {"http": {"ops_endpoints": {"metrics": false}}}})"), "hr");
  EXPECT_EQ(served(R"({"gateway": {"http": {"ops_endpoints": {"healthz": false,
                                                              "readyz": false}}}})"),
            "m");

  ExpectError(R"({"gateway": {"http": {"ops_endpoints": "off"}}})",
              "gateway.http.ops_endpoints: expected true, false or an object such as "
              "{\"metrics\": false}");
  ExpectError(R"({"gateway": {"http": {"ops_endpoints": {"metrics": "no"}}}})",
              "gateway.http.ops_endpoints.metrics: expected true or false");
  ExpectError(R"({"gateway": {"http": {"ops_endpoints": {"health": false}}}})",
              "gateway.http.ops_endpoints.health: unknown key; known keys here: healthz, "
              "metrics, readyz");
  ExpectError(R"({"gateway": {"http": {"ops_endpoints": {"metrics": 0}}}})",
              "gateway.http.ops_endpoints.metrics: expected true or false");
}

TEST_F(ConfigTest, AcceptsVsCodeServersKey) {
  StatusOr<Config> config = Parse(
      R"({"servers": {"sql": {"type": "stdio", "command": "aurite", "args": ["sql-server"]}}})");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_NE(config->FindServer("sql"), nullptr);
}

TEST_F(ConfigTest, UnresolvableReferenceStopsLoadingNamingPathAndVariable) {
  ExpectError(
      R"({"connections": {"orders": {"connection_string": "postgresql://a:${env:NOPE}@h/d"}}})",
      "connections.orders.connection_string: ${env:NOPE}: environment variable NOPE is not set");
}

TEST_F(ConfigTest, RefreshIsKeptForAConnectionString) {
  fake_.vault_secrets["secret/orders#pw"] = std::string(kCanary);
  StatusOr<Config> config = Parse(R"({"connections": {"orders": {"connection_string":
      "postgresql://a:${vault(refresh=1m):secret/orders#pw}@h/d"}}})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const ConnectionConfig& orders = config->connections.at(0);
  ASSERT_TRUE(orders.refresh.has_value());
  EXPECT_EQ(orders.refresh->interval, std::chrono::minutes(1));
  EXPECT_EQ(orders.refresh->references, "${vault:secret/orders#pw}");
}

TEST_F(ConfigTest, RefreshIsRefusedWhereAValueIsReadOnce) {
  fake_.vault_secrets["secret/t#v"] = std::string(kCanary);
  ExpectError(R"({"mcpServers": {"sql": {"command": "x",
                  "env": {"T": "${vault(refresh=1m):secret/t#v}"}}}})",
              "mcpServers.sql.env.T: ${vault:secret/t#v}: refresh= is accepted only in the "
              "connection_string");
  ExpectError(R"({"connections": {"orders": {"storage_type": "postgresql",
                  "connection_string": "postgresql://h/${vault(refresh=1m):secret/t#v}",
                  "credentials": {"mode": "exec", "command": ["x"], "username": "u"}}}})",
              "connections.orders.connection_string: expected no refresh= in the connection "
              "string of a connection with a credentials block");
}

TEST_F(ConfigTest, ErrorsNameTheBadKeysPath) {
  ExpectError(R"({"mcpServers": {"sql": {"command": "x", "timeout": "soon"}}})",
              "mcpServers.sql.timeout: expected a duration");
  ExpectError(R"({"mcpServers": {"sql": {"command": "x", "tiemout": 3}}})",
              "mcpServers.sql.tiemout: unknown key");
  ExpectError(R"({"mcpServers": {"sql": {"command": "x", "url": "http://h"}}})",
              "mcpServers.sql: expected either \"command\"");
  ExpectError(R"({"mcpServers": {"sql": {"args": []}}})", "mcpServers.sql: expected either");
  ExpectError(R"({"mcpServers": {"my.sql": {"command": "x"}}})",
              "mcpServers.my.sql: expected a server name");
  ExpectError(R"({"gateway": {"port": 70000}})", "gateway.port: expected a port number");
  ExpectError(R"({"gateway": {"transport": "carrier-pigeon"}})", "gateway.transport: expected");
  ExpectError(R"({"gateway": {"busy_poll_us": -1}})", "gateway.busy_poll_us: expected a number");
  ExpectError(R"({"gateway": {"busy_poll_us": 20000}})", "gateway.busy_poll_us: expected");
  ExpectError(R"({"security": {"default_token_ttl": true}})", "security.default_token_ttl");
  ExpectError(R"({"connections": {"c": {"storage_type": "oracle", "connection_string": "x"}}})",
              "connections.c.storage_type: expected one of");
  ExpectError(R"({"mcpServers": {"sql": {"command": "x", "restart": "sometimes"}}})",
              "mcpServers.sql.restart.policy");
  ExpectError(
      R"({"mcpServers": {"sql": {"command": "x", "restart": {"max_restarts": 4294967296}}}})",
      "mcpServers.sql.restart.max_restarts: expected a whole number from 0 to 1000000");
  ExpectError(R"({"mcpServers": 3})", "mcpServers: expected an object");
  ExpectError(R"({"unexpected": 1})", "aurite.json.unexpected: unknown key");
}

TEST_F(ConfigTest, ConnectionServerMustHaveStorage) {
  ExpectError(
      R"({"mcpServers": {"docs": {"command": "x"}},
                  "connections": {"c": {"server": "docs", "connection_string": "sqlite::memory:"}}})",
      "connections.c.server: expected the name of a server with the \"storage\" capability");
}

TEST_F(ConfigTest, SyntaxErrorsDoNotQuoteTheFile) {
  std::string text = R"({"connections": {"c": {"connection_string": "postgresql://u:)" +
                     std::string(kCanary) + R"(@h/d" ,, }}})";
  StatusOr<Config> config = Parse(text);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("aurite.json: invalid JSON at byte"), std::string::npos)
      << config.status().message();
  EXPECT_EQ(config.status().message().find("canary"), std::string::npos)
      << config.status().message();
}

TEST_F(ConfigTest, TruncatedStringDoesNotQuoteTheFile) {
  StatusOr<Config> config =
      Parse(R"({"connections": {"c": {"connection_string": "postgresql://u:canary-pw)");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message().find("canary"), std::string::npos)
      << config.status().message();
}

// Found by config_fuzz (fuzz/corpus/config_fuzz/crash-number-overflow):
// nlohmann throws out_of_range, not parse_error, for a number past a
// double's range, and the exception escaped ParseConfig.
TEST_F(ConfigTest, HugeNumberIsAnErrorNotAnException) {
  StatusOr<Config> config = Parse(R"({"gateway": {"port": 8E888}})");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "aurite.json: invalid JSON: a number too large to represent (at most about 1.8e308)");
}

TEST_F(ConfigTest, LoadsAFileAndResolvesPathsNextToIt) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aurite-config-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "aurite.json") << R"({"security": {"store_path": "store.db"}})";
  StatusOr<Config> config = LoadConfigFile(dir / "aurite.json", sources_);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->security.store_path, dir / "store.db");
  std::filesystem::remove_all(dir);
}

TEST_F(ConfigTest, MissingFileSaysHowToFixIt) {
  StatusOr<Config> config = LoadConfigFile("/nonexistent/aurite.json", sources_);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("--config"), std::string::npos);
}

TEST(ParseDurationTest, AcceptsUnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDuration("30"), std::chrono::seconds(30));
  EXPECT_EQ(*ParseDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(*ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(*ParseDuration("2d"), std::chrono::hours(48));
  EXPECT_EQ(*ParseDuration("0"), std::chrono::milliseconds(0));
  for (const char* bad : {"", "s", "-1s", "5 minutes", "1w", "abc"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

// Found by config_fuzz (fuzz/corpus/config_fuzz/crash-duration-overflow):
// "66666666666666666666666666666666661h" overflowed the conversion to
// milliseconds (undefined behaviour, in practice a negative duration).
TEST(ParseDurationTest, RefusesWhatIsLongerThanAHundredYears) {
  EXPECT_EQ(*ParseDuration("36500d"), kLongestDuration);
  for (const char* bad :
       {"36501d", "1e30h", "66666666666666666666666666666666661h", "inf", "nan"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST_F(ConfigTest, SecurityStoreNamesAFileOrASharedPostgresStore) {
  StatusOr<Config> file = Parse(R"({"security": {"store": "state/store.db"}})");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->security.store_path, std::filesystem::path("/etc/aurite/state/store.db"));
  EXPECT_FALSE(file->security.store_url.has_value());

  env_["STORE_PW"] = "s3cret-store-pw";
  StatusOr<Config> shared =
      Parse(R"({"security": {"store": "postgresql://aurite:${env:STORE_PW}@db:5432/aurite"}})");
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  ASSERT_TRUE(shared->security.store_url.has_value());
  EXPECT_EQ(shared->security.store_url->Reveal(),
            "postgresql://aurite:s3cret-store-pw@db:5432/aurite");
  EXPECT_FALSE(shared->security.store_path.has_value());
}

TEST_F(ConfigTest, SecurityStoreErrorsNameTheKeyAndNeverTheSecret) {
  ExpectError(R"({"security": {"store": "a.db", "store_path": "b.db"}})", "security.store_path");
  ExpectError(R"({"security": {"store": "${env:STORE_PATH}"}})", "only a URL may hold");
  ExpectError(R"({"security": {"store": "postgresql://a:${env:UNSET_STORE_PW}@db/a"}})",
              "security.store: ");
}

}  // namespace
}  // namespace aurite::host
