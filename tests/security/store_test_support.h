// Helpers for the tests of the persistent store: fixed keys, and raw SQL on
// the store file through a connection of its own (as another process, or an
// attacker with the file, would reach it).
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "security/sqlite_store.h"

namespace aurite::security::testing {

// A KeyProvider handing out copies of `keys`, the current key first.
inline KeyProvider Keys(const std::vector<const crypto::FernetKey*>& keys) {
  return {.keys = [keys](const crypto::KdfSalt&) -> StatusOr<std::vector<crypto::FernetKey>> {
    std::vector<crypto::FernetKey> copies;
    for (const crypto::FernetKey* key : keys) copies.push_back(key->Clone());
    return copies;
  }};
}

// Runs `sql` on the store file through a separate connection.
inline void RunSql(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  SqliteDb db(raw);
  ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw);
}

// The first column of every row `sql` yields, as text, through a separate
// connection.
inline std::vector<std::string> QueryColumn(const std::filesystem::path& path,
                                            const std::string& sql) {
  std::vector<std::string> values;
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  SqliteDb db(raw);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &statement, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw);
  SqliteStatement owned(statement);
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    values.emplace_back(ColumnText(statement, 0));
  }
  return values;
}

}  // namespace aurite::security::testing
