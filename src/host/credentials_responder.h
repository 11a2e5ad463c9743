// The host's side of io.aurite/credentials: answering a backend server's
// resolve requests and release notifications on the session the host opened
// to it.
//
// Contract:
//  - The caller is identified by `server_id`, fixed when the handlers are
//    installed on that server's client; nothing in a request can change it.
//  - resolve answers {secret, expires_at} only when the SecurityManager
//    grants it (which audits every decision); a dead or unknown token gets
//    -32010 and a refused one -32011. No error message contains the token.
//  - The answer carries "allow_writes": true exactly when `writes_allowed`
//    says so for the token (the host's named connections configured with
//    allow_writes); it is absent otherwise, and never comes from the request.
//    Likewise "allow_privileged_login": true exactly when
//    `privileged_login_allowed` says so (connections.<name>.allow_privileged_login).
//  - release hands the token to `on_release`, which decides what to do.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "mcp/client/client.h"
#include "security/security_manager.h"

namespace aurite::host {

using ReleaseHandler = std::function<void(std::string_view server_id, std::string_view token)>;
// Whether the operator enabled writes for the connection behind `token`.
using WritePolicy = std::function<bool(std::string_view token)>;

// The capabilities the host offers its servers in initialize.
mcp::Json HostClientCapabilities();

void InstallCredentialsHandlers(mcp::McpClient& client, security::SecurityManager& manager,
                                std::string server_id, ReleaseHandler on_release);
void InstallCredentialsHandlers(mcp::McpClient& client, security::SecurityManager& manager,
                                std::string server_id, ReleaseHandler on_release,
                                WritePolicy writes_allowed,
                                WritePolicy privileged_login_allowed = {});

}  // namespace aurite::host
