// Table listings and descriptions returned by the drivers.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aurite::sql {

struct TableInfo {
  std::string schema;
  std::string name;
  // "table" or "view".
  std::string type;
};

struct ColumnDescription {
  std::string name;
  std::string type;
  bool nullable = true;
  // The default expression as the engine prints it.
  std::optional<std::string> default_value;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string referenced_schema;
  std::string referenced_table;
  std::vector<std::string> referenced_columns;
};

struct IndexDescription {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  bool primary = false;
};

struct TableDescription {
  std::string schema;
  std::string name;
  std::vector<ColumnDescription> columns;
  std::vector<std::string> primary_key;
  std::vector<ForeignKey> foreign_keys;
  std::vector<IndexDescription> indexes;
};

nlohmann::json ToJson(const TableInfo& table);
nlohmann::json ToJson(const TableDescription& table);

}  // namespace aurite::sql
