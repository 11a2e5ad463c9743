// The path is built as we descend, so the message points at the exact field.
#include "mcp/schema_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace aurite::mcp {
namespace {

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

std::optional<std::string> Check(const Json& schema, const Json& value, const std::string& path);

std::optional<std::string> CheckType(const Json& schema, const Json& value,
                                     const std::string& path) {
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
    return fmt::format("{}: has none of the allowed types", path);
  }
  return std::nullopt;
}

std::optional<std::string> CheckObject(const Json& schema, const Json& value,
                                       const std::string& path) {
  if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
    for (const auto& name : *required) {
      if (name.is_string() && !value.contains(name.get<std::string>())) {
        return fmt::format("{}: missing required property \"{}\"", path, name.get<std::string>());
      }
    }
  }
  auto properties = schema.find("properties");
  const bool closed = schema.value("additionalProperties", Json(true)) == Json(false);
  for (const auto& [name, member] : value.items()) {
    const bool known =
        properties != schema.end() && properties->is_object() && properties->contains(name);
    if (!known) {
      if (closed) return fmt::format("{}: unexpected property \"{}\"", path, name);
      continue;
    }
    if (auto error = Check((*properties)[name], member, path + "." + name)) return error;
  }
  return std::nullopt;
}

std::optional<std::string> Check(const Json& schema, const Json& value, const std::string& path) {
  if (!schema.is_object()) return std::nullopt;
  if (auto error = CheckType(schema, value, path)) return error;
  if (auto allowed = schema.find("enum"); allowed != schema.end() && allowed->is_array()) {
    if (std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
      return fmt::format("{}: not one of the allowed values", path);
    }
  }
  if (value.is_object()) return CheckObject(schema, value, path);
  if (value.is_array()) {
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto error = Check(*items, value[i], fmt::format("{}[{}]", path, i))) return error;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckAgainstSchema(const Json& schema, const Json& value) {
  return Check(schema, value, "arguments");
}

}  // namespace aurite::mcp
