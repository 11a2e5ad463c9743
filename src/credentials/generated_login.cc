// Dynamic user names, passwords and login connection strings.
#include "credentials/generated_login.h"

#include <fmt/format.h>

#include <array>

#include "base/text.h"
#include "credentials/sql_quoting.h"
#include "crypto/random.h"
#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

constexpr std::string_view kNameAlphabet = "abcdefghijklmnopqrstuvwxyz234567";  // 32: 5 bits
constexpr std::string_view kPasswordAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// The connection name as it stands in a user name.
std::string Reduced(std::string_view connection_name) {
  std::string reduced;
  for (char c : connection_name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (kept) {
      reduced += c;
    } else if (!reduced.empty() && reduced.back() != '_') {
      reduced += '_';
    }
  }
  while (!reduced.empty() && reduced.back() == '_') reduced.pop_back();
  return reduced;
}

// Appends the libpq keyword form `key='value'` (backslash and quote escaped).
void AppendLibpqKeyword(std::string_view key, std::string_view value, crypto::SecretBuffer& out) {
  out.Append(" ");
  out.Append(key);
  out.Append("='");
  for (char c : value) {
    if (c == '\\' || c == '\'') out.Append("\\");
    out.Append(std::string_view(&c, 1));
  }
  out.Append("'");
}

// The login string read back names exactly `user` and `password`: a check
// that no part of the base string was taken for a user or password.
Status CheckReadsBack(const crypto::SecretBuffer& login, std::string_view user,
                      const crypto::SecretBuffer& password) {
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(login.Reveal());
  if (parsed.ok() && parsed->user == user && parsed->password.Equals(password)) return OkStatus();
  return InvalidArgumentError(
      "the connection string of a connection with credentials does not take a generated login "
      "(does it hold an '@' or a user or password option?)");
}

}  // namespace

std::size_t MaxUserNameLength(sql::Engine engine) {
  switch (engine) {
    case sql::Engine::kPostgres:
      return 63;
    case sql::Engine::kMariaDb:
      return 80;
    case sql::Engine::kSqlite:
      return 0;
  }
  return 0;
}

StatusOr<std::string> NewDynamicUserName(sql::Engine engine, std::string_view connection_name) {
  AURITE_RETURN_IF_ERROR(CheckEngineHasUsers(engine));
  std::string reduced = Reduced(connection_name);
  const std::size_t fixed = kDynamicUserPrefix.size() + 1 + kUserNameRandomChars;
  reduced.resize(std::min(reduced.size(), MaxUserNameLength(engine) - fixed));
  std::string name(kDynamicUserPrefix);
  if (!reduced.empty()) name += reduced + "_";
  std::array<unsigned char, kUserNameRandomChars> random;
  crypto::FillRandom(random);
  for (unsigned char byte : random) name += kNameAlphabet[byte % kNameAlphabet.size()];
  return name;
}

crypto::SecretBuffer NewPassword() {
  // Bytes of 248 or more are drawn again, so every character is equally
  // likely (248 = 4 * 62).
  constexpr unsigned kLimit = 256 - 256 % kPasswordAlphabet.size();
  crypto::SecretBuffer password;
  crypto::SecretBuffer random(kPasswordChars * 2);
  while (password.size() < kPasswordChars) {
    crypto::FillRandom(random.mutable_bytes());
    for (unsigned char byte : random.bytes()) {
      if (byte >= kLimit || password.size() == kPasswordChars) continue;
      password.Append(kPasswordAlphabet.substr(byte % kPasswordAlphabet.size(), 1));
    }
  }
  return password;
}

StatusOr<crypto::SecretBuffer> LoginConnectionString(std::string_view base, std::string_view user,
                                                     const crypto::SecretBuffer& password) {
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(base);
  if (!parsed.ok()) {
    return InvalidArgumentError("the connection string of a connection with credentials: " +
                                parsed.status().message());
  }
  AURITE_RETURN_IF_ERROR(CheckEngineHasUsers(parsed->engine));
  if (!parsed->user.empty() || !parsed->password.empty()) {
    return InvalidArgumentError(
        "the connection string of a connection with credentials must not name a user or "
        "password: Aurite fills them in");
  }
  crypto::SecretBuffer login;
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string_view::npos) {
    // libpq keyword/value form: later keywords win, and none named a user.
    login.Append(base);
    AppendLibpqKeyword("user", user, login);
    AppendLibpqKeyword("password", password.Reveal(), login);
  } else {
    auto append = [&login](std::string_view piece) { login.Append(piece); };
    login.Append(base.substr(0, scheme_end + 3));
    PercentEncodeTo(user, append);
    login.Append(":");
    PercentEncodeTo(password.Reveal(), append);
    login.Append("@");
    login.Append(base.substr(scheme_end + 3));
  }
  AURITE_RETURN_IF_ERROR(CheckReadsBack(login, user, password));
  return login;
}

}  // namespace aurite::credentials
