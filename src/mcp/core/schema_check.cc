// The path is built as we descend, so the message points at the exact field.
// Compiled patterns are cached: tool schemas are few and fixed.
#include "mcp/core/schema_check.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace aurite::mcp {
namespace {

using Problem = std::optional<std::string>;

bool HasType(const Json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    // JSON has one number type: 3.0 is an integer too.
    return value.is_number_float() && std::isfinite(value.get<double>()) &&
           std::floor(value.get<double>()) == value.get<double>();
  }
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return true;
}

// A compiled pattern, or null when RE2 rejects it.
const re2::RE2* Pattern(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<re2::RE2>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[pattern];
  if (!slot) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    slot = std::make_unique<re2::RE2>(pattern, options);
  }
  return slot->ok() ? slot.get() : nullptr;
}

std::size_t CodePoints(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::optional<double> Number(const Json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<std::size_t> Count(const Json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it->get<std::int64_t>());
}

Problem Check(const Json& schema, const Json& value, const std::string& path);

Problem CheckType(const Json& schema, const Json& value, const std::string& path) {
  auto type = schema.find("type");
  if (type == schema.end()) return std::nullopt;
  if (type->is_string()) {
    if (!HasType(value, *type))
      return fmt::format("{}: expected {}", path, type->get<std::string>());
    return std::nullopt;
  }
  if (type->is_array()) {
    for (const auto& t : *type) {
      if (t.is_string() && HasType(value, t)) return std::nullopt;
    }
    return fmt::format("{}: expected one of the types {}", path, Dump(*type));
  }
  return std::nullopt;
}

Problem CheckValue(const Json& schema, const Json& value, const std::string& path) {
  if (auto allowed = schema.find("enum"); allowed != schema.end() && allowed->is_array()) {
    if (std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
      return fmt::format("{}: not one of the allowed values", path);
    }
  }
  if (auto constant = schema.find("const"); constant != schema.end() && *constant != value) {
    return fmt::format("{}: must be the constant value the schema gives", path);
  }
  return std::nullopt;
}

Problem CheckNumber(const Json& schema, const Json& value, const std::string& path) {
  const double x = value.get<double>();
  if (auto min = Number(schema, "minimum"); min && x < *min) {
    return fmt::format("{}: must be at least {}", path, *min);
  }
  if (auto max = Number(schema, "maximum"); max && x > *max) {
    return fmt::format("{}: must be at most {}", path, *max);
  }
  if (auto min = Number(schema, "exclusiveMinimum"); min && x <= *min) {
    return fmt::format("{}: must be greater than {}", path, *min);
  }
  if (auto max = Number(schema, "exclusiveMaximum"); max && x >= *max) {
    return fmt::format("{}: must be less than {}", path, *max);
  }
  return std::nullopt;
}

Problem CheckString(const Json& schema, const std::string& text, const std::string& path) {
  const std::size_t length = CodePoints(text);
  if (auto min = Count(schema, "minLength"); min && length < *min) {
    return fmt::format("{}: must be at least {} characters long", path, *min);
  }
  if (auto max = Count(schema, "maxLength"); max && length > *max) {
    return fmt::format("{}: must be at most {} characters long", path, *max);
  }
  if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
    const re2::RE2* re = Pattern(*pattern);
    if (re == nullptr) {
      return fmt::format("{}: the schema's pattern is not a valid regular expression", path);
    }
    if (!re2::RE2::PartialMatch(text, *re)) {
      return fmt::format("{}: does not match the pattern {}", path, pattern->get<std::string>());
    }
  }
  return std::nullopt;
}

Problem CheckArray(const Json& schema, const Json& value, const std::string& path) {
  if (auto min = Count(schema, "minItems"); min && value.size() < *min) {
    return fmt::format("{}: needs at least {} items", path, *min);
  }
  if (auto max = Count(schema, "maxItems"); max && value.size() > *max) {
    return fmt::format("{}: allows at most {} items", path, *max);
  }
  if (auto items = schema.find("items"); items != schema.end()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto error = Check(*items, value[i], fmt::format("{}[{}]", path, i))) return error;
    }
  }
  return std::nullopt;
}

Problem CheckObject(const Json& schema, const Json& value, const std::string& path) {
  if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
    for (const auto& name : *required) {
      if (name.is_string() && !value.contains(name.get<std::string>())) {
        return fmt::format("{}: missing required property \"{}\"", path, name.get<std::string>());
      }
    }
  }
  auto properties = schema.find("properties");
  auto additional = schema.find("additionalProperties");
  for (const auto& [name, member] : value.items()) {
    const std::string member_path = path + "." + name;
    if (properties != schema.end() && properties->is_object() && properties->contains(name)) {
      if (auto error = Check((*properties)[name], member, member_path)) return error;
      continue;
    }
    if (additional == schema.end()) continue;
    if (*additional == Json(false))
      return fmt::format("{}: unexpected property \"{}\"", path, name);
    if (auto error = Check(*additional, member, member_path)) return error;
  }
  return std::nullopt;
}

Problem CheckCombinations(const Json& schema, const Json& value, const std::string& path) {
  if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
    for (const auto& part : *all) {
      if (auto error = Check(part, value, path)) return error;
    }
  }
  if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
    const bool matched = std::any_of(any->begin(), any->end(),
                                     [&](const Json& part) { return !Check(part, value, path); });
    if (!matched) return fmt::format("{}: matches none of the anyOf alternatives", path);
  }
  if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
    const auto matches = std::count_if(one->begin(), one->end(),
                                       [&](const Json& part) { return !Check(part, value, path); });
    if (matches != 1) {
      return fmt::format("{}: must match exactly one oneOf alternative, matches {}", path, matches);
    }
  }
  return std::nullopt;
}

Problem Check(const Json& schema, const Json& value, const std::string& path) {
  if (!schema.is_object()) return std::nullopt;
  if (auto error = CheckType(schema, value, path)) return error;
  if (auto error = CheckValue(schema, value, path)) return error;
  if (auto error = CheckCombinations(schema, value, path)) return error;
  if (value.is_number()) return CheckNumber(schema, value, path);
  if (value.is_string()) return CheckString(schema, value.get_ref<const std::string&>(), path);
  if (value.is_array()) return CheckArray(schema, value, path);
  if (value.is_object()) return CheckObject(schema, value, path);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckAgainstSchema(const Json& schema, const Json& value) {
  return Check(schema, value, "arguments");
}

}  // namespace aurite::mcp
