// The SQLite authorizer that enforces read-only access inside the engine.
#pragma once

namespace aurite::sql {

struct SqliteAuthorizerMode {
  bool allow_writes = false;
  // Set while the driver runs its own catalogue queries (fixed text, bound
  // parameters): SQLite reports internal schema bookkeeping for pragma
  // table-valued functions as writes, which read-only mode would deny.
  bool catalogue = false;
};

// An sqlite3_set_authorizer callback; the user data is a
// const SqliteAuthorizerMode* that outlives the connection.
int SqliteAuthorize(void* mode, int action, const char* arg1, const char* arg2,
                    const char* database, const char* trigger);

}  // namespace aurite::sql
