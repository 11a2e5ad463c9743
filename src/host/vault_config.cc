// security.vault to VaultSettings, and the host's one VaultClient made
// from them (vault_config.h).
#include "host/vault_config.h"

#include <fstream>

namespace aurite::host {
namespace {

using config_json::Field;
using config_json::GetString;
using config_json::Has;
using config_json::ResolvePath;

// A secret value of the block: any reference but ${vault:…}.
StatusOr<crypto::SecretBuffer> TakeBlockSecret(const Field& field,
                                               const ReferenceSources& sources) {
  ReferenceSources outside_vault = sources;
  outside_vault.read_vault_secret = [](const std::string&) -> StatusOr<crypto::SecretBuffer> {
    return InvalidArgumentError(
        "a Vault reference cannot be used inside security.vault, which says how to reach "
        "Vault; use ${env:…}, ${file:…}, ${exec:…}, ${aws-sm:…} or ${keyring:…}");
  };
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                          config_json::TakeSecret(field, outside_vault));
  if (secret.empty()) return field.Error("a non-empty value");
  return secret;
}

StatusOr<secrets::VaultAuth> ParseAppRole(const Field& field, const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(
      config_json::ExpectObjectWithKeys(field, {"method", "mount", "role_id", "secret_id"}));
  if (!Has(field, "method")) return field["method"].Error("\"approle\"");
  AURITE_ASSIGN_OR_RETURN(const std::string method, GetString(field["method"]));
  if (method != "approle") return field["method"].Error("\"approle\"");
  secrets::VaultAuth auth;
  auth.method = secrets::VaultAuth::Method::kAppRole;
  if (Has(field, "mount")) {
    AURITE_ASSIGN_OR_RETURN(auth.mount, GetString(field["mount"]));
    if (auth.mount.empty() || auth.mount.find_first_of("?#% ") != std::string::npos ||
        auth.mount.front() == '/' || auth.mount.back() == '/') {
      return field["mount"].Error("the path AppRole is enabled at, e.g. \"approle\"");
    }
  }
  for (const char* key : {"role_id", "secret_id"}) {
    if (!Has(field, key)) {
      return field[key].Error(
          "a value (AppRole needs role_id and secret_id, e.g. \"${file:/run/secrets/" +
          std::string(key) + "}\")");
    }
  }
  AURITE_ASSIGN_OR_RETURN(auth.role_id, TakeBlockSecret(field["role_id"], sources));
  AURITE_ASSIGN_OR_RETURN(auth.secret_id, TakeBlockSecret(field["secret_id"], sources));
  return auth;
}

}  // namespace

StatusOr<VaultSettings> ParseVaultSettings(const Field& field,
                                           const std::filesystem::path& base_dir,
                                           const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(
      field, {"address", "namespace", "ca_cert", "token", "token_file", "auth"}));
  VaultSettings settings;
  if (Has(field, "address")) {
    AURITE_ASSIGN_OR_RETURN(settings.address, GetString(field["address"]));
    AURITE_RETURN_IF_ERROR(
        secrets::ParseVaultAddress(*settings.address, field["address"].path).status());
  }
  if (Has(field, "namespace")) {
    AURITE_ASSIGN_OR_RETURN(settings.name_space, GetString(field["namespace"]));
  }
  if (Has(field, "ca_cert")) {
    AURITE_ASSIGN_OR_RETURN(const std::string path, GetString(field["ca_cert"]));
    settings.ca_cert = ResolvePath(base_dir, path).string();
    if (path.empty() || !std::ifstream(*settings.ca_cert).good()) {
      return field["ca_cert"].Error(
          "a readable PEM file of the CA(s) that signed Vault's "
          "certificate");
    }
  }
  const int methods = Has(field, "token") + Has(field, "token_file") + Has(field, "auth");
  if (methods > 1) {
    return field.Error("at most one of token, token_file and auth (how Aurite gets its token)");
  }
  secrets::VaultAuth auth;
  if (Has(field, "token")) {
    AURITE_ASSIGN_OR_RETURN(auth.token, TakeBlockSecret(field["token"], sources));
    settings.auth = std::move(auth);
  } else if (Has(field, "token_file")) {
    AURITE_ASSIGN_OR_RETURN(const std::string path, GetString(field["token_file"]));
    if (path.empty()) return field["token_file"].Error("the path of a file holding the token");
    auth.method = secrets::VaultAuth::Method::kTokenFile;
    auth.token_file = ResolvePath(base_dir, path).string();
    settings.auth = std::move(auth);
  } else if (Has(field, "auth")) {
    AURITE_ASSIGN_OR_RETURN(settings.auth, ParseAppRole(field["auth"], sources));
  }
  return settings;
}

VaultClientSource::VaultClientSource(VaultSettings settings,
                                     ReferenceSources::Environment environment,
                                     credentials::HttpRequestOptions options)
    : settings_(std::move(settings)),
      environment_(std::move(environment)),
      options_(std::move(options)) {}

StatusOr<std::shared_ptr<secrets::VaultClient>> VaultClientSource::Get() {
  std::lock_guard lock(mu_);
  if (client_) return client_;
  // The block's keys stand in for their variables.
  const crypto::EnvironmentLookup overlay =
      [this](std::string_view name) -> std::optional<std::string_view> {
    const std::optional<std::string>* set = name == "VAULT_ADDR"        ? &settings_.address
                                            : name == "VAULT_NAMESPACE" ? &settings_.name_space
                                            : name == "VAULT_CACERT"    ? &settings_.ca_cert
                                                                        : nullptr;
    if (set != nullptr && *set) return std::string_view(**set);
    return environment_(std::string(name));
  };
  StatusOr<secrets::VaultConnection> loaded =
      settings_.auth ? secrets::LoadVaultServer(overlay) : secrets::LoadVaultConnection(overlay);
  if (!loaded.ok()) {
    return Status(loaded.status().code(),
                  loaded.status().message() +
                      " (or set it in security.vault: address, token, token_file or auth)");
  }
  secrets::VaultConnection connection = std::move(*loaded);
  if (settings_.auth && settings_.auth->method == secrets::VaultAuth::Method::kTokenFile) {
    connection.auth.method = secrets::VaultAuth::Method::kTokenFile;
    connection.auth.token_file = settings_.auth->token_file;
    AURITE_ASSIGN_OR_RETURN(connection.auth.token,
                            secrets::ReadVaultTokenFile(settings_.auth->token_file));
  } else if (settings_.auth) {
    connection.auth = std::move(*settings_.auth);
    settings_.auth.reset();
  }
  credentials::HttpRequestOptions options = options_;
  options.ca_file = connection.ca_file;
  client_ = std::make_shared<secrets::VaultClient>(std::move(connection), std::move(options));
  return client_;
}

}  // namespace aurite::host
