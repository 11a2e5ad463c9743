// Resolving access tokens through the host (io.aurite/credentials).
#pragma once

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "mcp/server/server_session.h"

namespace aurite::servers::sql {

// True when the client of `session` (our host) offers io.aurite/credentials.
bool HostOffersCredentials(const mcp::ServerSession& session);

struct ResolvedToken {
  crypto::SecretBuffer connection_string;
  // The host's operator enabled writes for this named connection (its
  // answer carried "allow_writes": true). Never set by a tool argument.
  bool allow_writes = false;
  // The operator allowed a privileged login for this named connection (the
  // answer carried "allow_privileged_login": true). Never set by a tool argument.
  bool allow_privileged_login = false;
  // The host's id of the credential, named again when it is revoked
  // (io.aurite/credentials/revoked); empty from a host that sends none.
  std::string credential_id;
  // The host made this login for this resolve and it may run out (the answer
  // carried "login_made": true): resolve again for another connection.
  bool login_made = false;
};

// Asks the host for the database connection string behind `token`.
// Fails with kFailedPrecondition when the client offers no such capability,
// kNotFound for an unknown/expired/revoked token, kPermissionDenied when the
// host refuses this server; messages never contain the token.
StatusOr<ResolvedToken> ResolveConnectionToken(mcp::ServerSession& session,
                                               const crypto::SecretBuffer& token);

// Tells the host this server no longer uses `token`.
void ReleaseConnectionToken(mcp::ServerSession& session, const crypto::SecretBuffer& token);

}  // namespace aurite::servers::sql
