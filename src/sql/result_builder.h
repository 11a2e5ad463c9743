// ResultBuilder: collects rows for a QueryResult and applies QueryLimits.
//
// Drivers fetch one row at a time and stop as soon as a row is refused, so a
// limit never costs fetching the whole result first. A row is given whole
// (AddRow) or cell by cell (BeginRow, one Add* per column, EndRow); the cell
// calls apply the encoding rules of query.h. With QueryLimits::rows_as_text
// cells are written straight into QueryResult::rows_text, as the exact text
// a tree of them would dump to, and no tree is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sql/query.h"

namespace aurite::sql {

class ResultBuilder {
 public:
  explicit ResultBuilder(const QueryLimits& limits) : limits_(limits) {}

  void AddColumn(std::string name, std::string type);
  // Adds `row` (a JSON array) unless a limit is reached; then marks the
  // result truncated and returns false: the caller must stop fetching.
  bool AddRow(nlohmann::json row);

  // Starts a row; false when max_rows is reached (the result is then
  // truncated and the caller must stop fetching, as for AddRow).
  bool BeginRow();
  void AddNull();
  void AddBool(bool value);
  // Decimal integer text; beyond +-2^53 a string, text that does not parse as text.
  void AddIntegerText(std::string_view text);
  void AddDouble(double value);
  // A double given as the shortest decimal text that reads back as it, or
  // NaN, Infinity, -Infinity (PostgreSQL's float8 output): in text mode the
  // digits are placed without converting them, in tree mode parsed.
  void AddDoubleText(std::string_view text);
  // UTF-8 text as a string; anything else as binary.
  void AddText(std::string_view text);
  void AddBinary(std::string_view bytes);
  // A JSON document as its value; text that does not parse as AddText.
  void AddJsonText(std::string_view text);
  // Ends the row; false when it would pass max_bytes: the row is dropped,
  // the result truncated, and the caller must stop fetching.
  bool EndRow();

  void SetAffectedRows(std::int64_t count) { result_.affected_rows = count; }
  QueryResult Finish() &&;

 private:
  // Text mode: the separator before the next cell of the current row.
  void CellSeparator();
  void AddCell(nlohmann::json cell) { row_.push_back(std::move(cell)); }
  bool Refuse();

  QueryLimits limits_;
  QueryResult result_;
  std::size_t bytes_ = 0;
  // The row being built cell by cell: its tree, or (text mode) where its text starts.
  nlohmann::json row_;
  std::size_t row_start_ = 0;
  bool first_cell_ = true;
};

}  // namespace aurite::sql
