// Opening a MariaDB/MySQL session: the client options a ConnectionConfig
// and OpenOptions make (TLS, timeouts, charset, packet size, no LOCAL
// INFILE) and the connect itself.
#pragma once

#include "base/status.h"
#include "sql/connection.h"
#include "sql/libmariadb_library.h"

namespace aurite::sql {

// Loads libmariadb (kFailedPrecondition naming the package when it is
// missing) and connects with `config`'s settings, options and secrets. The
// password and secret options reach libmariadb from NUL-terminated
// SecretBuffer copies only; errors are scrubbed of them. With ssl-mode
// REQUIRED or VERIFY_*, a session the server left unencrypted is refused.
// Used for the connection itself and for the short sessions that stop its
// statements (KILL).
StatusOr<MysqlHandle> ConnectMariaDb(const ConnectionConfig& config, const OpenOptions& options);

}  // namespace aurite::sql
