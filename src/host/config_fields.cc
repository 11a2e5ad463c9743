// The shared readers of aurite.json values (config_fields.h).
#include "host/config_fields.h"

#include <cstdint>

#include "host/config.h"

namespace aurite::host::config_json {

Status ExpectObjectWithKeys(const Field& field, const std::set<std::string>& allowed) {
  if (!field.value.is_object()) return field.Error("an object");
  for (const auto& [key, _] : field.value.items()) {
    if (allowed.count(key) == 0) {
      std::string list;
      for (const std::string& name : allowed) list += (list.empty() ? "" : ", ") + name;
      return InvalidArgumentError(field.path + "." + key +
                                  ": unknown key; known keys here: " + list);
    }
  }
  return OkStatus();
}

bool Has(const Field& field, const std::string& key) {
  return field.value.is_object() && field.value.contains(key);
}

StatusOr<std::string> GetString(const Field& field) {
  if (!field.value.is_string()) return field.Error("a string");
  return field.value.get<std::string>();
}

StatusOr<long> GetIntegerIn(const Field& field, long low, long high,
                            const std::string& what_range) {
  if (!field.value.is_number_integer()) return field.Error(what_range);
  // A huge unsigned value must not wrap into range when read as signed.
  if (field.value.is_number_unsigned() &&
      field.value.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) {
    return field.Error(what_range);
  }
  const auto value = field.value.get<std::int64_t>();
  if (value < low || value > high) return field.Error(what_range);
  return static_cast<long>(value);
}

StatusOr<bool> GetBool(const Field& field) {
  if (!field.value.is_boolean()) return field.Error("true or false");
  return field.value.get<bool>();
}

StatusOr<std::vector<std::string>> GetStrings(const Field& field) {
  if (!field.value.is_array()) return field.Error("an array of strings");
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < field.value.size(); ++i) {
    AURITE_ASSIGN_OR_RETURN(
        std::string text, GetString({field.value[i], field.path + "[" + std::to_string(i) + "]"}));
    strings.push_back(std::move(text));
  }
  return strings;
}

StatusOr<crypto::SecretBuffer> TakeSecret(const Field& field, const ReferenceSources& sources) {
  if (!field.value.is_string()) return field.Error("a string");
  crypto::SecretBuffer raw = crypto::SecretBuffer::TakeFrom(field.value.get_ref<std::string&>());
  StatusOr<crypto::SecretBuffer> expanded = ExpandSecretReferences(raw.Reveal(), sources);
  if (!expanded.ok()) {
    return Status(expanded.status().code(), field.path + ": " + expanded.status().message());
  }
  return expanded;
}

StatusOr<ExpandedSecret> TakeRefreshableSecret(const Field& field,
                                               const ReferenceSources& sources) {
  if (!field.value.is_string()) return field.Error("a string");
  crypto::SecretBuffer raw = crypto::SecretBuffer::TakeFrom(field.value.get_ref<std::string&>());
  StatusOr<ExpandedSecret> expanded = ExpandRefreshableSecretReferences(raw.Reveal(), sources);
  if (!expanded.ok()) {
    return Status(expanded.status().code(), field.path + ": " + expanded.status().message());
  }
  return expanded;
}

std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : base_dir / p;
}

StatusOr<std::chrono::milliseconds> GetDuration(const Field& field) {
  constexpr const char* kExpected =
      "a duration such as \"30s\", \"5m\", \"1h\" or a number of seconds, at most 100 years";
  std::string text;
  if (field.value.is_number()) {
    text = field.value.dump();
  } else if (field.value.is_string()) {
    text = field.value.get<std::string>();
  } else {
    return field.Error(kExpected);
  }
  StatusOr<std::chrono::milliseconds> duration = ParseDuration(text);
  if (!duration.ok()) return field.Error(kExpected);
  return duration;
}

}  // namespace aurite::host::config_json
