// Opening a PostgreSQL session: the libpq connect parameters a
// ConnectionConfig and OpenOptions make, and the connect itself.
#pragma once

#include "base/status.h"
#include "sql/connection.h"
#include "sql/libpq_library.h"

namespace aurite::sql {

// Loads libpq (kFailedPrecondition naming the package when it is missing)
// and connects with `config`'s settings, options and secrets: UTF-8 client
// encoding, application_name "aurite" and options.connect_timeout unless the
// configuration sets them. The password and secret options reach libpq from
// NUL-terminated SecretBuffer copies only. Errors are scrubbed of the
// secrets. Server notices are dropped rather than printed to stderr.
StatusOr<PgConnHandle> ConnectPostgres(const ConnectionConfig& config, const OpenOptions& options);

}  // namespace aurite::sql
