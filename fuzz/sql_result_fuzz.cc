// Fuzzes the SQL result encoders (src/sql/value_encoding, json_text,
// result_builder) with cells a database could return: NULL, booleans,
// integer text, doubles (as values and as the shortest text that reads
// back as them), text that may not be UTF-8, binary, and JSON text.
//
// Properties: every row set comes out as valid JSON; ResultBuilder's text
// mode (rows_as_text) gives the same rows as its tree mode, and exactly
// the text mcp::Dump makes of the tree when no double is involved;
// AppendJsonString is exactly mcp::Dump of the string, and says whether
// the text was UTF-8 as IsValidUtf8 does; binary cells decode back
// (DecodeBinaryParam); AppendJsonShortestDecimal writes a JSON number of
// the same double as its text, when it accepts the text.
#include <fuzzer/FuzzedDataProvider.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "fuzz/fuzz_check.h"
#include "mcp/core/jsonrpc.h"
#include "sql/json_text.h"
#include "sql/result_builder.h"
#include "sql/value_encoding.h"

namespace {

using aurite::fuzz::Check;
using aurite::fuzz::IsValidJson;
namespace sql = aurite::sql;
using nlohmann::json;

std::string ShortestText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

void CheckStrings(std::string_view text) {
  std::string out;
  const bool utf8 = sql::AppendJsonString(out, text);
  Check(utf8 == sql::IsValidUtf8(text), "AppendJsonString tells UTF-8 as IsValidUtf8 does");
  Check(out == aurite::mcp::Dump(json(std::string(text))),
        "AppendJsonString writes what mcp::Dump writes");
  const json cell = sql::EncodeText(text);
  Check(IsValidJson(aurite::mcp::Dump(cell)), "EncodeText is valid JSON");
  if (sql::IsBinaryParam(cell)) {
    auto decoded = sql::DecodeBinaryParam(cell);
    Check(decoded.ok() && *decoded == text, "a binary cell decodes back to its bytes");
  }
  Check(IsValidJson(aurite::mcp::Dump(sql::EncodeJsonText(text))), "EncodeJsonText is valid JSON");
  std::string number;
  if (sql::AppendJsonShortestDecimal(number, text)) {
    Check(IsValidJson(number), "AppendJsonShortestDecimal writes JSON");
    double from_text = 0;
    double from_number = 0;
    const auto read = std::from_chars(text.data(), text.data() + text.size(), from_text);
    std::from_chars(number.data(), number.data() + number.size(), from_number);
    if (read.ec == std::errc()) {
      Check(from_text == from_number, "AppendJsonShortestDecimal keeps the double");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  sql::QueryLimits limits;
  limits.max_rows = provider.ConsumeIntegralInRange<std::size_t>(1, 8);
  limits.max_bytes = std::size_t{1} << 30;  // rows, not bytes, end both modes alike
  sql::ResultBuilder tree(limits);
  limits.rows_as_text = true;
  sql::ResultBuilder text(limits);
  bool doubles = false;

  while (provider.remaining_bytes() > 0) {
    const bool began = tree.BeginRow();
    Check(began == text.BeginRow(), "both modes take the same rows");
    if (!began) break;
    const int cells = provider.ConsumeIntegralInRange(0, 6);
    for (int i = 0; i < cells; ++i) {
      switch (provider.ConsumeIntegralInRange(0, 8)) {
        case 0:
          tree.AddNull(), text.AddNull();
          break;
        case 1: {
          const bool value = provider.ConsumeBool();
          tree.AddBool(value), text.AddBool(value);
          break;
        }
        case 2: {
          const std::string value = provider.ConsumeRandomLengthString(24);
          tree.AddIntegerText(value), text.AddIntegerText(value);
          break;
        }
        case 3: {
          const std::string value = std::to_string(provider.ConsumeIntegral<std::int64_t>());
          tree.AddIntegerText(value), text.AddIntegerText(value);
          break;
        }
        case 4: {
          const double value = provider.ConsumeFloatingPoint<double>();
          tree.AddDouble(value), text.AddDouble(value);
          doubles = true;
          break;
        }
        case 5: {
          std::uint64_t bits = provider.ConsumeIntegral<std::uint64_t>();
          double value;
          std::memcpy(&value, &bits, sizeof value);
          const std::string shortest = ShortestText(value);
          tree.AddDoubleText(shortest), text.AddDoubleText(shortest);
          doubles = true;
          break;
        }
        case 6: {
          const std::string value = provider.ConsumeRandomLengthString(64);
          tree.AddText(value), text.AddText(value);
          CheckStrings(value);
          break;
        }
        case 7: {
          const std::string value = provider.ConsumeRandomLengthString(64);
          tree.AddBinary(value), text.AddBinary(value);
          break;
        }
        default: {
          const std::string value = provider.ConsumeRandomLengthString(128);
          tree.AddJsonText(value), text.AddJsonText(value);
          CheckStrings(value);
        }
      }
    }
    Check(tree.EndRow() == text.EndRow(), "both modes end rows alike");
  }

  const sql::QueryResult from_tree = std::move(tree).Finish();
  const sql::QueryResult from_text = std::move(text).Finish();
  Check(from_tree.row_count == from_text.row_count, "both modes count the same rows");
  Check(from_tree.truncated == from_text.truncated, "both modes truncate alike");
  const std::string dumped = aurite::mcp::Dump(from_tree.rows);
  Check(IsValidJson(dumped), "tree rows dump to valid JSON");
  Check(IsValidJson(from_text.rows_text), "text rows are valid JSON");
  Check(json::parse(from_text.rows_text) == json::parse(dumped), "text rows equal tree rows");
  if (!doubles) Check(from_text.rows_text == dumped, "text rows are the tree's text");
  return 0;
}
