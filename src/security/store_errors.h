// The credential store's errors: one message per cause, each naming the cause
// and its fix.
//
// A store that cannot be read or written right now may still hold the only
// copy of its secrets, so no message suggests deleting or replacing it:
// permission, read-only, locked, damaged, not-a-store and wrong-key are told
// apart, and each says what to change instead.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string_view>

#include "base/status.h"
#include "security/credential_store.h"

namespace aurite::security {

enum class StorePathState {
  kMissing,  // nothing there yet: a store can be created
  kEmpty,    // an empty file: a store whose creation was cut short
  kExisting  // a non-empty regular file
};

// What is at `path` before SQLite touches it, or the error that stops the
// store from being used there: a path through a file, a directory, not a
// regular file, a file this process cannot read, or a directory it cannot
// write (SQLite keeps the store's -wal and -shm files next to it, even to
// read it) or on a read-only file system.
StatusOr<StorePathState> InspectStorePath(const std::filesystem::path& path);

// Ok when this process may write the store file at `path`; else the cause
// (read-only file, read-only file system). Checked once the file is known to
// be a store opened by the keys, so that a file which is no store, or a
// wrong key, is named as such first.
Status CheckStoreWritable(const std::filesystem::path& path);

// The cause of the failed SQLite call `what` on `db` (the store at `path`),
// from SQLite's result code: locked, read-only, cannot open, not a SQLite
// database, damaged, disk full, I/O error, or SQLite's own message.
Status SqliteStoreError(sqlite3* db, const std::filesystem::path& path, std::string_view what);

// SqliteStoreError(), after rolling back the transaction open on `db`, if
// any: a failed step never leaves half a change behind.
Status SqliteStoreFailure(sqlite3* db, const std::filesystem::path& path, std::string_view what);

// `path` is a file but not an Aurite credential store; `why` says what it is.
Status NotAStoreError(const std::filesystem::path& path, std::string_view why);

// The store at `path` is damaged; `what` says how.
Status DamagedStoreError(const std::filesystem::path& path, std::string_view what);

// None of `keys` opens `store` (named as "credential store '/p'"); its
// description says which keys were tried and where from, its variable
// which one sets the key. `shared`: several gateways use the store, so each
// needs the same key.
Status WrongKeyError(std::string_view store, const KeyProvider& keys, bool shared);

}  // namespace aurite::security
