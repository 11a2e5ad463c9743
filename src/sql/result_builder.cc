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
  result_.rows.push_back(std::move(row));
  ++result_.row_count;
  return true;
}

}  // namespace aurite::sql
