// The PostgreSQL catalogue queries behind ListTables and DescribeTable
// (pg_class, pg_attribute, pg_index, pg_constraint), run through the
// connection's read-only calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/catalogue.h"
#include "sql/schema.h"

namespace aurite::sql {

// Tables, views, materialized views and foreign tables in `schema`, or in
// every user schema the login may use.
StatusOr<std::vector<TableInfo>> ListPostgresTables(const CatalogueQuery& query,
                                                    const std::optional<std::string>& schema);

// `table`, found as the search path finds it unless `schema` is given;
// kNotFound when there is none.
StatusOr<TableDescription> DescribePostgresTable(const CatalogueQuery& query,
                                                 const std::string& table,
                                                 const std::optional<std::string>& schema);

}  // namespace aurite::sql
