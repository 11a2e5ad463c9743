// io.aurite/credentials: the private protocol by which a backend server asks
// its host to turn an access token into the secret it stands for.
//
// The host advertises capabilities.experimental["io.aurite/credentials"] =
// {"version": 1} in initialize. A server sends, on that same session:
//   request  io.aurite/credentials/resolve {token, credential_type}
//            -> {secret, expires_at (Unix seconds or null), credential_id,
//                login_made (optional: true when the host made the login
//                for this answer; it may run out, so a server resolves
//                again for each new physical connection)}
//   notification io.aurite/credentials/release {token}
// and the host tells its servers, when a credential is revoked (by anyone,
// in any process sharing the store):
//   notification io.aurite/credentials/revoked {credential_id}
// upon which a server closes every connection it opened with it.
// Failures are JSON-RPC errors with one of the two codes below; their
// messages never echo the token. Shared by the host (answering) and the
// servers (asking), so both sides spell the protocol the same way.
#pragma once

namespace aurite::servers {

inline constexpr const char* kCredentialsCapability = "io.aurite/credentials";
inline constexpr int kCredentialsProtocolVersion = 1;
inline constexpr const char* kResolveMethod = "io.aurite/credentials/resolve";
inline constexpr const char* kReleaseMethod = "io.aurite/credentials/release";
inline constexpr const char* kRevokedMethod = "io.aurite/credentials/revoked";
inline constexpr const char* kDatabaseConnectionType = "database_connection";

// Unknown, expired, revoked or used-up token: one code, so tokens cannot be probed.
inline constexpr int kUnknownTokenError = -32010;
// What a client is told about such a token (and about another client's
// token), by the server and by the host alike.
inline constexpr const char* kUnknownTokenMessage =
    "the host does not know this token, or it expired or was revoked";
// The token is valid but this server may not resolve it.
inline constexpr int kPermissionDeniedError = -32011;

}  // namespace aurite::servers
