// SQLite's catalogue: tables, columns, primary key, foreign keys and indexes.
#include "sql/sqlite_catalog.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "base/text.h"

namespace aurite::sql {

StatusOr<std::vector<TableInfo>> ListSqliteTables(const CatalogueQuery& query,
                                                  const std::optional<std::string>& schema) {
  return QueryTables(
      query,
      "SELECT schema, name, type FROM pragma_table_list WHERE schema = ?1 AND type IN "
      "('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      schema ? Param(*schema) : Param("main"));
}

StatusOr<TableDescription> DescribeSqliteTable(const CatalogueQuery& query,
                                               const std::string& table,
                                               const std::optional<std::string>& schema) {
  TableDescription out{schema.value_or("main"), table, {}, {}, {}, {}};
  std::vector<Param> params{table, out.schema};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult columns,
      query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1, ?2) "
            "ORDER BY cid",
            params));
  if (columns.row_count == 0) return NotFoundError("no such table");
  std::vector<std::pair<std::int64_t, std::string>> key;
  for (const auto& row : columns.rows) {
    out.columns.push_back(
        {row[0].get<std::string>(), AsciiLowercase(row[1].get<std::string>()),
         row[2].get<std::int64_t>() == 0,
         row[3].is_null() ? std::nullopt : std::optional(row[3].get<std::string>())});
    if (row[4].get<std::int64_t>() > 0) key.emplace_back(row[4].get<std::int64_t>(), row[0]);
  }
  // Rowid tables have no index for an INTEGER PRIMARY KEY: the key comes
  // from the columns' positions in it.
  std::sort(key.begin(), key.end());
  for (auto& [position, name] : key) out.primary_key.push_back(std::move(name));
  AURITE_ASSIGN_OR_RETURN(
      QueryResult keys,
      query("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1, ?2) "
            "ORDER BY id, seq",
            params));
  for (const auto& row : keys.rows) {
    AddForeignKeyColumn(out.foreign_keys, row[0].dump(), out.schema, row[1].get<std::string>(),
                        row[2].get<std::string>(),
                        row[3].is_null() ? "" : row[3].get<std::string>());
  }
  AURITE_ASSIGN_OR_RETURN(
      QueryResult indexes,
      query("SELECT l.name, l.\"unique\", l.origin, i.name FROM pragma_index_list(?1, ?2) AS l, "
            "pragma_index_info(l.name, ?2) AS i ORDER BY l.name, i.seqno",
            params));
  for (const auto& row : indexes.rows) {
    AddIndexColumns(out.indexes, row[0].get<std::string>(), row[1].get<std::int64_t>() != 0,
                    row[2] == "pk", {row[3].is_null() ? "" : row[3].get<std::string>()});
  }
  return out;
}

}  // namespace aurite::sql
