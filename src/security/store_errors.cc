// The credential store's error messages, one per cause (see store_errors.h).
#include "security/store_errors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace aurite::security {
namespace {

std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

constexpr std::string_view kStorePathSetting = "--store (security.store_path in the config)";
constexpr std::string_view kWhyWritable =
    "aurite writes to its store (new tokens, uses, revocations, expiry)";

std::filesystem::path DirectoryOf(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

Status ReadOnlyFileSystemError(const std::filesystem::path& path) {
  return FailedPreconditionError(
      "credential store " + Quoted(path) + " is on a read-only file system, and " +
      std::string(kWhyWritable) +
      ". The file was not changed. Remount the file system read-write, or copy the store (with "
      "its -wal file, if there is one) to writable storage and point " +
      std::string(kStorePathSetting) + " at the copy");
}

Status ReadOnlyError(const std::filesystem::path& path, std::string_view detail) {
  return FailedPreconditionError("credential store " + Quoted(path) + " is read-only (" +
                                 std::string(detail) + "), and " + std::string(kWhyWritable) +
                                 ". The file was not changed. Make it writable for the user "
                                 "running aurite: chmod 600 " +
                                 Quoted(path));
}

}  // namespace

StatusOr<StorePathState> InspectStorePath(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    int error = errno;
    if (error == ENOENT) return StorePathState::kMissing;
    if (error == ENOTDIR) {
      return FailedPreconditionError("credential store path " + Quoted(path) +
                                     " runs through a file, not a directory; point " +
                                     std::string(kStorePathSetting) +
                                     " at a file inside a directory");
    }
    if (error == EACCES) {
      return PermissionDeniedError(
          "cannot reach credential store " + Quoted(path) +
          ": permission denied on a directory of its path. Give the user running aurite search "
          "(x) permission on every directory of the path");
    }
    return UnavailableError("cannot look at credential store " + Quoted(path) + ": " +
                            std::strerror(error));
  }
  if (S_ISDIR(status.st_mode)) {
    return FailedPreconditionError(
        "credential store path " + Quoted(path) + " is a directory, not a file; point " +
        std::string(kStorePathSetting) + " at a file, such as " + Quoted(path / "credentials.db"));
  }
  if (!S_ISREG(status.st_mode)) {
    return FailedPreconditionError("credential store path " + Quoted(path) +
                                   " is not a regular file; point " +
                                   std::string(kStorePathSetting) + " at the store file");
  }
  if (::faccessat(AT_FDCWD, path.c_str(), R_OK, AT_EACCESS) != 0) {
    return PermissionDeniedError(
        "cannot read credential store " + Quoted(path) + ": " + std::strerror(errno) +
        ". The file was not changed. Give the user running aurite read and write access to it "
        "(the store is meant to be owned by that user with mode 0600: chown that user, then "
        "chmod 600 " +
        Quoted(path) + ")");
  }
  std::filesystem::path directory = DirectoryOf(path);
  if (::faccessat(AT_FDCWD, directory.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    if (errno == EROFS) return ReadOnlyFileSystemError(path);
    return FailedPreconditionError(
        "the directory " + Quoted(directory) + " of credential store " + Quoted(path) +
        " is not writable (" + std::strerror(errno) +
        "), and SQLite keeps the store's write-ahead log (-wal and -shm files) next to it. The "
        "file was not changed. Make the directory writable for the user running aurite: chmod "
        "700 " +
        Quoted(directory));
  }
  return status.st_size == 0 ? StorePathState::kEmpty : StorePathState::kExisting;
}

Status CheckStoreWritable(const std::filesystem::path& path) {
  if (::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) == 0) return OkStatus();
  if (errno == EROFS) return ReadOnlyFileSystemError(path);
  return ReadOnlyError(path, std::strerror(errno));
}

Status SqliteStoreError(sqlite3* db, const std::filesystem::path& path, std::string_view what) {
  if (db == nullptr) {
    return ResourceExhaustedError("credential store " + Quoted(path) + ": " + std::string(what) +
                                  ": out of memory");
  }
  std::string detail = sqlite3_errmsg(db);
  switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(
          "credential store " + Quoted(path) +
          " is locked by another process (such as a running `aurite key rotate`, or a tool that "
          "holds it open) and stayed locked for 5 seconds. Try again once that process is done");
    case SQLITE_READONLY:
      return ReadOnlyError(path, detail);
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CANTOPEN: {
      int error = sqlite3_system_errno(db);
      return UnavailableError("cannot open credential store " + Quoted(path) + " (" + detail +
                              (error != 0 ? std::string(": ") + std::strerror(error) : "") +
                              "). Check that the user running aurite can read and write it "
                              "and its directory");
    }
    case SQLITE_NOTADB:
      return NotAStoreError(path, "it is not a SQLite database");
    case SQLITE_CORRUPT:
      return DamagedStoreError(path, detail);
    case SQLITE_FULL:
      return ResourceExhaustedError("the disk holding credential store " + Quoted(path) +
                                    " is full; free some space and try again");
    case SQLITE_IOERR: {
      int error = sqlite3_system_errno(db);
      return UnavailableError("I/O error on credential store " + Quoted(path) + " (" + detail +
                              (error != 0 ? std::string(": ") + std::strerror(error) : "") +
                              "); check the disk and the file system it is on");
    }
    default:
      return UnavailableError("credential store " + Quoted(path) + ": " + std::string(what) + ": " +
                              detail);
  }
}

Status SqliteStoreFailure(sqlite3* db, const std::filesystem::path& path, std::string_view what) {
  Status status = SqliteStoreError(db, path, what);
  if (db != nullptr && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

Status NotAStoreError(const std::filesystem::path& path, std::string_view why) {
  return FailedPreconditionError(
      Quoted(path) + " is not an Aurite credential store (" + std::string(why) +
      "). It was not changed. Point " + std::string(kStorePathSetting) +
      " at the store file, or at a path where no file exists yet to start a new store there");
}

Status DamagedStoreError(const std::filesystem::path& path, std::string_view what) {
  return DataLossError(
      "credential store " + Quoted(path) + " is damaged (" + std::string(what) +
      "). It was not changed. Restore it from a backup; keep the damaged file until its secrets "
      "are safe again (sqlite3 " +
      Quoted(path) + " 'PRAGMA integrity_check' shows what is wrong)");
}

Status WrongKeyError(std::string_view store, const KeyProvider& keys, bool shared) {
  std::string fix = keys.variable.ends_with("_FILE")
                        ? "Point " + keys.variable + " at a file holding the key"
                        : "Set " + keys.variable + " to the key";
  return FailedPreconditionError(
      keys.description + " does not open " + std::string(store) +
      ": the store was written with another key. Nothing was changed. " + fix +
      " the store was made with" +
      (shared ? " (every gateway sharing the store needs the same key)" : "") +
      "; after `aurite key rotate`, put the old key in AURITE_MCP_PREVIOUS_KEYS");
}

}  // namespace aurite::security
