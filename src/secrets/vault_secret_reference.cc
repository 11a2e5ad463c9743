// Parse the reference, GET it through a VaultClient, pick the field.
#include "secrets/vault_secret_reference.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "secrets/vault_connection.h"
#include "secrets/vault_kv_answer.h"

namespace aurite::secrets {
namespace {

constexpr std::string_view kForm =
    "a vault reference is ${vault:MOUNT/PATH#FIELD}, optionally with ?version=N before the "
    "#FIELD, where MOUNT/PATH is a KV version 2 secret (segments of letters, digits and "
    "-_.@+=:)";

bool IsPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-_.@+=:").find(c) != std::string_view::npos;
}

// Only these characters need no percent-encoding in a URL path, so the
// path goes into the request as written and means what it says.
bool IsValidSegment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." &&
         std::all_of(segment.begin(), segment.end(), IsPathChar);
}

}  // namespace

bool IsVaultPath(std::string_view path) {
  if (path.find('/') == std::string_view::npos) return false;
  for (std::string_view rest = path;;) {
    const std::size_t next = rest.find('/');
    if (!IsValidSegment(rest.substr(0, next))) return false;
    if (next == std::string_view::npos) return true;
    rest = rest.substr(next + 1);
  }
}

std::string VaultSecretReference::Describe() const {
  std::string text = mount + "/" + path;
  if (field) text += "#" + *field;
  if (version) text += " (version " + std::to_string(*version) + ")";
  return text;
}

StatusOr<VaultSecretReference> ParseVaultSecretReference(std::string_view text) {
  VaultSecretReference reference;
  const std::size_t hash = text.find('#');
  std::string_view location = text.substr(0, hash);
  if (hash != std::string_view::npos) {
    reference.field = std::string(text.substr(hash + 1));
    if (reference.field->empty()) {
      return InvalidArgumentError(std::string(kForm) + "; '#' must be followed by a field name");
    }
  }
  if (const std::size_t query = location.find('?'); query != std::string_view::npos) {
    const std::string_view option = location.substr(query + 1);
    constexpr std::string_view kVersion = "version=";
    std::uint64_t version = 0;
    const std::string_view digits =
        option.starts_with(kVersion) ? option.substr(kVersion.size()) : "";
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        version == 0) {
      return InvalidArgumentError(std::string(kForm) +
                                  "; after '?' only version=N (N >= 1) is accepted");
    }
    reference.version = version;
    location = location.substr(0, query);
  }
  const std::size_t slash = location.find('/');
  if (slash == std::string_view::npos) return InvalidArgumentError(std::string(kForm));
  reference.mount = std::string(location.substr(0, slash));
  reference.path = std::string(location.substr(slash + 1));
  if (!IsVaultPath(location)) return InvalidArgumentError(std::string(kForm));
  return reference;
}

StatusOr<crypto::SecretBuffer> ReadVaultSecret(std::string_view text, VaultClient& vault) {
  AURITE_ASSIGN_OR_RETURN(VaultSecretReference reference, ParseVaultSecretReference(text));
  std::string path = reference.mount + "/data/" + reference.path;
  if (reference.version) path += "?version=" + std::to_string(*reference.version);
  StatusOr<credentials::HttpAnswer> answer = vault.Request(credentials::HttpMethod::kGet, path);
  if (!answer.ok()) {
    return Status(answer.status().code(),
                  "Vault secret '" + reference.Describe() + "': " + answer.status().message());
  }
  return ParseVaultKvAnswer(answer->body, answer->status, reference, vault.address());
}

}  // namespace aurite::secrets
