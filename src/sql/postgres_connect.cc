// libpq keyword/value connect parameters and PQconnectdbParams.
#include "sql/postgres_connect.h"

#include <string>
#include <utility>
#include <vector>

namespace aurite::sql {
namespace {

// libpq keyword/value arrays; the password and secret option entries point
// into SecretBuffers that end in a NUL byte so libpq can read them in place.
struct ConnectParams {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  crypto::SecretBuffer password;
  std::vector<std::pair<std::string, crypto::SecretBuffer>> secret_options;  // NUL-terminated
};

ConnectParams BuildParams(const ConnectionConfig& config, const OpenOptions& options) {
  ConnectParams params;
  auto add = [&](std::string key, std::string value) {
    params.keys.push_back(std::move(key));
    params.values.push_back(std::move(value));
  };
  for (const auto& [key, value] : config.options) add(key, value);
  for (const auto& [key, value] : config.secret_options) {
    params.secret_options.emplace_back(key, NulTerminated(value));
  }
  if (!config.host.empty()) add("host", config.host);
  if (config.port) add("port", std::to_string(*config.port));
  if (!config.user.empty()) add("user", config.user);
  if (!config.database.empty()) add("dbname", config.database);
  if (!config.options.contains("connect_timeout")) {
    add("connect_timeout", std::to_string(options.connect_timeout.count()));
  }
  // Results are JSON, so UTF-8 unless the operator asks for raw bytes (e.g.
  // SQL_ASCII for a legacy database); text that is not UTF-8 becomes base64.
  if (!config.options.contains("client_encoding")) add("client_encoding", "UTF8");
  if (!config.options.contains("application_name")) add("application_name", "aurite");
  params.password = NulTerminated(config.password);
  return params;
}

}  // namespace

StatusOr<PgConnHandle> ConnectPostgres(const ConnectionConfig& config, const OpenOptions& options) {
  if (auto loaded = ProcessFunctionTable<LibPq>(); !loaded.ok()) {
    return FailedPreconditionError("PostgreSQL: " + loaded.status().message());
  }
  ConnectParams params = BuildParams(config, options);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (std::size_t i = 0; i < params.keys.size(); ++i) {
    keys.push_back(params.keys[i].c_str());
    values.push_back(params.values[i].c_str());
  }
  if (!config.password.empty()) {
    keys.push_back("password");
    values.push_back(reinterpret_cast<const char*>(params.password.data()));
  }
  for (const auto& [key, value] : params.secret_options) {
    keys.push_back(key.c_str());
    values.push_back(reinterpret_cast<const char*>(value.data()));
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnHandle conn(Pq().PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn) return ResourceExhaustedError("PostgreSQL: out of memory");
  if (Pq().PQstatus(conn.get()) != CONNECTION_OK) {
    return UnavailableError("PostgreSQL: could not connect: " +
                            config.ScrubSecrets(Pq().PQerrorMessage(conn.get())));
  }
  // Notices (e.g. "table does not exist, skipping") would go to stderr.
  Pq().PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

}  // namespace aurite::sql
