// Test support: connection details of the servers started by tests/harness/databases.
//
// CTest runs the harness once per test run (fixture "aurite_databases") and
// sets AURITE_TEST_DATABASES to the databases.json it writes. SQLite tests
// need no server and use temporary files.
#pragma once

#include <string>

#include "sql/connection.h"
#include "sql/connection_config.h"

namespace aurite::sql::testing {

// The parsed databases.json; fails the current test when it is missing.
const nlohmann::json& Databases();

// The URL of the application login of `engine`'s server (PostgreSQL or
// MariaDB), as databases.json gives it.
std::string UrlOf(Engine engine);

// The application user's password (the canary that must never leak).
std::string Password();

// A read/write-capable config for `engine`. For SQLite, `sqlite_path`.
ConnectionConfig ConfigFor(Engine engine, const std::string& sqlite_path = "");

// The config of the engine's admin login (PostgreSQL superuser, MariaDB
// ALL PRIVILEGES), for setting up roles and databases with writes enabled.
ConnectionConfig AdminConfigFor(Engine engine);

// `base` with another login.
ConnectionConfig WithLogin(const ConnectionConfig& base, const std::string& user,
                           const std::string& password);

// A database name / path unique to this process and call.
std::string UniqueName(const std::string& prefix);

// The engine's placeholder for parameter `index` (1-based).
std::string Placeholder(Engine engine, int index);

// A statement that runs about 30 s unless stopped (SQLite: counts an
// endless recursive CTE); `marker` appears in its text so the server's
// process list can find it.
std::string SlowQuery(Engine engine, const std::string& marker);

// How many sessions other than `observer`'s (PostgreSQL or MariaDB) run a
// statement whose text contains `marker` (pg_stat_activity, processlist).
std::int64_t StatementsRunning(Connection& observer, const std::string& marker);

// Polls StatementsRunning until it is at least one (AwaitStatementRunning)
// or zero (AwaitNoStatementRunning), for at most 10 s so a broken build
// cannot hang; returns the last count.
std::int64_t AwaitStatementRunning(Connection& observer, const std::string& marker);
std::int64_t AwaitNoStatementRunning(Connection& observer, const std::string& marker);

}  // namespace aurite::sql::testing
