// PostgreSQL SCRAM-SHA-256 password verifiers (RFC 5802, RFC 7677), in the
// form CREATE ROLE … PASSWORD and ALTER ROLE … PASSWORD accept in place of
// a password: "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>".
//
// Why: a statement that carries the plaintext password can reach the
// server's log (log_statement = 'ddl' or 'all', a failed statement logged
// with log_min_error_statement, pg_stat_statements, pg_stat_activity).
// With the verifier, the server never sees the plaintext, the same as
// psql's \password does (libpq PQencryptPasswordConn). libpq's function
// needs the driver's PGconn, which sql::Connection does not expose, so the
// verifier is computed here with OpenSSL (PBKDF2-HMAC-SHA256, HMAC-SHA256,
// SHA-256), the way libpq's own scram_build_secret does.
#pragma once

#include <span>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

// libpq's and the server's default (scram_iterations).
inline constexpr int kScramIterations = 4096;
inline constexpr std::size_t kScramSaltBytes = 16;

// The verifier of `password` with a random salt.
StatusOr<crypto::SecretBuffer> ScramSha256Verifier(const crypto::SecretBuffer& password);

// The verifier with a given salt and iteration count (tests compare it with
// an independent implementation). kInvalidArgument when `password` is not
// printable ASCII: PostgreSQL runs SASLprep on other passwords first, which
// is not done here, so they are refused rather than hashed differently.
StatusOr<crypto::SecretBuffer> ScramSha256Verifier(const crypto::SecretBuffer& password,
                                                   std::span<const unsigned char> salt,
                                                   int iterations);

}  // namespace aurite::credentials
