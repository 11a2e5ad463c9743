// The SQLite catalogue queries behind ListTables and DescribeTable (the
// table-valued pragmas), run through the connection's catalogue calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalogue.h"
#include "sql/schema.h"

namespace aurite::sql {

// Tables and views of the schema `schema` ("main" when not given), without
// SQLite's own sqlite_* tables.
StatusOr<std::vector<TableInfo>> ListSqliteTables(const CatalogueQuery& query,
                                                  const std::optional<std::string>& schema);

// `table` of the schema `schema` ("main" when not given); kNotFound when
// there is none. Declared types are lower-cased.
StatusOr<TableDescription> DescribeSqliteTable(const CatalogueQuery& query,
                                               const std::string& table,
                                               const std::optional<std::string>& schema);

}  // namespace aurite::sql
