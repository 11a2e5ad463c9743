// The SQLite authorizer: read-only access inside the engine, and functions,
// statements and pragmas that no connection may use, whatever its mode.
#pragma once

#include <optional>
#include <string>

namespace aurite::sql {

struct SqliteAuthorizerMode {
  bool allow_writes = false;
  // Set while the driver runs its own catalogue queries (fixed text, bound
  // parameters): SQLite reports internal schema bookkeeping for pragma
  // table-valued functions as writes, which read-only mode would deny.
  bool catalogue = false;
  // What the authorizer last refused on every connection (a function,
  // ATTACH, a pragma setting) and why; static text, so that the callback,
  // which runs inside SQLite's C code, never allocates or throws. Cleared by
  // the driver before each statement is prepared.
  const char* denied = nullptr;
  const char* denied_because = nullptr;
};

// An sqlite3_set_authorizer callback; the user data is a
// SqliteAuthorizerMode* that outlives the connection. Denies, on every
// connection (writes enabled or not):
//  - functions that hand out or take native pointers, load code, or exist
//    for debugging: load_extension, fts3_tokenizer, fts5, rtreenode,
//    rtreedepth, sqlite_log;
//  - ATTACH and DETACH (and so VACUUM, which attaches its copy);
//  - settings of pragmas that change trust, process-wide state or memory:
//    trusted_schema, writable_schema, schema_version, hard_heap_limit,
//    soft_heap_limit, cache_size, mmap_size, threads, temp_store_directory,
//    data_store_directory, locking_mode, busy_timeout.
// Without allow_writes (and outside catalogue queries) only reads,
// reporting pragmas and reading a setting are allowed.
int SqliteAuthorize(void* mode, int action, const char* arg1, const char* arg2,
                    const char* database, const char* trigger);

// The error text for the last thing the authorizer refused on every
// connection, or nullopt when the refusal (if any) was read-only mode's.
std::optional<std::string> SqliteDenialMessage(const SqliteAuthorizerMode& mode);

}  // namespace aurite::sql
