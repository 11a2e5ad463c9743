// SQLite authorizer: reads and read-only pragmas only, unless writes are enabled.
#include "sql/sqlite_authorizer.h"

#include <sqlite3.h>

#include <span>
#include <string_view>

namespace aurite::sql {
namespace {

// Pragmas that only report; those taking an argument take a table, index or
// schema name to report on, never a new setting.
constexpr std::string_view kReportingPragmas[] = {
    "table_info",    "table_xinfo",     "table_list",       "index_list",
    "index_info",    "index_xinfo",     "foreign_key_list", "foreign_key_check",
    "database_list", "collation_list",  "function_list",    "module_list",
    "pragma_list",   "compile_options", "integrity_check",  "quick_check"};

// Pragmas that report a setting when given no argument and change it otherwise.
constexpr std::string_view kSettingPragmas[] = {
    "user_version", "schema_version", "application_id", "encoding",      "page_size",
    "page_count",   "freelist_count", "foreign_keys",   "query_only",    "journal_mode",
    "auto_vacuum",  "cache_size",     "data_version",   "max_page_count"};

bool Contains(std::span<const std::string_view> list, const char* name) {
  if (name == nullptr) return false;
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

bool PragmaIsReadOnly(const char* name, const char* argument) {
  if (Contains(kReportingPragmas, name)) return true;
  return argument == nullptr && Contains(kSettingPragmas, name);
}

bool FunctionIsAllowed(const char* name) {
  return name == nullptr || std::string_view(name) != "load_extension";
}

int AuthorizeReadOnly(int action, const char* arg1, const char* arg2) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      return FunctionIsAllowed(arg2) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_PRAGMA:
      return PragmaIsReadOnly(arg1, arg2) ? SQLITE_OK : SQLITE_DENY;
    default:
      // Writes, DDL, transactions (a BEGIN would outlive the call), ATTACH...
      return SQLITE_DENY;
  }
}

}  // namespace

int SqliteAuthorize(void* mode, int action, const char* arg1, const char* arg2,
                    const char* /*database*/, const char* /*trigger*/) {
  if (action == SQLITE_ATTACH || action == SQLITE_DETACH) return SQLITE_DENY;
  if (action == SQLITE_FUNCTION && !FunctionIsAllowed(arg2)) return SQLITE_DENY;
  const auto* flags = static_cast<const SqliteAuthorizerMode*>(mode);
  if (flags->allow_writes || flags->catalogue) return SQLITE_OK;
  return AuthorizeReadOnly(action, arg1, arg2);
}

}  // namespace aurite::sql
