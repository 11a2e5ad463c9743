// The MariaDB/MySQL catalogue queries behind ListTables and DescribeTable
// (information_schema), run through the connection's read-only calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalogue.h"
#include "sql/schema.h"

namespace aurite::sql {

// Tables and views of the database `schema`, or of the current database.
StatusOr<std::vector<TableInfo>> ListMariaDbTables(const CatalogueQuery& query,
                                                   const std::optional<std::string>& schema);

// `table` of the database `schema`, or of the current database; kNotFound
// when there is none.
StatusOr<TableDescription> DescribeMariaDbTable(const CatalogueQuery& query,
                                                const std::string& table,
                                                const std::optional<std::string>& schema);

}  // namespace aurite::sql
