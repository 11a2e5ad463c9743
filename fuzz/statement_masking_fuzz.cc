// Fuzzes the audit log's literal-masking lexer (src/security/statement_masking)
// on statements made from the input, per dialect: keywords, placeholders
// and quoted identifiers mixed with string literals of every quoting form
// (standard '' with '' escapes and lone backslashes, E'' with backslash
// escapes, dollar quotes with and without a tag, MariaDB '' and "" with
// backslash escapes), numbers, and comments (--, /* */ nested on
// PostgreSQL, # on MariaDB), each piece separated by a space; and, for an
// unknown engine, pieces of either kind masked with the union of the rules.
//
// Properties: the literal and comment contents use the canary 'Z' and
// numbers the digits 7, 8 and 9, which nothing else uses, so no 'Z', '7',
// '8' or '9' survives masking; quoted identifiers are kept as written (for
// a known engine); on the raw input, masking never grows the text, and
// the role-switch guard (role_switch_guard.h) neither crashes nor lets a
// SET statement pass.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "security/role_switch_guard.h"
#include "security/statement_masking.h"

namespace {

using aurite::fuzz::Check;
using aurite::security::MaskSqlLiterals;
using aurite::security::SqlDialect;

template <std::size_t N>
std::string Pick(FuzzedDataProvider& provider, const std::array<const char*, N>& choices) {
  return choices[provider.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

template <std::size_t N>
std::string Content(FuzzedDataProvider& provider, const std::array<const char*, N>& pieces) {
  std::string out;
  const int count = provider.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < count; ++i) out += Pick(provider, pieces);
  return out;
}

struct Generated {
  std::string sql;
  std::vector<std::string> identifiers;  // the quoted identifiers, in order
};

// One piece written as `dialect` reads it; masked as `masked_as`, which is
// the same dialect or kUnknown (then "…" identifiers are masked too).
void AddPiece(FuzzedDataProvider& provider, SqlDialect dialect, SqlDialect masked_as,
              Generated& out) {
  const bool mariadb = dialect == SqlDialect::kMariaDb;
  std::string& sql = out.sql;
  switch (provider.ConsumeIntegralInRange(0, 9)) {
    case 0:
      sql += Pick(provider, std::array{"SELECT", "FROM t1", "WHERE x =", ",", "(", ")", "+", "$1",
                                       "?", ":name", "e", "E", "U&", "x$y", "*", "/"});
      break;
    case 1:  // a plain string: backslashes are escapes on MariaDB only
      sql += "'" +
             Content(provider, mariadb ? std::array{"Z", "a", "''", "\\'", "\\\\", "\"", "$", "\n"}
                                       : std::array{"Z", "a", "''", "\\", "\"", "$", "-", "\n"}) +
             "'";
      break;
    case 2:  // E'' (PostgreSQL) / another plain string
      sql += "E'" + Content(provider, std::array{"Z", "\\'", "\\\\", "''", "a", "$", "\""}) + "'";
      break;
    case 3: {
      if (mariadb) {
        sql += "\"" + Content(provider, std::array{"Z", "\\\"", "\"\"", "'", "\\\\", "a"}) + "\"";
        break;
      }
      const std::string tag = "$" + Pick(provider, std::array{"", "q", "tag_1"}) + "$";
      sql +=
          tag + Content(provider, std::array{"Z", "'", "\"", "$x", "\\", "-- ", "/*", "a"}) + tag;
      break;
    }
    case 4:
      sql += Pick(provider, std::array{"7", "8.9", ".7", "7e-8", "9E+7", "0x9F", "07", "8."});
      break;
    case 5:
      sql += "-- " + Content(provider, std::array{"Z", "'", "\"", "$", "/*", "a"}) + "\n";
      break;
    case 6: {
      std::string comment =
          "/*" + Content(provider, std::array{"Z", "'", "\"", "$", "--", "a", "*"}) + "*/";
      if (!mariadb && provider.ConsumeBool()) comment = "/* Z " + comment + " Z */";
      sql += comment;
      break;
    }
    case 7:
      if (mariadb) {
        sql += "# " + Content(provider, std::array{"Z", "'", "a"}) + "\n";
      } else {
        sql += "'Z'";
      }
      break;
    default: {
      const char quote = mariadb ? '`' : '"';
      std::string name(1, quote);
      name += Content(provider, mariadb ? std::array{"a", "``", "_", "1", "'", "\""}
                                        : std::array{"a", "\"\"", "_", "1", "'", "`"});
      name += quote;
      sql += name;
      // Unknown: a backslash in an earlier string masks the rest, so
      // which identifiers survive is not checked.
      if (masked_as != SqlDialect::kUnknown) out.identifiers.push_back(name);
      break;
    }
  }
  sql += ' ';
}

bool HasCanary(const std::string& text) { return text.find_first_of("Z789") != std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  for (SqlDialect dialect : {SqlDialect::kStandard, SqlDialect::kMariaDb, SqlDialect::kUnknown}) {
    Check(MaskSqlLiterals(raw, dialect).size() <= raw.size(), "masking never grows the text");
    (void)aurite::security::RoleSwitchIn(raw, dialect);
    Check(aurite::security::RoleSwitchIn("SET " + raw, dialect).has_value(),
          "a SET statement never passes the role-switch guard");
  }
  FuzzedDataProvider provider(data, size);
  const auto dialect = provider.PickValueInArray(
      {SqlDialect::kStandard, SqlDialect::kMariaDb, SqlDialect::kUnknown});
  Generated generated;
  const int pieces = provider.ConsumeIntegralInRange(1, 24);
  for (int i = 0; i < pieces; ++i) {
    // Unknown: each piece in either engine's quoting.
    SqlDialect piece = dialect;
    if (dialect == SqlDialect::kUnknown) {
      piece = provider.ConsumeBool() ? SqlDialect::kMariaDb : SqlDialect::kStandard;
    }
    AddPiece(provider, piece, dialect, generated);
  }
  const std::string masked = MaskSqlLiterals(generated.sql, dialect);
  aurite::fuzz::Explain("statement", generated.sql);
  aurite::fuzz::Explain("masked", masked);
  Check(!HasCanary(masked), "no literal or comment character survives masking");
  // Each quoted identifier appears in the masked text, in order.
  std::size_t from = 0;
  for (const std::string& name : generated.identifiers) {
    from = masked.find(name, from);
    Check(from != std::string::npos, "quoted identifiers are kept as written");
    from += name.size();
  }
  return 0;
}
