// Folding the drivers' catalogue rows into tables, indexes and foreign keys.
#include "sql/catalogue.h"

#include <iterator>

namespace aurite::sql {

StatusOr<std::vector<TableInfo>> QueryTables(const CatalogueQuery& query, std::string_view sql,
                                             Param schema) {
  std::vector<Param> params{std::move(schema)};
  AURITE_ASSIGN_OR_RETURN(QueryResult result, query(sql, params));
  std::vector<TableInfo> tables;
  for (const auto& row : result.rows) {
    tables.push_back(
        {row[0].get<std::string>(), row[1].get<std::string>(), row[2].get<std::string>()});
  }
  return tables;
}

void AddIndexColumns(std::vector<IndexDescription>& indexes, const std::string& index, bool unique,
                     bool primary, std::vector<std::string> columns) {
  if (indexes.empty() || indexes.back().name != index) {
    indexes.push_back({index, {}, unique, primary});
  }
  std::vector<std::string>& all = indexes.back().columns;
  all.insert(all.end(), std::make_move_iterator(columns.begin()),
             std::make_move_iterator(columns.end()));
}

std::vector<std::string> PrimaryKeyOf(const std::vector<IndexDescription>& indexes) {
  for (const IndexDescription& index : indexes) {
    if (index.primary) return index.columns;
  }
  return {};
}

void AddForeignKeyColumn(std::vector<ForeignKey>& keys, const std::string& key,
                         const std::string& referenced_schema, const std::string& referenced_table,
                         std::string column, std::string referenced_column) {
  if (keys.empty() || keys.back().name != key) {
    keys.push_back({key, {}, referenced_schema, referenced_table, {}});
  }
  keys.back().columns.push_back(std::move(column));
  keys.back().referenced_columns.push_back(std::move(referenced_column));
}

}  // namespace aurite::sql
