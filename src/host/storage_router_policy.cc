// The gateway's policy in the StorageRouter: who owns a connection and
// whether the caller's policy lets it use one (storage_router.h).
#include "host/policy_arguments.h"
#include "host/storage_router.h"

namespace aurite::host {

bool StorageRouter::Owns(const Route& route, const mcp::ServerSession& session) {
  if (!route.principal.empty()) {
    return route.principal == SessionPrincipalKey(session.owner().auth.get());
  }
  return route.owner == session.owner().key;
}

mcp::Json StorageRouter::Deny(const mcp::ServerSession& session, const std::string& tool,
                              const std::string& reason) {
  const mcp::AuthInfo* auth = session.owner().auth.get();
  host_.security().AuditPolicyDenial(auth != nullptr ? auth->principal : "", tool, reason);
  host_.metrics().CountDenial(HostMetrics::Denial::kPolicyDenied);
  return mcp::ToolErrorResult(reason);
}

std::optional<std::string> StorageRouter::RefuseUse(const Route& route,
                                                    const mcp::ServerSession& session,
                                                    const std::string& tool) {
  const std::shared_ptr<const mcp::AuthInfo> current = session.auth();
  const mcp::AuthInfo* auth = current.get();
  std::optional<std::string> refused = route.connection_name.empty()
                                           ? policy_.CheckStorageType(auth, route.database_type)
                                           : policy_.CheckConnection(auth, route.connection_name);
  // A connection another session of the principal opened with writes,
  // while this session's rule allows reading only.
  if (!refused && policy_.ReadOnly(auth) && !route.read_only) {
    refused = "this connection was opened with writes, and the gateway's policy lets " +
              PrincipalName(auth) + " only read here; call connect_storage for a new connection";
  }
  if (refused) (void)Deny(session, tool, *refused);
  return refused;
}

std::optional<std::string> StorageRouter::RefuseConnect(const mcp::Json& args,
                                                        const mcp::AuthInfo* auth) const {
  const mcp::Json& name = args.value("connection_name", mcp::Json());
  if (name.is_string()) return policy_.CheckConnection(auth, name.get_ref<const std::string&>());
  const mcp::Json& type = args.value("storage_type", mcp::Json());
  return policy_.CheckStorageType(auth, type.is_string() ? type.get<std::string>() : "");
}

StatusOr<mcp::Json> StorageRouter::LimitQuery(mcp::Json backend_args,
                                              const mcp::AuthInfo* auth) const {
  return ApplyPolicyToQuery(std::move(backend_args),
                            policy_.Governs(auth) ? policy_.RuleFor(auth) : nullptr, auth);
}

}  // namespace aurite::host
