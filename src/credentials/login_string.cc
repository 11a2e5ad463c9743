// Adding a user and password to a login-less connection string
// (login_string.h).
#include "credentials/login_string.h"

#include "base/text.h"
#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

// A libpq keyword value in single quotes, with ' and \ escaped.
void AppendQuotedKeywordValue(std::string_view value, crypto::SecretBuffer& out) {
  out.Append(std::string_view("'"));
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\'' && value[i] != '\\') continue;
    out.Append(value.substr(run, i - run));
    const char escaped[2] = {'\\', value[i]};
    out.Append(std::string_view(escaped, 2));
    run = i + 1;
  }
  out.Append(value.substr(run));
  out.Append(std::string_view("'"));
}

}  // namespace

StatusOr<crypto::SecretBuffer> WithLogin(const crypto::SecretBuffer& base, std::string_view user,
                                         const crypto::SecretBuffer& password) {
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(base.Reveal());
  if (!parsed.ok()) {
    return InvalidArgumentError("the connection string does not parse: " +
                                parsed.status().message());
  }
  if (parsed->engine == sql::Engine::kSqlite) {
    return InvalidArgumentError("SQLite has no database users to log in as");
  }
  if (!parsed->user.empty() || !parsed->password.empty()) {
    return InvalidArgumentError(
        "the connection string already names a user or password; leave them out, the host "
        "fills them in");
  }
  if (user.empty()) return InvalidArgumentError("the database user name is empty");
  const std::string_view text = base.Reveal();
  crypto::SecretBuffer login;
  const auto append = [&login](std::string_view piece) { login.Append(piece); };
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    login.Append(text);
    login.Append(std::string_view(" user="));
    AppendQuotedKeywordValue(user, login);
    login.Append(std::string_view(" password="));
    AppendQuotedKeywordValue(password.Reveal(), login);
    return login;
  }
  const std::size_t authority = scheme_end + 3;
  login.Append(text.substr(0, authority));
  PercentEncodeTo(user, append);
  login.Append(std::string_view(":"));
  PercentEncodeTo(password.Reveal(), append);
  login.Append(std::string_view("@"));
  login.Append(text.substr(authority));
  return login;
}

}  // namespace aurite::credentials
