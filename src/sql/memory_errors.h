// The errors of results that do not fit: a value above the engine's or
// client library's size limit, or memory the process could not get (its
// cap, see aurite sql-server --max-memory). Both say what to do instead.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace aurite::sql {

// kResourceExhausted: the engine (`engine`, e.g. "SQLite") refused to build
// or receive a value or row over `limit` bytes; `detail` is the engine's own
// text, shown in parentheses.
Status ValueTooLargeError(std::string_view engine, std::size_t limit, std::string_view detail);

// kResourceExhausted: the process could not allocate memory for a statement
// or its result; `detail` is the library's text, shown in parentheses.
Status OutOfMemoryError(std::string_view engine, std::string_view detail);

// Whether a client library's error text says an allocation failed (libpq:
// "out of memory", "cannot allocate memory for input buffer").
bool SaysOutOfMemory(std::string_view text);

}  // namespace aurite::sql
