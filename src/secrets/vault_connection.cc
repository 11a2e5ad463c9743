// VAULT_* variables to an address, a token, a namespace and a CA file.
#include "secrets/vault_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

#include "base/unique_fd.h"
#include "crypto/secret_reader.h"

namespace aurite::secrets {
namespace {

// A token is some 100 bytes; anything much larger is the wrong file.
constexpr std::size_t kMaxTokenFileSize = 64 * 1024;

}  // namespace

StatusOr<credentials::HttpEndpoint> ParseVaultAddress(std::string_view url,
                                                      std::string_view origin) {
  AURITE_ASSIGN_OR_RETURN(credentials::HttpEndpoint address,
                          credentials::ParseEndpointUrl(url, origin));
  if (!address.tls && !IsLoopbackHost(address.host)) {
    return InvalidArgumentError(std::string(origin) + " " + address.Url() +
                                " is plain http:// to a host that is not this machine; use "
                                "https:// (http:// is allowed only for 127.0.0.1, ::1 and "
                                "localhost)");
  }
  while (!address.path.empty() && address.path.back() == '/') address.path.pop_back();
  return address;
}

StatusOr<crypto::SecretBuffer> ReadVaultTokenFile(const std::string& path) {
  const std::string what = "Vault token file '" + path + "'";
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) return NotFoundError(what + " cannot be read: " + std::strerror(errno));
  StatusOr<crypto::SecretBuffer> token = crypto::ReadSecret(file.get(), kMaxTokenFileSize);
  if (token.status().code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError(what + " is larger than 64 KiB; it should hold only the token");
  }
  if (!token.ok()) return UnavailableError(what + " could not be read to the end");
  // Agent sinks and `echo` end the token with a newline; it is not part of it.
  std::size_t size = token->size();
  if (size > 0 && token->data()[size - 1] == '\n') --size;
  if (size > 0 && token->data()[size - 1] == '\r') --size;
  token->Truncate(size);
  if (token->empty()) return InvalidArgumentError(what + " is empty");
  return token;
}

bool IsLoopbackHost(const std::string& host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

StatusOr<VaultAuth> LoadVaultAuth(const crypto::EnvironmentLookup& environment) {
  VaultAuth auth;
  if (const auto token = crypto::NonEmptyVariable(environment, "VAULT_TOKEN")) {
    auth.token = crypto::SecretBuffer::CopyFrom(*token);
  } else if (const auto file = crypto::NonEmptyVariable(environment, "VAULT_TOKEN_FILE")) {
    auth.method = VaultAuth::Method::kTokenFile;
    auth.token_file = std::string(*file);
    AURITE_ASSIGN_OR_RETURN(auth.token, ReadVaultTokenFile(auth.token_file));
  } else {
    return InvalidArgumentError(
        "neither VAULT_TOKEN nor VAULT_TOKEN_FILE is set; set one to a Vault token (or the file "
        "a Vault Agent writes it to)");
  }
  return auth;
}

StatusOr<VaultConnection> LoadVaultServer(const crypto::EnvironmentLookup& environment) {
  VaultConnection connection;
  const std::optional<std::string_view> url = crypto::NonEmptyVariable(environment, "VAULT_ADDR");
  if (!url) {
    return InvalidArgumentError(
        "VAULT_ADDR is not set; set it to the address of Vault, e.g. "
        "https://vault.internal:8200");
  }
  AURITE_ASSIGN_OR_RETURN(connection.address, ParseVaultAddress(*url, "VAULT_ADDR"));
  connection.name_space = crypto::NonEmptyVariable(environment, "VAULT_NAMESPACE").value_or("");
  connection.ca_file = crypto::NonEmptyVariable(environment, "VAULT_CACERT").value_or("");
  return connection;
}

StatusOr<VaultConnection> LoadVaultConnection(const crypto::EnvironmentLookup& environment) {
  AURITE_ASSIGN_OR_RETURN(VaultConnection connection, LoadVaultServer(environment));
  AURITE_ASSIGN_OR_RETURN(connection.auth, LoadVaultAuth(environment));
  return connection;
}

}  // namespace aurite::secrets
