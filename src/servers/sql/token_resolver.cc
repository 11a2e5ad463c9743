// The server side of io.aurite/credentials.
#include "servers/sql/token_resolver.h"

#include <openssl/crypto.h>

#include "servers/credentials_protocol.h"

namespace aurite::servers::sql {

using mcp::Json;

bool HostOffersCredentials(const mcp::ServerSession& session) {
  mcp::Json capabilities = session.client_capabilities();
  return capabilities.contains("experimental") && capabilities["experimental"].is_object() &&
         capabilities["experimental"].contains(kCredentialsCapability);
}

StatusOr<ResolvedToken> ResolveConnectionToken(mcp::ServerSession& session,
                                               const crypto::SecretBuffer& token) {
  if (!HostOffersCredentials(session)) {
    return FailedPreconditionError(
        "use_token=true needs a host that resolves access tokens (the io.aurite/credentials "
        "capability), and this client offers none; run this server under `aurite serve`, or "
        "pass a connection string with use_token=false");
  }
  mcp::RpcResult answer = session.Call(
      kResolveMethod, {{"token", token.Reveal()}, {"credential_type", kDatabaseConnectionType}});
  if (!answer.ok()) {
    if (answer.error().code == kUnknownTokenError) {
      return NotFoundError(kUnknownTokenMessage);
    }
    if (answer.error().code == kPermissionDeniedError) {
      return PermissionDeniedError("the host does not permit this server to use this token");
    }
    return UnavailableError("the host could not resolve the token: " + answer.error().message);
  }
  const mcp::Json& result = answer.value();
  if (!result.contains("secret") || !result["secret"].is_string()) {
    return InternalError("the host's answer to " + std::string(kResolveMethod) + " has no secret");
  }
  std::string secret = result["secret"].get<std::string>();
  ResolvedToken resolved;
  resolved.connection_string = crypto::SecretBuffer::TakeFrom(secret);
  resolved.allow_writes = result.value("allow_writes", Json(false)) == Json(true);
  resolved.allow_privileged_login =
      result.value("allow_privileged_login", Json(false)) == Json(true);
  resolved.login_made = result.value("login_made", Json(false)) == Json(true);
  if (result.contains("credential_id") && result["credential_id"].is_string()) {
    resolved.credential_id = result["credential_id"].get<std::string>();
  }
  return resolved;
}

void ReleaseConnectionToken(mcp::ServerSession& session, const crypto::SecretBuffer& token) {
  if (!HostOffersCredentials(session)) return;
  (void)session.Notify(kReleaseMethod, {{"token", token.Reveal()}});
}

}  // namespace aurite::servers::sql
