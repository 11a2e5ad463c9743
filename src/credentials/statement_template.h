// Statement templates: operator-written SQL with {{name}}, {{password}} and
// {{expiration}}, expanded into a statement whose values are quoted tokens
// of the engine (sql_quoting.h), never spliced text.
//
// Rules, checked on every expansion:
//  - {{name}} becomes a quoted identifier, {{password}} and {{expiration}}
//    quoted string literals. Write them bare: `CREATE ROLE {{name}}`, not
//    `"{{name}}"` as Vault's templates do (Vault splices raw text).
//  - Any other {{…}}, an unclosed {{, and a placeholder the statement's
//    kind has no value for (e.g. {{password}} in a revocation statement)
//    are errors.
//  - A placeholder inside quotes ('…', "…", `…`, PostgreSQL $tag$…$tag$) or
//    a comment is an error: there the quoted value would be text inside
//    text, and a quote in it could end the outer string.
// The expansion holds the password, so it is built in a SecretBuffer.
// Error messages name the placeholder but never a value.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "credentials/sql_quoting.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

// The values one kind of statement may use. A placeholder whose value is
// absent is an error naming `kind`.
struct TemplateValues {
  std::string_view kind;  // "creation", "renewal", "revocation", "rotation"
  std::optional<std::string_view> name;
  // In the form the engine's statements take: on PostgreSQL the SCRAM
  // verifier (database_admin.h says why), on MariaDB the password.
  const crypto::SecretBuffer* password = nullptr;
  std::optional<std::string_view> expiration;
};

// `statement` with each placeholder replaced by its quoted value.
// kInvalidArgument on a broken template (see the rules above) or a value
// that cannot be quoted; kFailedPrecondition for SQLite.
StatusOr<crypto::SecretBuffer> ExpandStatement(std::string_view statement,
                                               const SqlQuoting& quoting,
                                               const TemplateValues& values);

}  // namespace aurite::credentials
