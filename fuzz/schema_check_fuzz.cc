// Fuzzes tool-argument validation (src/mcp/core/schema_check): a JSON
// Schema and a value, both from the input (two JSON texts).
//
// Properties: nothing crashes or throws, whatever the schema (bad patterns,
// wrong keyword types, deep nesting); a value always conforms to {}, to
// {"const": v}, to {"enum": [v]} and to {"type": <its type>}; wrapping a
// schema in allOf or anyOf of one changes nothing; and a refusal never
// quotes the value: a string of the value that holds a control character
// and appears neither in the schema nor in any key never shows in the
// message.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "mcp/core/schema_check.h"

namespace {

using aurite::fuzz::Check;
using aurite::mcp::CheckAgainstSchema;
using aurite::mcp::Json;

std::string TypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    default:
      return "object";
  }
}

void Collect(const Json& value, std::vector<std::string>& strings, std::string& keys) {
  if (value.is_string()) strings.push_back(value.get<std::string>());
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      keys += key + '\n';
      Collect(item, strings, keys);
    }
  }
  if (value.is_array()) {
    for (const Json& item : value) Collect(item, strings, keys);
  }
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    if (c > 0 && c < 0x20) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const Json schema = Json::parse(provider.ConsumeRandomLengthString(2048), nullptr, false);
  const Json value = Json::parse(provider.ConsumeRemainingBytesAsString(), nullptr, false);
  if (schema.is_discarded() || value.is_discarded()) return 0;

  const auto result = CheckAgainstSchema(schema, value);
  Check(!CheckAgainstSchema(Json::object(), value), "every value conforms to {}");
  Check(!CheckAgainstSchema({{"const", value}}, value), "a value conforms to its const");
  Check(!CheckAgainstSchema({{"enum", Json::array({value})}}, value),
        "a value conforms to an enum of it");
  Check(!CheckAgainstSchema({{"type", TypeName(value)}}, value), "a value conforms to its type");
  Check(CheckAgainstSchema({{"allOf", Json::array({schema})}}, value).has_value() ==
            result.has_value(),
        "allOf of one schema is that schema");
  Check(CheckAgainstSchema({{"anyOf", Json::array({schema})}}, value).has_value() ==
            result.has_value(),
        "anyOf of one schema is that schema");
  if (!result) return 0;

  std::vector<std::string> strings;
  std::string keys;
  Collect(value, strings, keys);
  // The schema's own strings and keys, raw, may show.
  std::vector<std::string> schema_leaves;
  std::string schema_text;
  Collect(schema, schema_leaves, schema_text);
  for (const std::string& leaf : schema_leaves) schema_text += leaf + '\n';
  for (std::size_t i = 0; i < strings.size(); ++i) {
    const std::string& text = strings[i];
    if (text.size() < 4 || !HasControl(text)) continue;
    if (schema_text.find(text) != std::string::npos || keys.find(text) != std::string::npos) {
      continue;
    }
    Check(result->find(text) == std::string::npos, "a refusal never quotes the value");
  }
  return 0;
}
