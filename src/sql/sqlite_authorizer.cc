// SQLite authorizer: reads and read-only pragmas only, unless writes are
// enabled; never the functions, statements and pragma settings below.
#include "sql/sqlite_authorizer.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <strings.h>

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

struct Denied {
  const char* name;
  const char* because;
};

// Functions no query may call. Debian builds SQLite with
// SQLITE_ENABLE_FTS3_TOKENIZER, which turns on fts3_tokenizer's two-argument
// form for good (SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER cannot turn it off).
constexpr Denied kDeniedFunctions[] = {
    {"load_extension", "it loads native code into the server process"},
    {"fts3_tokenizer",
     "it returns the address of a tokenizer in the server's memory and installs one from an "
     "address the query supplies, which lets a query run arbitrary code"},
    {"fts5", "it hands out a pointer to the FTS5 C API, which only C code can use"},
    {"rtreenode",
     "it is an R*Tree debugging function that decodes raw node bytes the query supplies"},
    {"rtreedepth",
     "it is an R*Tree debugging function that decodes raw node bytes the query supplies"},
    {"sqlite_log", "it writes to the server process's error log"},
};

// Pragmas no query may set (reading them is allowed where reading is).
constexpr Denied kDeniedSettings[] = {
    {"trusted_schema",
     "it would let the database file's own views and triggers call functions with side effects"},
    {"writable_schema", "it lets a query rewrite the schema table and corrupt the database"},
    {"schema_version", "changing it corrupts the database"},
    {"hard_heap_limit", "it changes a memory limit shared by every connection of the process"},
    {"soft_heap_limit", "it changes a memory limit shared by every connection of the process"},
    {"cache_size", "it would let the page cache outgrow the server's memory bounds"},
    {"mmap_size", "it maps the database file into the server's memory"},
    {"threads", "it starts helper threads beyond the server's bounds"},
    {"temp_store_directory", "it changes where the whole process writes temporary files"},
    {"data_store_directory", "it changes where the whole process looks for database files"},
    {"locking_mode",
     "EXCLUSIVE would lock other programs out of the file for as long as the "
     "pooled connection lives"},
    {"busy_timeout", "it would let a statement wait for locks beyond the statement timeout"},
};

constexpr Denied kAttach = {
    "ATTACH, DETACH and VACUUM",
    "a connection reaches only its own database file (VACUUM attaches the copy it builds)"};

bool Contains(std::span<const std::string_view> list, const char* name) {
  if (name == nullptr) return false;
  for (std::string_view item : list) {
    if (item == name) return true;
  }
  return false;
}

const Denied* Find(std::span<const Denied> list, const char* name) {
  if (name == nullptr) return nullptr;
  for (const Denied& item : list) {
    if (::strcasecmp(item.name, name) == 0) return &item;
  }
  return nullptr;
}

bool PragmaIsReadOnly(const char* name, const char* argument) {
  if (Contains(kReportingPragmas, name)) return true;
  return argument == nullptr && Contains(kSettingPragmas, name);
}

int Deny(SqliteAuthorizerMode& mode, const char* what, const char* because) {
  mode.denied = what;
  mode.denied_because = because;
  return SQLITE_DENY;
}

// What no connection may do; nullptr when the action is not one of those.
const Denied* NeverAllowed(int action, const char* arg1, const char* arg2) {
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return &kAttach;
    case SQLITE_FUNCTION:
      return Find(kDeniedFunctions, arg2);
    case SQLITE_PRAGMA:
      return arg2 != nullptr ? Find(kDeniedSettings, arg1) : nullptr;
    default:
      return nullptr;
  }
}

int AuthorizeReadOnly(int action, const char* arg1, const char* arg2) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
    case SQLITE_FUNCTION:
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      return PragmaIsReadOnly(arg1, arg2) ? SQLITE_OK : SQLITE_DENY;
    default:
      // Writes, DDL, transactions (a BEGIN would outlive the call)...
      return SQLITE_DENY;
  }
}

}  // namespace

int SqliteAuthorize(void* mode, int action, const char* arg1, const char* arg2,
                    const char* /*database*/, const char* /*trigger*/) {
  auto* flags = static_cast<SqliteAuthorizerMode*>(mode);
  if (const Denied* denied = NeverAllowed(action, arg1, arg2)) {
    return Deny(*flags, denied->name, denied->because);
  }
  if (flags->allow_writes || flags->catalogue) return SQLITE_OK;
  return AuthorizeReadOnly(action, arg1, arg2);
}

std::optional<std::string> SqliteDenialMessage(const SqliteAuthorizerMode& mode) {
  if (mode.denied == nullptr) return std::nullopt;
  std::string_view what = mode.denied;
  std::string subject;
  if (what == kAttach.name) {
    subject = what;
  } else if (Find(kDeniedFunctions, mode.denied) != nullptr) {
    subject = fmt::format("the function {}()", what);
  } else {
    subject = fmt::format("setting PRAGMA {}", what);
  }
  return fmt::format(
      "SQLite: {} is not allowed on any connection, read-only or not: {}. Rewrite the query "
      "without it.",
      subject, mode.denied_because);
}

}  // namespace aurite::sql
