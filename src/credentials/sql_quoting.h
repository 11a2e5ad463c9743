// Quoting of identifiers and string literals for the statements the
// credentials layer sends through an admin session (CREATE ROLE, templates),
// so a user name or password is always one token, never SQL text.
//
// Why our own quoting and not the client libraries': libpq's
// PQescapeIdentifier/PQescapeLiteral and MariaDB's mysql_real_escape_string
// need the driver's connection handle, which sql::Connection keeps to
// itself. The rules below are the libraries' own and are correct for the
// session settings DatabaseAdmin checks when it opens the session:
//  - PostgreSQL identifier: "…" with every " doubled (what
//    PQescapeIdentifier does). Literal: '…' with every ' doubled and, when
//    the value has a backslash, the E'…' form with every backslash doubled
//    (what PQescapeLiteral does): right whatever standard_conforming_strings
//    says. Requires client_encoding UTF8.
//  - MariaDB identifier: `…` with every ` doubled (backticks quote
//    identifiers in every sql_mode, ANSI_QUOTES or not). Literal: '…' with
//    every ' doubled and, unless sql_mode has NO_BACKSLASH_ESCAPES, every
//    backslash doubled (what mysql_real_escape_string does for these two
//    bytes). Requires a UTF-8 character_set_client.
// In UTF-8 no byte of a multi-byte character is below 0x80, so doubling the
// ASCII quote and backslash bytes of valid UTF-8 cannot be undone by a
// character set that reads a quote or backslash as part of a character
// (GBK, SJIS): that is why values must be valid UTF-8 and the session's
// encoding UTF-8. NUL bytes are refused: no engine keeps them in a name or
// password.
#pragma once

#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "sql/connection_config.h"

namespace aurite::credentials {

// How the admin session's settings ask values to be quoted.
struct SqlQuoting {
  sql::Engine engine = sql::Engine::kPostgres;
  // MariaDB: false when the session's sql_mode has NO_BACKSLASH_ESCAPES.
  // PostgreSQL ignores it (the E'' form does not depend on settings).
  bool backslash_escapes = true;
};

// OK for the engines that have database users; kFailedPrecondition for
// SQLite, with a message saying so.
Status CheckEngineHasUsers(sql::Engine engine);

// Appends `name` to `out` as one quoted identifier of the engine.
// kInvalidArgument when `name` is empty, holds a NUL byte or is not UTF-8;
// kFailedPrecondition for SQLite, which has no users. `what` names the value
// in the message (e.g. "the user name"); the value itself never appears.
Status AppendQuotedIdentifier(const SqlQuoting& quoting, std::string_view name,
                              std::string_view what, crypto::SecretBuffer& out);

// Appends `value` to `out` as one string literal of the engine. The same
// errors as AppendQuotedIdentifier, except that an empty value is allowed.
Status AppendQuotedLiteral(const SqlQuoting& quoting, std::string_view value, std::string_view what,
                           crypto::SecretBuffer& out);

}  // namespace aurite::credentials
