// Checking and quoting the database role of a call.
#include "sql/database_role.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace aurite::sql {
namespace {

constexpr std::size_t kMaxRoleBytes = 63;

// Role names that an engine reads as something other than a role.
constexpr std::array<std::string_view, 5> kReservedRoles = {"none", "public", "current_user",
                                                            "current_role", "session_user"};

bool IsPlainIdentifier(std::string_view name) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  return !name.empty() && name.size() <= kMaxRoleBytes &&
         !std::isdigit(static_cast<unsigned char>(name.front())) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return static_cast<unsigned char>(c) < 0x80 && word(c); });
}

bool IsReserved(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kReservedRoles.begin(), kReservedRoles.end(), lower) != kReservedRoles.end();
}

std::string Quote(std::string_view name, char quote) {
  std::string out(1, quote);
  for (char c : name) {
    out += c;
    if (c == quote) out += quote;
  }
  return out + quote;
}

}  // namespace

StatusOr<std::string> QuotedRole(Engine engine, std::string_view role) {
  if (engine == Engine::kSqlite) {
    return InvalidArgumentError(
        "SQLite has no roles: a database role cannot be given for a SQLite connection (leave out "
        "'role', or drop db_role from the policy for this connection)");
  }
  if (!IsPlainIdentifier(role)) {
    // The name is shown only when it is printable and short: a role name
    // is not secret, but the error must stay readable.
    const bool printable =
        role.size() <= 2 * kMaxRoleBytes &&
        std::all_of(role.begin(), role.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    return InvalidArgumentError(
        fmt::format("the database role {} is not a plain identifier: use ASCII letters, digits and "
                    "underscores, not starting with a digit, at most {} characters",
                    printable ? fmt::format("'{}'", role) : std::string("given"), kMaxRoleBytes));
  }
  if (IsReserved(role)) {
    return InvalidArgumentError(fmt::format(
        "the database role '{}' is a reserved word, not a role: name a role created with CREATE "
        "ROLE and granted to the connection's login",
        role));
  }
  return Quote(role, engine == Engine::kPostgres ? '"' : '`');
}

}  // namespace aurite::sql
