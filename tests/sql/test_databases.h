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

// The application user's password (the canary that must never leak).
std::string Password();

// A read/write-capable config for `engine`. For SQLite, `sqlite_path`.
ConnectionConfig ConfigFor(Engine engine, const std::string& sqlite_path = "");

// A database name / path unique to this process and call.
std::string UniqueName(const std::string& prefix);

// The engine's placeholder for parameter `index` (1-based).
std::string Placeholder(Engine engine, int index);

}  // namespace aurite::sql::testing
