// Test support for the shared store (host/postgres_store.h): a database of
// the test's own on the harness's PostgreSQL, and raw access to it as the
// harness's admin (as a DBA, or an attacker with the database, would see it).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/fernet_key.h"
#include "host/postgres_link.h"
#include "host/postgres_store.h"
#include "security/store_test_support.h"
#include "sql/test_databases.h"

namespace aurite::host::testing {

// Runs `statements` as the admin login on `database` ("" for the default),
// each in its own transaction (CREATE DATABASE may not run inside one).
inline void RunAsAdmin(const std::string& database, const std::vector<std::string>& statements) {
  sql::ConnectionConfig config = sql::testing::AdminConfigFor(sql::Engine::kPostgres);
  if (!database.empty()) config.database = database;
  PostgresLink admin(std::move(config));
  for (const std::string& statement : statements) {
    Status done = admin.Execute(statement, "test set-up");
    ASSERT_TRUE(done.ok()) << statement << ": " << done.ToString();
  }
}

// Every row of `table` of `database` as text, one per line, in order.
inline std::string DumpTable(const std::string& database, const std::string& table) {
  sql::ConnectionConfig config = sql::testing::AdminConfigFor(sql::Engine::kPostgres);
  config.database = database;
  PostgresLink admin(std::move(config));
  auto rows = admin.Run("SELECT t::text FROM " + table + " t ORDER BY 1", {}, "dump");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::string dump;
  if (!rows.ok()) return dump;
  for (int row = 0; row < sql::Pq().PQntuples(rows->get()); ++row) {
    dump += std::string(PgField(rows->get(), row, 0)) + "\n";
  }
  return dump;
}

// Every row of every aurite_* table of `database`.
inline std::string DumpStore(const std::string& database) {
  std::string dump;
  for (const char* table :
       {"aurite_meta", "aurite_credentials", "aurite_sealed_records", "aurite_audit"}) {
    dump += DumpTable(database, table);
  }
  return dump;
}

// Makes the test's database refuse connections and cuts those it has: the
// store is unreachable until Reachable().
inline void Unreachable(const std::string& database) {
  RunAsAdmin("", {"ALTER DATABASE " + database + " ALLOW_CONNECTIONS false",
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                      database + "'"});
}
inline void Reachable(const std::string& database) {
  RunAsAdmin("", {"ALTER DATABASE " + database + " ALLOW_CONNECTIONS true"});
}

// A fixture with a new, empty database for the store: database_, and url_
// (the application login's URL for it, with its password).
class StoreDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = sql::testing::UniqueName("store");
    RunAsAdmin("", {"CREATE DATABASE " + database_ + " OWNER " +
                    sql::testing::ConfigFor(sql::Engine::kPostgres).user});
    std::string url = sql::testing::UrlOf(sql::Engine::kPostgres);
    url_ = url.substr(0, url.rfind('/') + 1) + database_;
  }
  void TearDown() override {
    RunAsAdmin("", {"DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)"});
  }

  std::string database_;
  std::string url_;
};

// StoreDatabaseTest with the store's tables and audit salt made: opened once
// with key_, as a gateway's first start would.
class OpenedStoreDatabaseTest : public StoreDatabaseTest {
 protected:
  void SetUp() override {
    StoreDatabaseTest::SetUp();
    auto store = PostgresStore::Open(url_, security::testing::Keys({&key_}));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }

  crypto::FernetKey key_ = crypto::FernetKey::Generate();
};

}  // namespace aurite::host::testing
