// `aurite sql-server` as a real child process with a privileged login (the
// fixture's admin: PostgreSQL superuser, MariaDB ALL PRIVILEGES): refused in
// read-only mode, accepted with --allow-privileged-login, and then every
// result carries a warning that read-only is not enforced.
#include <gtest/gtest.h>

#include "servers/sql/sql_server_client.h"
#include "sql/test_databases.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::ErrorText;
using testing::SqlServerClient;
using testing::Structured;
namespace db = aurite::sql;

struct AdminLogin {
  std::string uri;
  std::string password;
  std::string privilege;  // what the refusal must name
};

// The admin passwords are hex, so they go into a URI as they are.
AdminLogin Admin(db::Engine engine) {
  bool postgres = engine == db::Engine::kPostgres;
  const Json& server = db::testing::Databases()[postgres ? "postgres" : "mariadb"];
  std::string password = server["admin_password"];
  std::string uri = std::string(postgres ? "postgresql" : "mariadb") + "://" +
                    server["admin_user"].get<std::string>() + ":" + password + "@" +
                    server["host"].get<std::string>() + ":" +
                    std::to_string(server["port"].get<int>()) + "/" +
                    server["database"].get<std::string>();
  return {uri, password, postgres ? "superuser" : "ALL PRIVILEGES"};
}

TEST(SqlServerPrivilegedLoginTest, PrivilegedLoginIsRefusedReadOnly) {
  auto server = SqlServerClient::Start();
  for (db::Engine engine : {db::Engine::kPostgres, db::Engine::kMariaDb}) {
    SCOPED_TRACE(db::EngineName(engine));
    AdminLogin admin = Admin(engine);
    std::string error =
        ErrorText(server->Call("connect_database", {{"connection_string", admin.uri}}));
    EXPECT_NE(error.find(admin.privilege), std::string::npos) << error;
    EXPECT_NE(error.find("--allow-privileged-login"), std::string::npos) << error;
    EXPECT_EQ(error.find(admin.password), std::string::npos) << error;
  }
}

TEST(SqlServerPrivilegedLoginTest, OptInAcceptsAndEveryResultWarns) {
  auto server = SqlServerClient::Start({"--allow-privileged-login"});
  for (db::Engine engine : {db::Engine::kPostgres, db::Engine::kMariaDb}) {
    SCOPED_TRACE(db::EngineName(engine));
    AdminLogin admin = Admin(engine);
    Json connected =
        Structured(server->Call("connect_database", {{"connection_string", admin.uri}}));
    EXPECT_FALSE(connected["writes_allowed"].get<bool>());
    std::string warning = connected.value("warning", "");
    EXPECT_NE(warning.find("read-only is NOT enforced"), std::string::npos) << connected.dump();
    EXPECT_NE(warning.find(admin.privilege), std::string::npos) << warning;
    std::string id = connected["connection_id"];
    Json selected = server->Call("execute_query", {{"connection_id", id}, {"query", "SELECT 1"}});
    EXPECT_EQ(Structured(selected).value("warning", ""), warning) << selected.dump();
    // The text content is the same JSON, warning included.
    EXPECT_NE(selected["content"][0]["text"].get<std::string>().find("NOT enforced"),
              std::string::npos);
    Json tables = server->Call("list_tables", {{"connection_id", id}});
    EXPECT_EQ(Structured(tables).value("warning", ""), warning) << tables.dump();
    Json plan = server->Call("explain_query", {{"connection_id", id}, {"query", "SELECT 1"}});
    EXPECT_EQ(Structured(plan).value("warning", ""), warning) << plan.dump();
    mcp::RpcResult schema = server->process->client().ReadResource("sql://schema/" + id);
    ASSERT_TRUE(schema.ok());
    Json text = Json::parse(schema.value()["contents"][0]["text"].get<std::string>());
    EXPECT_EQ(text.value("warning", ""), warning);
  }
}

}  // namespace
}  // namespace aurite::servers::sql
