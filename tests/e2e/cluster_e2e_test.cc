// End-to-end: three `aurite serve` instances sharing one credential store
// on PostgreSQL (security.store = "postgresql://…"), behind a real HAProxy
// doing round robin (issue 20). Each test starts its own PostgreSQL, three
// gateways and HAProxy on loopback (cluster_fixture.h):
//  - a token resolves through every instance, and its revocation through
//    one ends it on all three within a second;
//  - a legacy session (Mcp-Session-Id) stays on the instance that issued
//    it, and what it secured stays its own on every instance;
//  - the balancer checks Host names and rewrites them to one the gateways
//    accept;
//  - an instance started with another key refuses to start and writes
//    nothing to the store;
//  - a password secured through the cluster appears in no table, log or
//    audit log (nor in the store server's files).
// Faults (an instance killed, the store restarted): cluster_faults_e2e_test.cc.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <set>

#include "cluster_fixture.h"
#include "crypto/random.h"
#include "mcp/transport/http_client.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

// tools/call on a legacy session; the result, or a JSON error note when the
// call failed at the protocol level (so tests can print it).
Json CallOn(mcp::HttpClient& session, const std::string& tool, Json arguments) {
  mcp::RpcResult result = session.client().CallTool(tool, std::move(arguments));
  if (!result.ok()) return {{"isError", true}, {"protocol_error", result.error().message}};
  return result.value();
}

bool IsToolError(const Json& result) { return result.value("isError", false); }

std::unique_ptr<mcp::HttpClient> SessionThrough(std::uint16_t port) {
  mcp::HttpClientOptions options;
  options.port = port;
  options.client.session.default_timeout = std::chrono::seconds(30);
  auto client = std::make_unique<mcp::HttpClient>(std::move(options));
  mcp::RpcResult initialized = client->client().Initialize();
  EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message);
  return client;
}

const Json kItems = Json::parse(R"([["apple"], ["pear"]])");

TEST_F(ClusterTest, ATokenWorksOnEveryInstanceAndItsRevocationEndsItEverywhereWithinASecond) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  const std::string token = SecureWithCli(sample_);
  ASSERT_FALSE(token.empty());

  // Stateless requests through the balancer go round robin: the token,
  // which no instance has seen yet, is found in the store by each.
  ASSERT_EQ(InstancesServing(token), (std::set<std::string>{"g1", "g2", "g3"}));

  // On each instance directly, a session opens a connection with it and queries.
  std::vector<std::unique_ptr<mcp::HttpClient>> sessions;
  std::vector<std::string> routes;
  for (const auto& instance : instances_) {
    sessions.push_back(instance->Connect());
    Json opened = CallOn(*sessions.back(), "connect_storage",
                         {{"storage_type", "sqlite"}, {"connection_string", token}});
    ASSERT_FALSE(IsToolError(opened)) << opened.dump();
    routes.push_back(Structured(opened).value("connection_id", ""));
    Json rows =
        CallOn(*sessions.back(), "query_storage",
               {{"connection_id", routes.back()}, {"query", "SELECT name FROM items ORDER BY id"}});
    EXPECT_EQ(Structured(rows)["rows"], kItems) << rows.dump();
  }

  // disconnect_storage revokes the connection's token: through the third instance.
  Json closed = CallOn(*sessions[2], "disconnect_storage", {{"connection_id", routes[2]}});
  ASSERT_EQ(Structured(closed).value("token_revoked", false), true) << closed.dump();
  const ClusterClock::time_point revoked = ClusterClock::now();

  for (std::size_t i = 0; i < instances_.size(); ++i) {
    std::string last_error;
    EXPECT_TRUE(PollWithin(revoked, kRevocationBound,
                           [&] {
                             StatelessAnswer answer =
                                 ConnectWithToken(instances_[i]->port(), token);
                             last_error = answer.error();
                             return !answer.ok();
                           }))
        << "instance g" << i + 1 << " still resolves the revoked token";
    EXPECT_NE(last_error.find("does not know this token"), std::string::npos) << last_error;
    if (i == 2) continue;  // its connection was the one closed
    EXPECT_TRUE(PollWithin(revoked, kRevocationBound,
                           [&] {
                             return IsToolError(
                                 CallOn(*sessions[i], "query_storage",
                                        {{"connection_id", routes[i]}, {"query", "SELECT 1"}}));
                           }))
        << "the connection on g" << i + 1 << " outlived its revoked token";
  }
  const double elapsed = MillisecondsBetween(revoked, ClusterClock::now());
  RecordProperty("revocation_seen_everywhere_ms", std::to_string(elapsed));
  EXPECT_LE(elapsed, static_cast<double>(kRevocationBound.count()));
}

TEST_F(ClusterTest, ALegacySessionStaysOnItsInstanceAndWhatItSecuredStaysItsOwn) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  // Initialize, its GET stream, every call and the final DELETE all go
  // through the balancer. Without stickiness each request would land on
  // an instance that does not know the session (404) two times in three.
  auto session = SessionThrough(balancer_->port());
  ASSERT_FALSE(session->session_id().empty());
  Json secured = CallOn(*session, "secure_database_connection", {{"connection_string", sample_}});
  const std::string token = Structured(secured).value("token", "");
  ASSERT_FALSE(token.empty()) << secured.dump();
  Json opened = CallOn(*session, "connect_storage",
                       {{"storage_type", "sqlite"}, {"connection_string", token}});
  const std::string route = Structured(opened).value("connection_id", "");
  ASSERT_FALSE(route.empty()) << opened.dump();
  for (int i = 0; i < 12; ++i) {
    Json rows = CallOn(*session, "query_storage",
                       {{"connection_id", route}, {"query", "SELECT name FROM items ORDER BY id"}});
    ASSERT_EQ(Structured(rows)["rows"], kItems) << "call " << i << ": " << rows.dump();
  }

  // The token is in the shared store, but it belongs to the session that
  // secured it (MCPHost::CheckTokenOwner): no other session, on any
  // instance, may use it.
  EXPECT_EQ(Psql("SELECT count(*) FROM aurite_credentials"), "1\n");
  for (const auto& instance : instances_) {
    StatelessAnswer answer = ConnectWithToken(instance->port(), token);
    EXPECT_FALSE(answer.ok()) << "another session used the token on port " << instance->port();
    EXPECT_NE(answer.error().find("does not know this token"), std::string::npos) << answer.error();
  }

  // Ending the session (DELETE, through the balancer to its instance)
  // takes its token out of the store for everyone.
  ASSERT_TRUE(session->Terminate().ok());
  EXPECT_TRUE(PollWithin(ClusterClock::now(), std::chrono::seconds(5), [&] {
    return Psql("SELECT count(*) FROM aurite_credentials") == "0\n";
  })) << "the ended session's token stayed in the store";
}

TEST_F(ClusterTest, TheBalancerChecksHostNamesAndGivesTheInstancesOneTheyAccept) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  // A gateway refuses a Host that is not its own (DNS rebinding), so a
  // client using the cluster's public name only gets through the balancer,
  // which checks that name itself and rewrites it.
  StatelessAnswer direct = StatelessCall(instances_[0]->port(), "sql_list_tables", Json::object(),
                                         std::chrono::seconds(10), kPublicHostName);
  EXPECT_EQ(direct.http, 403) << direct.raw;
  std::set<std::string> served;
  for (int i = 0; i < 3; ++i) {
    StatelessAnswer answer = StatelessCall(balancer_->port(), "sql_list_tables", Json::object(),
                                           std::chrono::seconds(10), kPublicHostName);
    EXPECT_EQ(answer.http, 200) << answer.raw;
    served.insert(answer.instance);
  }
  EXPECT_EQ(served.size(), 3u);
  StatelessAnswer stranger = StatelessCall(balancer_->port(), "sql_list_tables", Json::object(),
                                           std::chrono::seconds(10), "rebound.example");
  EXPECT_EQ(stranger.http, 403) << stranger.raw;
  EXPECT_EQ(stranger.instance, "") << "a request for another name reached a gateway";
}

TEST_F(ClusterTest, AnInstanceWithAnotherKeyRefusesToStartAndChangesNothingInTheStore) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  const std::string token = SecureWithCli(sample_);
  ASSERT_FALSE(token.empty());
  // No call uses the token before the second dump: a use would be counted
  // into its row by the instances' store watch at a time of their choosing.
  const std::string before = DumpStore();
  ASSERT_NE(before.find("aurite_credentials ("), std::string::npos) << before;

  FailedStart fourth = RunServeExpectingFailure(InstanceDir(3), InstanceConfig(3).dump(2), NewKey(),
                                                StoreEnvironment());
  EXPECT_FALSE(fourth.became_ready) << fourth.stderr_text;
  EXPECT_TRUE(WIFEXITED(fourth.status) && WEXITSTATUS(fourth.status) != 0)
      << "wait status " << fourth.status << "\n"
      << fourth.stderr_text;
  EXPECT_NE(fourth.stderr_text.find("written with another key"), std::string::npos)
      << fourth.stderr_text;
  EXPECT_NE(fourth.stderr_text.find("AURITE_MCP_ENCRYPTION_KEY"), std::string::npos)
      << fourth.stderr_text;
  EXPECT_EQ(DumpStore(), before);

  // The three with the right key carry on.
  for (int i = 0; i < 3; ++i) {
    StatelessAnswer answer = ConnectWithToken(balancer_->port(), token);
    EXPECT_TRUE(answer.ok()) << answer.error();
  }
}

TEST_F(ClusterTest, ACanaryPasswordAppearsInNoStoreTableLogOrAuditLog) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(3));
  // A login of the test's PostgreSQL whose password is the canary; URL-safe
  // characters, so it is spelled the same in every encoding.
  const std::string canary = "Canary" + crypto::RandomHex(12);
  const std::string login = CreateLogin(canary);
  const std::string base = "postgresql://" + login + ":" + canary +
                           "@127.0.0.1:" + std::to_string(server_.value("port", 0)) + "/";
  const std::string url = base + server_.value("database", "");
  std::string received;  // every answer the clients got
  auto remember = [&](const Json& value) { received += value.dump() + "\n"; };

  // Every way the secret enters the cluster: secured on a legacy session
  // through the balancer, a raw string to connect_storage on one instance,
  // a raw string to the storage server's own tool (stateless), the CLI.
  auto session = SessionThrough(balancer_->port());
  Json secured = CallOn(*session, "secure_database_connection", {{"connection_string", url}});
  remember(secured);
  const std::string token = Structured(secured).value("token", "");
  Json opened = CallOn(*session, "connect_storage",
                       {{"storage_type", "postgresql"}, {"connection_string", token}});
  remember(opened);
  const std::string route = Structured(opened).value("connection_id", "");
  Json who = CallOn(*session, "query_storage", {{"connection_id", route}, {"query", "SELECT 1"}});
  remember(who);
  EXPECT_EQ(Structured(who)["rows"], Json::parse("[[1]]")) << who.dump();

  auto direct = instances_[1]->Connect();
  Json raw = CallOn(*direct, "connect_storage",
                    {{"storage_type", "postgresql"}, {"connection_string", url}});
  remember(raw);
  EXPECT_FALSE(IsToolError(raw)) << raw.dump();

  StatelessAnswer stateless =
      StatelessCall(balancer_->port(), "sql_connect_database", {{"connection_string", url}});
  received += stateless.raw + "\n";
  EXPECT_TRUE(stateless.ok()) << stateless.error();
  // A refused login's error is the driver's text, scrubbed.
  StatelessAnswer refused = StatelessCall(balancer_->port(), "sql_connect_database",
                                          {{"connection_string", base + "no_such_database"}});
  received += refused.raw + "\n";
  EXPECT_FALSE(refused.ok());

  const std::string cli_token = SecureWithCli(url);
  for (const auto& instance : instances_) {
    StatelessAnswer answer = ConnectWithToken(instance->port(), cli_token);
    received += answer.raw + "\n";
    EXPECT_TRUE(answer.ok()) << answer.error();
  }
  // The rows hold the secured strings now (as Fernet tokens): the
  // session's token, the one connect_storage made, the CLI's.
  const std::string live = DumpStore();
  int rows = 0;
  for (std::size_t at = live.find("aurite_credentials ("); at != std::string::npos;
       at = live.find("aurite_credentials (", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 3) << live;
  remember(CallOn(*session, "disconnect_storage", {{"connection_id", route}}));
  ASSERT_TRUE(session->Terminate().ok());
  ASSERT_TRUE(direct->Terminate().ok());

  std::vector<std::filesystem::path> logs = {dir_ / "cli-audit.jsonl", dir_ / "haproxy.log"};
  for (int i = 0; i < 3; ++i) {
    logs.push_back(InstanceDir(i) / "host.log");
    logs.push_back(InstanceDir(i) / "audit.jsonl");
  }
  // Every audit record also goes to the store's audit table, written by a
  // thread of each process: wait until it holds as many as the files.
  std::size_t audited = 0;
  for (const std::filesystem::path& log : logs) {
    if (log.filename() != "host.log" && log.filename() != "haproxy.log") {
      const std::string text = ReadFile(log);
      audited += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }
  }
  std::string rows_in_table;
  EXPECT_TRUE(PollWithin(ClusterClock::now(), std::chrono::seconds(5),
                         [&] {
                           rows_in_table = Psql("SELECT count(*) FROM aurite_audit");
                           return std::stoul("0" + rows_in_table) >= audited;
                         }))
      << rows_in_table << " rows in aurite_audit, " << audited << " records in the files";

  EXPECT_EQ(received.find(canary), std::string::npos) << received;
  EXPECT_EQ(live.find(canary), std::string::npos) << live;
  EXPECT_EQ(DumpStore().find(canary), std::string::npos);
  for (const std::filesystem::path& log : logs) {
    const std::string text = ReadFile(log);
    EXPECT_EQ(text.find(canary), std::string::npos) << log;
    if (log.filename() == "audit.jsonl") {
      EXPECT_FALSE(text.empty()) << log << " was not written";
    }
  }
  // Nor in the store server's files: its log, and its data and WAL, which
  // still hold deleted rows until a vacuum.
  Psql("CHECKPOINT", "postgres");
  const std::filesystem::path data = ServerDataDir();
  int scanned = 0;
  for (const std::filesystem::path& file : FilesUnder(data)) {
    ++scanned;
    EXPECT_EQ(ReadFile(file).find(canary), std::string::npos) << file;
  }
  EXPECT_GT(scanned, 100) << "the store server's data folder " << data << " was not scanned";
}

}  // namespace
}  // namespace aurite::e2e
