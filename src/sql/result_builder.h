// ResultBuilder: collects rows for a QueryResult and applies QueryLimits.
//
// Drivers fetch one row at a time and stop as soon as AddRow returns false,
// so a limit never costs fetching the whole result first. With
// QueryLimits::rows_as_text each row is serialized on arrival and dropped.
#pragma once

#include <string>

#include "sql/query.h"

namespace aurite::sql {

class ResultBuilder {
 public:
  explicit ResultBuilder(const QueryLimits& limits) : limits_(limits) {}

  void AddColumn(std::string name, std::string type);
  // Adds `row` (a JSON array) unless a limit is reached; then marks the
  // result truncated and returns false: the caller must stop fetching.
  bool AddRow(nlohmann::json row);
  void SetAffectedRows(std::int64_t count) { result_.affected_rows = count; }
  QueryResult Finish() &&;

 private:
  QueryLimits limits_;
  QueryResult result_;
  std::size_t bytes_ = 0;
};

}  // namespace aurite::sql
