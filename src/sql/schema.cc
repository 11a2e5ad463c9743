// JSON forms of table listings and descriptions.
#include "sql/schema.h"

namespace aurite::sql {

nlohmann::json ToJson(const TableInfo& table) {
  return {{"schema", table.schema}, {"name", table.name}, {"type", table.type}};
}

nlohmann::json ToJson(const TableDescription& table) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& column : table.columns) {
    columns.push_back({{"name", column.name},
                       {"type", column.type},
                       {"nullable", column.nullable},
                       {"default", column.default_value ? nlohmann::json(*column.default_value)
                                                        : nlohmann::json(nullptr)}});
  }
  nlohmann::json foreign_keys = nlohmann::json::array();
  for (const auto& key : table.foreign_keys) {
    foreign_keys.push_back({{"name", key.name},
                            {"columns", key.columns},
                            {"referenced_schema", key.referenced_schema},
                            {"referenced_table", key.referenced_table},
                            {"referenced_columns", key.referenced_columns}});
  }
  nlohmann::json indexes = nlohmann::json::array();
  for (const auto& index : table.indexes) {
    indexes.push_back({{"name", index.name},
                       {"columns", index.columns},
                       {"unique", index.unique},
                       {"primary", index.primary}});
  }
  return {{"schema", table.schema},           {"name", table.name},           {"columns", columns},
          {"primary_key", table.primary_key}, {"foreign_keys", foreign_keys}, {"indexes", indexes}};
}

}  // namespace aurite::sql
