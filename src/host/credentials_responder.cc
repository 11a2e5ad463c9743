// Answering io.aurite/credentials from the SecurityManager.
#include "host/credentials_responder.h"

#include "servers/credentials_protocol.h"

namespace aurite::host {
namespace {

using servers::kPermissionDeniedError;
using servers::kUnknownTokenError;

mcp::RpcResult Resolve(security::SecurityManager& manager, const std::string& server_id,
                       const ResolvePolicy& policy, HostMetrics* metrics, const mcp::Json& params) {
  if (!params.is_object() || !params.contains("token") || !params["token"].is_string()) {
    return mcp::MakeError(mcp::error_code::kInvalidParams,
                          "io.aurite/credentials/resolve needs params.token (a string)");
  }
  std::string type = params.value("credential_type", servers::kDatabaseConnectionType);
  const std::string& token = params["token"].get_ref<const std::string&>();
  StatusOr<security::ResolvedSecret> resolved = manager.Resolve(token, server_id, type);
  if (!resolved.ok()) {
    const StatusCode code = resolved.status().code();
    if (metrics != nullptr) {
      if (code == StatusCode::kPermissionDenied || code == StatusCode::kUnauthenticated) {
        metrics->CountDenial(HostMetrics::Denial::kResolveDenied);
      } else {
        metrics->CountError(HostMetrics::Error::kResolveFailed);
      }
    }
    if (code == StatusCode::kPermissionDenied) {
      return mcp::MakeError(kPermissionDeniedError,
                            "permission denied: this server may not resolve this token");
    }
    if (code == StatusCode::kUnauthenticated) {
      return mcp::MakeError(kUnknownTokenError, "unknown, expired or revoked token");
    }
    // The host's own trouble (its store or audit log cannot be written):
    // said as it is, so a live token is not taken for a dead one. The
    // message names files, never the token or its secret.
    return mcp::MakeError(mcp::error_code::kInternalError, resolved.status().message());
  }
  bool login_made = false;
  if (policy.login) {
    if (std::optional<StatusOr<crypto::SecretBuffer>> made = policy.login(token)) {
      if (!made->ok()) {
        if (metrics != nullptr) metrics->CountError(HostMetrics::Error::kResolveFailed);
        return mcp::MakeError(
            mcp::error_code::kInternalError,
            "the host could not make the login of this connection: " + made->status().message());
      }
      resolved->secret = std::move(**made);
      login_made = true;
    }
  }
  mcp::Json answer = {{"secret", std::string(resolved->secret.Reveal())},
                      {"expires_at", nullptr},
                      {"credential_id", resolved->credential_id}};
  if (resolved->expires_at) answer["expires_at"] = *resolved->expires_at;
  if (login_made) answer["login_made"] = true;
  if (policy.writes_allowed && policy.writes_allowed(token)) answer["allow_writes"] = true;
  if (policy.privileged_login_allowed && policy.privileged_login_allowed(token)) {
    answer["allow_privileged_login"] = true;
  }
  return answer;
}

}  // namespace

mcp::Json HostClientCapabilities() {
  return {
      {"experimental",
       {{servers::kCredentialsCapability, {{"version", servers::kCredentialsProtocolVersion}}}}}};
}

void InstallCredentialsHandlers(mcp::McpClient& client, security::SecurityManager& manager,
                                std::string server_id, ReleaseHandler on_release,
                                ResolvePolicy policy, HostMetrics* metrics) {
  client.SetRequestHandler(servers::kResolveMethod,
                           [&manager, server_id, policy = std::move(policy), metrics](
                               const mcp::Json& params, mcp::RequestContext&) {
                             return Resolve(manager, server_id, policy, metrics, params);
                           });
  client.SetNotificationHandler(
      servers::kReleaseMethod,
      [server_id, on_release = std::move(on_release)](const mcp::Json& params) {
        if (params.is_object() && params.contains("token") && params["token"].is_string()) {
          on_release(server_id, params["token"].get_ref<const std::string&>());
        }
      });
}

}  // namespace aurite::host
