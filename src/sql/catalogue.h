// What the drivers share to answer ListTables and DescribeTable from their
// engine's catalogue: the query runner the engine files are given, the
// limits of catalogue queries, and the folding of the per-column rows those
// queries return into TableInfo, IndexDescription and ForeignKey values.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/query.h"
#include "sql/schema.h"

namespace aurite::sql {

// Catalogue queries are small; these limits only guard against surprises.
inline constexpr QueryLimits kCatalogueLimits{100000, 64 * 1024 * 1024};

// Runs one catalogue query, read-only and within kCatalogueLimits, on the
// connection being described.
using CatalogueQuery =
    std::function<StatusOr<QueryResult>(std::string_view sql, const std::vector<Param>& params)>;

// Runs `sql`, a listing query whose one parameter is `schema` and whose rows
// are (schema, name, "table" or "view"), and returns its tables.
StatusOr<std::vector<TableInfo>> QueryTables(const CatalogueQuery& query, std::string_view sql,
                                             Param schema);

// Adds `columns` of the index `index` to `indexes`. Rows come ordered by
// index name, then by position in the index, with one column each or all of
// an index's columns: a row of another index than the last one starts a new
// IndexDescription (also when `columns` is empty).
void AddIndexColumns(std::vector<IndexDescription>& indexes, const std::string& index, bool unique,
                     bool primary, std::vector<std::string> columns);

// The columns of the primary index among `indexes`; empty when there is none.
std::vector<std::string> PrimaryKeyOf(const std::vector<IndexDescription>& indexes);

// Adds one column pair of a foreign key to `keys`. Rows come ordered by key
// name, then by position in the key: a row of another key than the last one
// starts a new ForeignKey.
void AddForeignKeyColumn(std::vector<ForeignKey>& keys, const std::string& key,
                         const std::string& referenced_schema, const std::string& referenced_table,
                         std::string column, std::string referenced_column);

}  // namespace aurite::sql
