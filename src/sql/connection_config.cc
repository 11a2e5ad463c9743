// ConnectionConfig helpers: engine names, explicit copies and the masked display form.
#include "sql/connection_config.h"

#include <fmt/format.h>

#include <cctype>

namespace aurite::sql {
namespace {

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

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
  char separator = '?';
  for (const auto& [key, value] : options) {
    out += separator + PercentEncode(key) + "=" + PercentEncode(value);
    separator = '&';
  }
  return out;
}

}  // namespace aurite::sql
