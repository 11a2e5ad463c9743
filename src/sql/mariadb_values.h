// MariaDB/MySQL type mapping and parameter encoding: how the driver names a
// result column's type, binds JSON parameters to a prepared statement, and
// turns the row buffers of mysql_stmt_fetch into result cells (query.h's
// rules).
#pragma once

#include <mysql.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "sql/libmariadb_library.h"
#include "sql/query.h"

namespace aurite::sql {

// The lower-case type name of a result column ("json" for JSON columns,
// MariaDB's JSON alias included).
std::string MariaDbColumnType(MYSQL_FIELD& field);

// How a column's cells are fetched and encoded.
enum class MariaDbCellKind { kSigned, kUnsigned, kDouble, kDecimal, kJson, kBinary, kText };

// Output buffers for one row of a prepared statement's result.
struct MariaDbRowBuffers {
  std::vector<MYSQL_BIND> binds;
  std::vector<MariaDbCellKind> kinds;
  std::vector<std::vector<char>> data;
  std::vector<unsigned long> lengths;
  std::vector<my_bool> nulls;
  std::vector<my_bool> errors;
  // A buffer grew: bind again before the next row so it is used.
  bool rebind = false;
};

// Binds a buffer per column of `fields` (of `count` columns) into `row`.
void PrepareMariaDbRowBuffers(MYSQL_FIELD* fields, unsigned count, MariaDbRowBuffers& row);

// The cell `column` of the row just fetched into `row`. A text or binary
// value larger than its buffer is fetched again into a larger one; `row`
// then asks to be bound again (rebind) before the next row.
nlohmann::json ReadMariaDbCell(MYSQL_STMT* stmt, MariaDbRowBuffers& row, unsigned column);

// Input buffers for bound parameters; they must live until execution.
struct MariaDbParamBuffers {
  std::vector<MYSQL_BIND> binds;
  std::vector<std::string> texts;
  std::vector<long long> integers;
  std::vector<double> doubles;
};

// Binds `params` into `out`: null, integers (booleans as 0 and 1), doubles,
// {"base64": ...} as a BLOB, strings and other JSON as text. Fails on
// invalid base64.
Status BindMariaDbParams(const std::vector<Param>& params, MariaDbParamBuffers& out);

}  // namespace aurite::sql
