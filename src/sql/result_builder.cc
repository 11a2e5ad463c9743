// ResultBuilder: row and byte limits applied while rows arrive, and cells
// encoded either as JSON values or straight into the result's JSON text.
#include "sql/result_builder.h"

#include <openssl/evp.h>

#include <charconv>
#include <cmath>

#include "sql/json_text.h"
#include "sql/value_encoding.h"

namespace aurite::sql {

void ResultBuilder::AddColumn(std::string name, std::string type) {
  result_.columns.push_back({std::move(name), std::move(type)});
}

bool ResultBuilder::Refuse() {
  result_.truncated = true;
  return false;
}

bool ResultBuilder::AddRow(nlohmann::json row) {
  std::size_t size = EncodedSize(row);
  if (result_.row_count >= limits_.max_rows || bytes_ + size > limits_.max_bytes) return Refuse();
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

bool ResultBuilder::BeginRow() {
  if (result_.row_count >= limits_.max_rows) return Refuse();
  first_cell_ = true;
  if (!limits_.rows_as_text) {
    row_ = nlohmann::json::array();
    return true;
  }
  row_start_ = result_.rows_text.size();
  result_.rows_text += result_.row_count == 0 ? "[[" : ",[";
  return true;
}

bool ResultBuilder::EndRow() {
  if (!limits_.rows_as_text) return AddRow(std::move(row_));
  result_.rows_text.push_back(']');
  // The exact text size here, where AddRow can only estimate it.
  std::size_t size = result_.rows_text.size() - row_start_;
  if (bytes_ + size > limits_.max_bytes) {
    result_.rows_text.resize(row_start_);
    return Refuse();
  }
  bytes_ += size;
  ++result_.row_count;
  return true;
}

void ResultBuilder::CellSeparator() {
  if (!first_cell_) result_.rows_text.push_back(',');
  first_cell_ = false;
}

void ResultBuilder::AddNull() {
  if (!limits_.rows_as_text) return AddCell(nullptr);
  CellSeparator();
  result_.rows_text += "null";
}

void ResultBuilder::AddBool(bool value) {
  if (!limits_.rows_as_text) return AddCell(value);
  CellSeparator();
  result_.rows_text += value ? "true" : "false";
}

namespace {

// Canonical decimal text of at most 15 digits ("0", "-42", no leading zero
// or sign): below 2^53, so its JSON is the text itself.
bool IsShortCanonicalInteger(std::string_view text) {
  std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 15 || (digits[0] == '0' && text.size() > 1)) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

void ResultBuilder::AddIntegerText(std::string_view text) {
  if (!limits_.rows_as_text) return AddCell(EncodeIntegerText(text));
  if (IsShortCanonicalInteger(text)) {
    CellSeparator();
    result_.rows_text += text;
    return;
  }
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    // Beyond int64 or not a number: the tree form decides (a string either way).
    CellSeparator();
    return AppendJsonText(result_.rows_text, EncodeIntegerText(text));
  }
  CellSeparator();
  char digits[24];
  auto written = std::to_chars(digits, digits + sizeof digits, value).ptr;
  bool exact = value <= kMaxExactInteger && value >= -kMaxExactInteger;
  if (!exact) result_.rows_text.push_back('"');
  result_.rows_text.append(digits, written);
  if (!exact) result_.rows_text.push_back('"');
}

void ResultBuilder::AddDouble(double value) {
  if (!limits_.rows_as_text) return AddCell(EncodeDouble(value));
  CellSeparator();
  if (std::isfinite(value)) return AppendJsonDouble(result_.rows_text, value);
  AppendJsonString(result_.rows_text, EncodeDouble(value).get_ref<const std::string&>());
}

void ResultBuilder::AddDoubleText(std::string_view text) {
  if (limits_.rows_as_text) {
    std::size_t mark = result_.rows_text.size();
    bool first_cell = first_cell_;
    CellSeparator();
    if (AppendJsonShortestDecimal(result_.rows_text, text)) return;
    result_.rows_text.resize(mark);
    first_cell_ = first_cell;
  }
  // Also "NaN", "Infinity" and "-Infinity", which from_chars reads. A text
  // that is no double (none comes from the engines) stays text, never 0.
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return AddText(text);
  AddDouble(value);
}

void ResultBuilder::AddText(std::string_view text) {
  if (!limits_.rows_as_text) return AddCell(EncodeText(text));
  // Escaped and checked in one pass; text that was not UTF-8 is taken back.
  std::size_t mark = result_.rows_text.size();
  bool first_cell = first_cell_;
  CellSeparator();
  if (AppendJsonString(result_.rows_text, text)) return;
  result_.rows_text.resize(mark);
  first_cell_ = first_cell;
  AddBinary(text);
}

void ResultBuilder::AddBinary(std::string_view bytes) {
  if (!limits_.rows_as_text) return AddCell(EncodeBinary(bytes));
  CellSeparator();
  std::string& out = result_.rows_text;
  out += R"({"base64":")";
  std::size_t at = out.size();
  // EVP_EncodeBlock writes a NUL after the text, dropped by the resize.
  out.resize(at + 4 * ((bytes.size() + 2) / 3) + 1);
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(at + static_cast<std::size_t>(written));
  out += "\"}";
}

void ResultBuilder::AddJsonText(std::string_view text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return AddText(text);
  if (!limits_.rows_as_text) return AddCell(std::move(parsed));
  CellSeparator();
  AppendJsonText(result_.rows_text, parsed);
}

QueryResult ResultBuilder::Finish() && {
  if (limits_.rows_as_text) {
    if (result_.row_count == 0) result_.rows_text.push_back('[');
    result_.rows_text.push_back(']');
  }
  return std::move(result_);
}

}  // namespace aurite::sql
