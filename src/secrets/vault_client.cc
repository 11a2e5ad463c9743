// Requests to Vault with the token and namespace headers (vault_client.h).
#include "secrets/vault_client.h"

#include <vector>

namespace aurite::secrets {

StatusOr<std::shared_ptr<VaultClient>> VaultClient::FromEnvironment(
    const crypto::EnvironmentLookup& environment, credentials::HttpRequestOptions options) {
  AURITE_ASSIGN_OR_RETURN(VaultConnection connection, LoadVaultConnection(environment));
  options.ca_file = connection.ca_file;
  return std::make_shared<VaultClient>(std::move(connection), std::move(options));
}

VaultClient::VaultClient(VaultConnection connection, credentials::HttpRequestOptions options)
    : connection_{connection.address, crypto::SecretBuffer(), connection.name_space,
                  connection.ca_file},
      options_(std::move(options)),
      token_(std::move(connection.token)) {}

crypto::SecretBuffer VaultClient::Token() const {
  std::lock_guard lock(mu_);
  return token_.Clone();
}

StatusOr<credentials::HttpAnswer> VaultClient::Request(credentials::HttpMethod method,
                                                       std::string_view path,
                                                       std::string_view body) {
  credentials::HttpEndpoint endpoint = connection_.address;
  endpoint.path += "/v1/";
  endpoint.path += path;
  const crypto::SecretBuffer token = Token();
  std::vector<crypto::HttpHeader> headers{{"X-Vault-Token", token.Reveal()},
                                          {"Accept", "application/json"}};
  if (!connection_.name_space.empty()) {
    headers.push_back({"X-Vault-Namespace", connection_.name_space});
  }
  if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
  StatusOr<credentials::HttpAnswer> answer =
      credentials::HttpRequest(method, endpoint, headers, body, options_);
  if (!answer.ok()) {
    // HttpRequest names the URL (address and path), never a header.
    const StatusCode code = answer.status().code() == StatusCode::kInvalidArgument
                                ? StatusCode::kInvalidArgument
                                : StatusCode::kUnavailable;
    return Status(code,
                  "Vault at " + address() + " cannot be reached: " + answer.status().message());
  }
  return answer;
}

}  // namespace aurite::secrets
