// Finding SQL that could switch the database role (role_switch_guard.h).
// It reads the statement after MaskSqlLiterals: strings and comments are
// gone, identifiers (quoted ones too) are kept, so what is left is code.
#include "security/role_switch_guard.h"

#include <cctype>

namespace aurite::security {
namespace {

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr const char* kWhy =
    "the statement could switch the database role, which the gateway's policy sets for you "
    "(db_role); ";

}  // namespace

std::optional<std::string> RoleSwitchIn(std::string_view statement, SqlDialect dialect) {
  const std::string code = MaskSqlLiterals(statement, dialect);
  const char quote = dialect == SqlDialect::kMariaDb ? '`' : '"';
  bool first = true;
  for (std::size_t i = 0; i < code.size();) {
    const char c = code[i];
    if (c == quote) {
      // A quoted identifier; a doubled quote inside it is one quote.
      std::string name;
      std::size_t j = i + 1;
      while (j < code.size()) {
        if (code[j] == quote) {
          if (j + 1 < code.size() && code[j + 1] == quote) {
            name += quote;
            j += 2;
            continue;
          }
          break;
        }
        name += code[j++];
      }
      if (Lower(name) == "set_config") {
        return std::string(kWhy) + "leave out set_config";
      }
      first = false;
      i = j + 1;
      continue;
    }
    if (!IsWordByte(c)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < code.size() && IsWordByte(code[j])) ++j;
    const std::string word = Lower(code.substr(i, j - i));
    if (word == "set_config") return std::string(kWhy) + "leave out set_config";
    if (word == "u" && j + 1 < code.size() && code[j] == '&' && code[j + 1] == quote) {
      return std::string(kWhy) + "write identifiers without Unicode escapes (U&\"...\")";
    }
    if (first && (word == "set" || word == "reset" || word == "do")) {
      return std::string(kWhy) + "SET, RESET and DO statements are not run under it";
    }
    first = false;
    i = j;
  }
  return std::nullopt;
}

}  // namespace aurite::security
