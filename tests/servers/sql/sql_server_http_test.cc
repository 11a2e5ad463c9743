// `aurite sql-server --http` as a real child process: our Streamable HTTP
// client queries SQLite through it, and the transport's access rules (Origin,
// bearer token, non-loopback without a token) hold.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/unique_fd.h"
#include "mcp/transport/http_client.h"
#include "runtime/child_process.h"
#include "runtime/pipe_io.h"
#include "servers/sql/http_sql_server_process.h"
#include "servers/sql/sql_server_client.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::Structured;
namespace db = aurite::sql;

constexpr char kInitialize[] =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"raw","version":"1"}}})";

// `aurite sql-server --http 0 <flags>`, with the port it printed on stderr.
struct HttpSqlServer {
  static std::unique_ptr<HttpSqlServer> Start(std::vector<std::string> flags,
                                              std::vector<std::string> environment = {}) {
    HttpSqlServerProcess process = StartHttpSqlServer(std::move(flags), std::move(environment));
    auto server = std::make_unique<HttpSqlServer>();
    server->child = std::move(process.child);
    server->port = process.port;
    server->log = std::move(process.log);
    return server;
  }

  std::unique_ptr<mcp::HttpClient> Client(std::string bearer_token = {},
                                          std::string tls_ca_file = {}) {
    mcp::HttpClientOptions options;
    options.port = port;
    options.bearer_token = crypto::SecretBuffer::TakeFrom(bearer_token);
    if (!tls_ca_file.empty()) {
      options.host = "localhost";  // the name the test certificate is for
      options.tls = true;
      options.tls_ca_file = std::move(tls_ca_file);
    }
    auto client = std::make_unique<mcp::HttpClient>(std::move(options));
    mcp::RpcResult initialized = client->client().Initialize();
    EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message);
    return client;
  }

  // Status code of a raw POST of initialize with `headers` added.
  int PostStatus(const std::string& headers) const {
    UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return -1;
    }
    const std::string body = kInitialize;
    const std::string request =
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\n" +
        headers + "Content-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    if (!runtime::WriteAll(socket.get(), request).ok()) return -1;
    char status[13] = {};
    std::size_t got = 0;
    while (got < 12) {
      ssize_t n = ::read(socket.get(), status + got, 12 - got);
      if (n <= 0) return -1;
      got += static_cast<std::size_t>(n);
    }
    return std::atoi(status + 9);  // "HTTP/1.1 NNN"
  }

  // SIGTERM ends an HTTP server (stdin means nothing to it); the wait status.
  int Stop() {
    ::kill(child->pid(), SIGTERM);
    int status = child->Shutdown(std::chrono::seconds(5));
    child.reset();
    return status;
  }

  ~HttpSqlServer() {
    if (child) Stop();
  }

  std::unique_ptr<runtime::ChildProcess> child;
  std::uint16_t port = 0;
  std::string log;
};

class SqlServerHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<std::unique_ptr<db::Connection>> connection = db::OpenConnection(
        db::testing::ConfigFor(db::Engine::kSqlite, path_), {.allow_writes = true});
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    for (const char* sql : {"CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)",
                            "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')"}) {
      ASSERT_TRUE((*connection)->Execute(sql, {}, {}).ok());
    }
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // Connects to the SQLite file and returns the name of row `id`.
  static std::string NameOf(mcp::HttpClient& http, const std::string& url, int id) {
    mcp::RpcResult connected =
        http.client().CallTool("connect_database", {{"connection_string", url}});
    EXPECT_TRUE(connected.ok());
    if (!connected.ok()) return "";
    std::string connection_id = Structured(connected.value())["connection_id"];
    mcp::RpcResult rows =
        http.client().CallTool("execute_query", {{"connection_id", connection_id},
                                                 {"query", "SELECT name FROM items WHERE id = ?"},
                                                 {"params", {id}}});
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return "";
    return Structured(rows.value())["rows"][0][0].get<std::string>();
  }

  std::string Url() const { return "sqlite:///" + path_; }

  std::string path_ = (std::filesystem::temp_directory_path() /
                       (db::testing::UniqueName("aurite-sql-http") + ".db"))
                          .string();
};

TEST_F(SqlServerHttpTest, OurHttpClientQueriesSqlite) {
  auto server = HttpSqlServer::Start({});
  ASSERT_NE(server->port, 0) << server->log;
  auto http = server->Client();
  mcp::RpcResult tools = http->client().ListTools();
  ASSERT_TRUE(tools.ok());
  EXPECT_EQ(tools.value()["tools"].size(), 6u);
  EXPECT_EQ(NameOf(*http, Url(), 2), "pear");
  http.reset();
  int status = server->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(SqlServerHttpTest, WritesStayRefusedOverHttp) {
  auto server = HttpSqlServer::Start({});
  ASSERT_NE(server->port, 0) << server->log;
  auto http = server->Client();
  mcp::RpcResult connected =
      http->client().CallTool("connect_database", {{"connection_string", Url()}});
  ASSERT_TRUE(connected.ok());
  std::string id = Structured(connected.value())["connection_id"];
  mcp::RpcResult refused = http->client().CallTool(
      "execute_query", {{"connection_id", id}, {"query", "DELETE FROM items"}});
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused.value().value("isError", false));
  EXPECT_EQ(NameOf(*http, Url(), 1), "apple");
}

TEST_F(SqlServerHttpTest, ForeignOriginIsRejected) {
  auto server = HttpSqlServer::Start({});
  ASSERT_NE(server->port, 0) << server->log;
  EXPECT_EQ(server->PostStatus("Origin: https://evil.example\r\n"), 403);
  EXPECT_EQ(server->PostStatus("Origin: http://localhost:6274\r\n"), 200);
  EXPECT_EQ(server->PostStatus(""), 200);
}

TEST_F(SqlServerHttpTest, AllowedOriginFlagReplacesTheLoopbackDefault) {
  auto server = HttpSqlServer::Start({"--allowed-origin", "https://app.example"});
  ASSERT_NE(server->port, 0) << server->log;
  EXPECT_EQ(server->PostStatus("Origin: https://app.example\r\n"), 200);
  EXPECT_EQ(server->PostStatus("Origin: http://localhost:6274\r\n"), 403);
}

TEST_F(SqlServerHttpTest, BearerTokenFromTheEnvironmentIsRequired) {
  const std::string token = "test-token-" + db::testing::UniqueName("bearer");
  auto server =
      HttpSqlServer::Start({"--bearer-token-env", "SQL_HTTP_TOKEN"}, {"SQL_HTTP_TOKEN=" + token});
  ASSERT_NE(server->port, 0) << server->log;
  EXPECT_EQ(server->PostStatus(""), 401);
  EXPECT_EQ(server->PostStatus("Authorization: Bearer wrong-token-of-some-length\r\n"), 401);
  EXPECT_EQ(server->PostStatus("Authorization: Bearer " + token + "\r\n"), 200);
  auto http = server->Client(token);
  EXPECT_EQ(NameOf(*http, Url(), 1), "apple");
  EXPECT_EQ(server->log.find(token), std::string::npos);
}

TEST_F(SqlServerHttpTest, BearerTokenFromAFileIsRequired) {
  const std::string token = "file-token-" + db::testing::UniqueName("bearer");
  const std::string file = path_ + ".token";
  std::ofstream(file) << token << "\n";
  auto server = HttpSqlServer::Start({"--bearer-token-file", file});
  std::filesystem::remove(file);
  ASSERT_NE(server->port, 0) << server->log;
  EXPECT_EQ(server->PostStatus(""), 401);
  EXPECT_EQ(server->PostStatus("Authorization: Bearer " + token + "\r\n"), 200);
}

TEST_F(SqlServerHttpTest, ServesHttpsWithTheGivenCertificate) {
  ASSERT_EQ(std::system("command -v openssl >/dev/null 2>&1"), 0)
      << "the openssl command makes the test certificate: run scripts/install-deps";
  const std::string cert = path_ + ".cert.pem";
  const std::string key = path_ + ".key.pem";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto server = HttpSqlServer::Start({"--tls-cert", cert, "--tls-key", key});
  ASSERT_NE(server->port, 0) << server->log;
  EXPECT_NE(server->log.find("https://"), std::string::npos) << server->log;
  {
    auto https = server->Client({}, cert);
    EXPECT_EQ(NameOf(*https, Url(), 1), "apple");
  }
  EXPECT_EQ(server->PostStatus(""), -1);  // plain HTTP gets no HTTP answer
  std::filesystem::remove(cert);
  std::filesystem::remove(key);
}

TEST_F(SqlServerHttpTest, NonLoopbackAddressWithoutATokenIsRefused) {
  auto server = HttpSqlServer::Start({"--host", "0.0.0.0"});
  EXPECT_EQ(server->port, 0);
  EXPECT_NE(server->log.find("needs a bearer token"), std::string::npos) << server->log;
  ASSERT_NE(server->child, nullptr);
  int status = server->child->Shutdown(std::chrono::seconds(5));
  server->child.reset();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace aurite::servers::sql
