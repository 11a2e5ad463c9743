// ResultBuilder: row and byte limits applied while rows arrive.
#include "sql/result_builder.h"

#include "sql/value_encoding.h"

namespace aurite::sql {

void ResultBuilder::AddColumn(std::string name, std::string type) {
  result_.columns.push_back({std::move(name), std::move(type)});
}

bool ResultBuilder::AddRow(nlohmann::json row) {
  std::size_t size = EncodedSize(row);
  if (result_.row_count >= limits_.max_rows || bytes_ + size > limits_.max_bytes) {
    result_.truncated = true;
    return false;
  }
  bytes_ += size;
  if (limits_.rows_as_text) {
    result_.rows_text.push_back(result_.row_count == 0 ? '[' : ',');
    AppendJsonText(result_.rows_text, row);
  } else {
    result_.rows.push_back(std::move(row));
  }
  ++result_.row_count;
  return true;
}

QueryResult ResultBuilder::Finish() && {
  if (limits_.rows_as_text) {
    if (result_.row_count == 0) result_.rows_text.push_back('[');
    result_.rows_text.push_back(']');
  }
  return std::move(result_);
}

}  // namespace aurite::sql
