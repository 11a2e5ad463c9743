// `connections.<name>.credentials` in aurite.json: how the host makes the
// login of a named connection (credentials/credentials_config.h has the
// modes and what each setting means).
//
//   "credentials": {"mode": "dynamic", "admin": "postgresql://admin:${env:PW}@db/orders",
//                   "grant_roles": ["app_readonly"], "default_ttl": "15m", "max_ttl": "8h"}
#pragma once

#include <string>

#include "base/status.h"
#include "credentials/credentials_config.h"
#include "crypto/secret_buffer.h"
#include "host/config_fields.h"
#include "host/secret_reference.h"

namespace aurite::host {

// Reads the block at `field` for a connection of `storage_type` whose
// connection string is `connection_string`. Unknown keys, and keys of
// another mode, are errors; so are a SQLite connection (it has no users)
// and a connection string that already names a user or password (the host
// fills those in). Durations are above zero; max_ttl is at least
// default_ttl. The admin connection string accepts secret references and
// is kept only in a SecretBuffer. Errors name the key, never a value.
StatusOr<credentials::CredentialsConfig> ParseCredentialsBlock(
    const config_json::Field& field, const std::string& storage_type,
    const crypto::SecretBuffer& connection_string, const ReferenceSources& sources);

}  // namespace aurite::host
