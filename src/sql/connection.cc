// OpenConnection: picks the driver for the configured engine.
#include "sql/connection.h"

#include "sql/database_role.h"
#include "sql/mariadb_connection.h"
#include "sql/postgres_connection.h"
#include "sql/privileged_login.h"
#include "sql/sqlite_connection.h"

namespace aurite::sql {

namespace {

StatusOr<std::unique_ptr<Connection>> OpenDriver(const ConnectionConfig& config,
                                                 const OpenOptions& options) {
  switch (config.engine) {
    case Engine::kSqlite:
      return OpenSqlite(config, options);
    case Engine::kPostgres:
      return OpenPostgres(config, options);
    case Engine::kMariaDb:
      return OpenMariaDb(config, options);
  }
  return InvalidArgumentError("unknown database engine");
}

}  // namespace

StatusOr<QueryResult> Connection::ExecuteAsRole(std::string_view, const std::vector<Param>&,
                                                const QueryLimits&, std::string_view role) {
  AURITE_RETURN_IF_ERROR(QuotedRole(engine(), role).status());
  return UnimplementedError(std::string(EngineName(engine())) + ": roles are not supported");
}

StatusOr<std::unique_ptr<Connection>> OpenConnection(const ConnectionConfig& config,
                                                     const OpenOptions& options) {
  AURITE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, OpenDriver(config, options));
  return CheckPrivilegedLogin(std::move(connection), config, options);
}

}  // namespace aurite::sql
