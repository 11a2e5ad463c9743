// The host's side of io.aurite/credentials: answering a backend server's
// resolve requests and release notifications on the session the host opened
// to it.
//
// Contract:
//  - The caller is identified by `server_id`, fixed when the handlers are
//    installed on that server's client; nothing in a request can change it.
//  - resolve answers {secret, expires_at} only when the SecurityManager
//    grants it (which audits every decision); a dead or unknown token gets
//    -32010 and a refused one -32011. When the host itself cannot grant it
//    (its store or audit log cannot be written: fail closed) the answer is
//    -32603 with the SecurityManager's message, which names the problem and
//    its file. No error message contains the token.
//  - The answer carries "allow_writes": true exactly when `writes_allowed`
//    says so for the token (the host's named connections configured with
//    allow_writes); it is absent otherwise, and never comes from the request.
//    Likewise "allow_privileged_login": true exactly when
//    `privileged_login_allowed` says so (connections.<name>.allow_privileged_login).
//  - For a token whose login the host makes when asked (a named connection
//    with a credentials block: exec, aws-rds-iam, rotate), `login` gives
//    the secret instead of the stored one, only after the SecurityManager
//    granted the resolve; when it fails the answer is -32603 with its
//    message (which never holds a secret), and nothing stale is sent.
//  - release hands the token to `on_release`, which decides what to do.
//  - With `metrics`, a refused resolve counts as a denial (resolve_denied)
//    and one the host could not grant (its store, audit log or login
//    making failed) as an error (resolve_failed).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "host/host_metrics.h"
#include "mcp/client/client.h"
#include "security/security_manager.h"

namespace aurite::host {

using ReleaseHandler = std::function<void(std::string_view server_id, std::string_view token)>;
// Whether the operator enabled writes for the connection behind `token`.
using WritePolicy = std::function<bool(std::string_view token)>;
// The login the host makes now for `token`, or nullopt when it has none
// (the stored secret is then the answer).
using LoginMaker =
    std::function<std::optional<StatusOr<crypto::SecretBuffer>>(std::string_view token)>;

// What a resolve answer carries besides the stored secret; unset members
// add nothing.
struct ResolvePolicy {
  WritePolicy writes_allowed;
  WritePolicy privileged_login_allowed;
  LoginMaker login;
};

// The capabilities the host offers its servers in initialize.
mcp::Json HostClientCapabilities();

void InstallCredentialsHandlers(mcp::McpClient& client, security::SecurityManager& manager,
                                std::string server_id, ReleaseHandler on_release,
                                ResolvePolicy policy = {}, HostMetrics* metrics = nullptr);

}  // namespace aurite::host
