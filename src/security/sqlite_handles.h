// RAII owners for SQLite connections and prepared statements, and the column
// and binding helpers the store's files share.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace aurite::security {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// The text in `column` of the current row; valid until the next step.
inline std::string_view ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text == nullptr
             ? std::string_view()
             : std::string_view(reinterpret_cast<const char*>(text),
                                static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

// The bytes in `column` of the current row; valid until the next step.
inline std::span<const unsigned char> ColumnBlob(sqlite3_stmt* statement, int column) {
  const void* blob = sqlite3_column_blob(statement, column);
  return {static_cast<const unsigned char*>(blob),
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column))};
}

// Binds copies (SQLITE_TRANSIENT): the caller's buffers may go at once.
inline void BindText(sqlite3_stmt* statement, int index, std::string_view text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

inline void BindBlob(sqlite3_stmt* statement, int index, std::span<const unsigned char> bytes) {
  sqlite3_bind_blob(statement, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

inline void BindOptional(sqlite3_stmt* statement, int index, std::optional<std::int64_t> value) {
  if (value) {
    sqlite3_bind_int64(statement, index, *value);
  } else {
    sqlite3_bind_null(statement, index);
  }
}

}  // namespace aurite::security
