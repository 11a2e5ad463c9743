// MariaDB/MySQL's catalogue: tables, columns, indexes and foreign keys.
#include "sql/mariadb_catalog.h"

namespace aurite::sql {

StatusOr<std::vector<TableInfo>> ListMariaDbTables(const CatalogueQuery& query,
                                                   const std::optional<std::string>& schema) {
  return QueryTables(
      query,
      "SELECT table_schema, table_name, IF(table_type = 'VIEW', 'view', 'table') FROM "
      "information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) ORDER BY "
      "table_name",
      schema ? Param(*schema) : Param(nullptr));
}

StatusOr<TableDescription> DescribeMariaDbTable(const CatalogueQuery& query,
                                                const std::string& table,
                                                const std::optional<std::string>& schema) {
  std::vector<Param> params{schema ? Param(*schema) : Param(nullptr), table};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult columns,
      query("SELECT table_schema, column_name, column_type, is_nullable = 'YES', column_default "
            "FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND "
            "table_name = ? ORDER BY ordinal_position",
            params));
  if (columns.row_count == 0) return NotFoundError("no such table");
  TableDescription out{columns.rows[0][0], table, {}, {}, {}, {}};
  for (const auto& row : columns.rows) {
    out.columns.push_back({row[1], row[2], row[3] == 1,
                           row[4].is_null() ? std::nullopt : std::optional<std::string>(row[4])});
  }
  AURITE_ASSIGN_OR_RETURN(
      QueryResult indexes,
      query("SELECT index_name, non_unique, column_name FROM information_schema.statistics WHERE "
            "table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY index_name, "
            "seq_in_index",
            params));
  for (const auto& row : indexes.rows) {
    std::string name = row[0];
    AddIndexColumns(out.indexes, name, row[1] == 0, name == "PRIMARY", {row[2].get<std::string>()});
  }
  out.primary_key = PrimaryKeyOf(out.indexes);
  AURITE_ASSIGN_OR_RETURN(
      QueryResult keys,
      query("SELECT constraint_name, column_name, referenced_table_schema, "
            "referenced_table_name, referenced_column_name FROM "
            "information_schema.key_column_usage WHERE table_schema = COALESCE(?, DATABASE()) "
            "AND table_name = ? AND referenced_table_name IS NOT NULL ORDER BY constraint_name, "
            "ordinal_position",
            params));
  for (const auto& row : keys.rows) {
    AddForeignKeyColumn(out.foreign_keys, row[0], row[2], row[3], row[1], row[4]);
  }
  return out;
}

}  // namespace aurite::sql
