// ConnectionConfig helpers: engine names, option placement, explicit copies,
// the masked display form and scrubbing secrets from error text.
#include "sql/connection_config.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "base/text.h"
#include "crypto/secret_keys.h"
#include "sql/error_text.h"

namespace aurite::sql {

std::string_view EngineName(Engine engine) {
  switch (engine) {
    case Engine::kSqlite:
      return "sqlite";
    case Engine::kPostgres:
      return "postgresql";
    case Engine::kMariaDb:
      return "mariadb";
  }
  return "unknown";
}

void ConnectionConfig::SetOption(const std::string& key, std::string& value) {
  if (crypto::IsSecretKeyName(key)) {
    options.erase(key);
    secret_options[key] = crypto::SecretBuffer::TakeFrom(value);
    return;
  }
  secret_options.erase(key);
  options[key] = value;
  OPENSSL_cleanse(value.data(), value.size());
  value.clear();
}

ConnectionConfig ConnectionConfig::Clone() const {
  ConnectionConfig copy;
  copy.engine = engine;
  copy.host = host;
  copy.port = port;
  copy.user = user;
  copy.password = password.Clone();
  copy.database = database;
  copy.path = path;
  copy.options = options;
  for (const auto& [key, value] : secret_options) copy.secret_options[key] = value.Clone();
  return copy;
}

std::string ConnectionConfig::Masked() const {
  if (engine == Engine::kSqlite) {
    return path == ":memory:" ? "sqlite::memory:" : "sqlite:///" + path;
  }
  std::string out(EngineName(engine));
  out += "://";
  if (!user.empty() || !password.empty()) {
    out += PercentEncode(user);
    if (!password.empty()) out += ":****";
    out += "@";
  }
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port) out += fmt::format(":{}", *port);
  if (!database.empty()) out += "/" + PercentEncode(database);
  // Both maps, in one key order.
  std::map<std::string_view, std::string> shown;
  for (const auto& [key, value] : options) shown[key] = PercentEncode(value);
  for (const auto& [key, value] : secret_options) shown[key] = "****";
  char separator = '?';
  for (const auto& [key, value] : shown) {
    out += separator + PercentEncode(key) + "=" + value;
    separator = '&';
  }
  return out;
}

std::string ConnectionConfig::ScrubSecrets(std::string message) const {
  message = ScrubSecret(std::move(message), password.Reveal());
  for (const auto& [key, value] : secret_options) {
    message = ScrubSecret(std::move(message), value.Reveal());
  }
  return message;
}

crypto::SecretBuffer NulTerminated(const crypto::SecretBuffer& secret) {
  crypto::SecretBuffer copy = secret.Clone();
  copy.Append(std::string_view("\0", 1));
  return copy;
}

}  // namespace aurite::sql
