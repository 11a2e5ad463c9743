// The JSON walking every aurite.json parser shares: a value together with
// the path that leads to it, and typed readers whose errors name that path
// (e.g. `connections.orders.credentials.max_ttl: expected a duration …`).
// No reader quotes the value it rejects, which may be secret.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "host/secret_reference.h"

namespace aurite::host::config_json {

// A JSON value with the path that leads to it, for error messages.
struct Field {
  nlohmann::json& value;
  std::string path;

  Field operator[](const std::string& key) const { return {value[key], path + "." + key}; }
  // InvalidArgument "<path>: expected <expected>".
  Status Error(const std::string& expected) const {
    return InvalidArgumentError(path + ": expected " + expected);
  }
};

// Ok when `field` is an object whose keys are all in `allowed`; the error
// for an unknown key lists the known ones.
Status ExpectObjectWithKeys(const Field& field, const std::set<std::string>& allowed);

// True when `field` is an object that has `key`.
bool Has(const Field& field, const std::string& key);

StatusOr<std::string> GetString(const Field& field);
StatusOr<bool> GetBool(const Field& field);
// An integer from `low` to `high`; otherwise the error "expected
// <what_range>" (e.g. "a number of seconds from 1 to 3600").
StatusOr<long> GetIntegerIn(const Field& field, long low, long high, const std::string& what_range);
StatusOr<std::vector<std::string>> GetStrings(const Field& field);

// Takes a value that may be secret out of the JSON tree (wiping the copy
// there) and expands its ${env:…}/${file:…}/${exec:…} references.
StatusOr<crypto::SecretBuffer> TakeSecret(const Field& field, const ReferenceSources& sources);

// TakeSecret for a value whose references may have refresh= options.
StatusOr<ExpandedSecret> TakeRefreshableSecret(const Field& field, const ReferenceSources& sources);

// A path written in the config: absolute as it is, relative under
// `base_dir` (the config file's directory).
std::filesystem::path ResolvePath(const std::filesystem::path& base_dir, const std::string& path);

// A duration as ParseDuration reads it ("30s", "5m", "1h") or a number of
// seconds.
StatusOr<std::chrono::milliseconds> GetDuration(const Field& field);

}  // namespace aurite::host::config_json
