// Query inputs and results shared by every driver.
//
// Cell encoding (the same for every engine, see value_encoding.h):
//   NULL -> null; integers -> numbers, or decimal strings beyond +-2^53;
//   exact numerics (NUMERIC, DECIMAL) -> decimal strings; floats -> numbers
//   ("NaN", "Infinity", "-Infinity" as strings); booleans -> true/false;
//   dates and times -> the server's ISO text; JSON columns -> JSON values;
//   binary values and text that is not UTF-8 -> {"base64": "..."}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aurite::sql {

// A bound parameter: null, boolean, number or string; {"base64": "..."}
// binds as binary (bytea, BLOB). Other arrays and objects are bound as their
// JSON text. Placeholders are the engine's own ($1, ?, ?1).
using Param = nlohmann::json;

struct QueryLimits {
  std::size_t max_rows = 1000;
  // Approximate size of the encoded rows (JSON text), in bytes.
  std::size_t max_bytes = 4 * 1024 * 1024;
  // True: each row is serialized as it arrives into QueryResult::rows_text
  // and dropped, for callers that only send the rows on (no tree is kept).
  bool rows_as_text = false;
};

struct Column {
  std::string name;
  // The engine's type name, lower case (e.g. "int8", "varchar", "blob").
  std::string type;
};

struct QueryResult {
  std::vector<Column> columns;
  // An array of rows; each row is an array with one cell per column.
  nlohmann::json rows = nlohmann::json::array();
  // With QueryLimits::rows_as_text: the compact JSON text of that array
  // (then `rows` stays empty); otherwise empty.
  std::string rows_text;
  std::size_t row_count = 0;
  // True when max_rows or max_bytes stopped the fetch before the last row.
  bool truncated = false;
  // Rows changed by a write, when the engine reports it.
  std::optional<std::int64_t> affected_rows;
};

}  // namespace aurite::sql
