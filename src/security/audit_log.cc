// Writing and verifying the hash-chained JSON Lines audit log.
#include "security/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "crypto/base64url.h"
#include "crypto/random.h"
#include "security/digests.h"

namespace aurite::security {
namespace {

constexpr std::size_t kSaltSize = 32;
constexpr std::size_t kTailWindow = 64 * 1024;
const std::string kZeroHash(64, '0');

std::string Sha256Hex(std::string_view text) { return HexEncode(Sha256(text)); }

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return text;
}

// Appends `,"key":"value"` (or `,"key":null` for an empty value). Records
// are written on every resolve, so the usual case -- identifiers of
// printable ASCII -- is copied as is; anything else is escaped by nlohmann.
void AppendField(std::string& line, std::string_view key, std::string_view value) {
  line += ",\"";
  line += key;
  line += "\":";
  if (value.empty()) {
    line += "null";
    return;
  }
  bool plain = std::all_of(value.begin(), value.end(),
                           [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (plain) {
    line += '"';
    line += value;
    line += '"';
  } else {
    line += nlohmann::json(std::string(value))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

// The fields of a "statement" record, each only when set.
void AppendStatementFields(std::string& line, const AuditEvent& event) {
  if (!event.role.empty()) AppendField(line, "role", event.role);
  if (!event.statement_id.empty()) AppendField(line, "statement_id", event.statement_id);
  if (event.statement) {
    // An empty statement is still a statement: "" rather than null.
    if (event.statement->empty()) {
      line += ",\"statement\":\"\"";
    } else {
      AppendField(line, "statement", *event.statement);
    }
  }
  if (event.params) line += ",\"params\":" + std::to_string(*event.params);
  if (event.duration_ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", *event.duration_ms);
    line += ",\"duration_ms\":";
    line += text;
  }
  if (event.rows) line += ",\"rows\":" + std::to_string(*event.rows);
}

Status IoError(const std::filesystem::path& path, std::string_view what) {
  return UnavailableError("audit log '" + path.string() + "': " + std::string(what) + ": " +
                          std::strerror(errno));
}

StatusOr<std::string> ReadRange(int fd, std::uint64_t offset, std::size_t size) {
  std::string data(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, data.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return UnavailableError("short read");
    done += static_cast<std::size_t>(n);
  }
  return data;
}

// The last complete line of `tail` (without its newline).
std::string_view LastLine(std::string_view tail) {
  if (!tail.empty() && tail.back() == '\n') tail.remove_suffix(1);
  std::size_t newline = tail.rfind('\n');
  return newline == std::string_view::npos ? tail : tail.substr(newline + 1);
}

// Holds an exclusive flock on a descriptor for its lifetime: other processes
// appending to the same log wait, so the hash chain stays one chain.
class FileLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FileLock() { ::flock(fd_, LOCK_UN); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace

AuditLog::AuditLog(PrivateTag, std::filesystem::path path, UniqueFd fd)
    : path_(std::move(path)), fd_(std::move(fd)) {}

AuditLog::~AuditLog() = default;

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return UnavailableError("cannot create the directory of audit log '" + path.string() +
                              "': " + ec.message());
    }
  }
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return IoError(path, "cannot open");
  auto log = std::make_unique<AuditLog>(PrivateTag(), path, std::move(fd));
  AURITE_RETURN_IF_ERROR(log->LoadOrCreateHeader());
  return log;
}

Status AuditLog::LoadOrCreateHeader() {
  std::lock_guard<std::mutex> guard(mutex_);
  FileLock lock(fd_.get());
  struct stat info {};
  if (::fstat(fd_.get(), &info) != 0) return IoError(path_, "cannot stat");
  if (info.st_size == 0) {
    salt_ = crypto::RandomSecret(kSaltSize);
    fingerprint_mac_ = HmacSha256(salt_.bytes());
    nlohmann::ordered_json header = {
        {"seq", 1},
        {"time", UtcNow()},
        {"event", "audit_log_created"},
        {"fingerprint_salt", crypto::Base64UrlEncode(salt_.bytes(), crypto::Padding::kUnpadded)},
        {"prev", kZeroHash}};
    std::string line = header.dump();
    last_seq_ = 0;
    return AppendLine(line);
  }
  AURITE_ASSIGN_OR_RETURN(
      std::string head,
      ReadRange(fd_.get(), 0, std::min<std::uint64_t>(info.st_size, kTailWindow)));
  std::string_view first(head);
  first = first.substr(0, first.find('\n'));
  nlohmann::json header = nlohmann::json::parse(first, nullptr, false);
  if (!header.is_object() || !header.contains("fingerprint_salt") ||
      !header["fingerprint_salt"].is_string()) {
    return DataLossError("audit log '" + path_.string() +
                         "' does not start with an audit_log_created line; check it with "
                         "`aurite audit verify` or move it aside");
  }
  AURITE_ASSIGN_OR_RETURN(
      salt_, crypto::Base64UrlDecodeSecret(header["fingerprint_salt"].get<std::string>(),
                                           crypto::Padding::kUnpadded));
  fingerprint_mac_ = HmacSha256(salt_.bytes());
  return ReloadTail(static_cast<std::uint64_t>(info.st_size));
}

Status AuditLog::ReloadTail(std::uint64_t size) {
  std::uint64_t window = std::min<std::uint64_t>(size, kTailWindow);
  StatusOr<std::string> tail = ReadRange(fd_.get(), size - window, window);
  if (!tail.ok()) return IoError(path_, "cannot read the last record");
  std::string_view last = LastLine(*tail);
  last_hash_ = Sha256Hex(last);
  nlohmann::json record = nlohmann::json::parse(last, nullptr, false);
  last_seq_ = record.is_object() && record.contains("seq") && record["seq"].is_number_unsigned()
                  ? record["seq"].get<std::uint64_t>()
                  : 0;
  known_size_ = size;
  return OkStatus();
}

Status AuditLog::AppendLine(const std::string& line) {
  std::string with_newline = line + "\n";
  std::size_t done = 0;
  while (done < with_newline.size()) {
    ssize_t n = ::write(fd_.get(), with_newline.data() + done, with_newline.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status error = IoError(path_, "cannot append");
      // A full disk (or file size limit) may have let part of the line in:
      // cut it off again, so the log never holds a partial record and the
      // next record continues the chain. Under the flock the file ended at
      // known_size_ before this line.
      if (done > 0 && ::ftruncate(fd_.get(), static_cast<off_t>(known_size_)) != 0) {
        return IoError(path_, "cannot append, and cannot remove the partial record written");
      }
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  last_hash_ = Sha256Hex(line);
  ++last_seq_;
  // Under the flock nobody else appends, so the file ends where we stopped.
  known_size_ += with_newline.size();
  return OkStatus();
}

std::string AuditLog::Fingerprint(const TokenDigest& digest) const {
  return "hmac-sha256:" + HexEncode(fingerprint_mac_.Compute(digest));
}

Status AuditLog::Record(const AuditEvent& event) {
  std::lock_guard<std::mutex> guard(mutex_);
  FileLock lock(fd_.get());
  struct stat info {};
  if (::fstat(fd_.get(), &info) != 0) return IoError(path_, "cannot stat");
  if (info.st_nlink == 0) {
    // Appending would succeed, into a file nobody can read any more.
    return UnavailableError("audit log '" + path_.string() +
                            "' was deleted while in use, so records written to it would be lost; "
                            "restart aurite to start a new log there");
  }
  if (static_cast<std::uint64_t>(info.st_size) != known_size_) {
    AURITE_RETURN_IF_ERROR(ReloadTail(static_cast<std::uint64_t>(info.st_size)));
  }
  std::string line = FormatAuditLine(
      event, last_seq_ + 1,
      event.token_digest ? std::string_view(CachedFingerprint(*event.token_digest)) : "",
      last_hash_);
  AURITE_RETURN_IF_ERROR(AppendLine(line));
  // The file holds the record first: it is the one every deployment has.
  return mirror_ ? mirror_->Record(event) : OkStatus();
}

void AuditLog::SetMirror(std::unique_ptr<AuditMirror> mirror) {
  std::lock_guard<std::mutex> guard(mutex_);
  mirror_ = std::move(mirror);
}

std::string FormatAuditLine(const AuditEvent& event, std::uint64_t seq, std::string_view token_fp,
                            std::string_view prev, std::string_view instance) {
  std::string line = "{\"seq\":" + std::to_string(seq);
  AppendField(line, "time", UtcNow());
  if (!instance.empty()) AppendField(line, "instance", instance);
  AppendField(line, "event", event.event);
  AppendField(line, "server", event.server_id);
  AppendField(line, "credential_id", event.credential_id);
  AppendField(line, "credential_type", event.credential_type);
  AppendField(line, "token_fp", token_fp);
  for (const auto& [key, value] : {std::pair{"connection", event.connection},
                                   {"user_name", event.user_name},
                                   {"lease_id", event.lease_id},
                                   {"vault_lease_id", event.vault_lease_id},
                                   {"references", event.references},
                                   {"principal", event.principal},
                                   {"tool", event.tool},
                                   {"client_address", event.client_address}}) {
    if (!value.empty()) AppendField(line, key, value);
  }
  AppendStatementFields(line, event);
  AppendField(line, "outcome", event.outcome);
  AppendField(line, "reason", event.reason);
  AppendField(line, "prev", prev);
  line += '}';
  return line;
}

const std::string& AuditLog::CachedFingerprint(const TokenDigest& digest) {
  constexpr std::size_t kMaxCachedFingerprints = 4096;
  auto it = fingerprints_.find(digest);
  if (it != fingerprints_.end()) return it->second;
  if (fingerprints_.size() >= kMaxCachedFingerprints) fingerprints_.clear();
  return fingerprints_.emplace(digest, Fingerprint(digest)).first->second;
}

std::string_view AuditEventName(LeaseEvent event) {
  switch (event) {
    case LeaseEvent::kCreated:
      return "lease_created";
    case LeaseEvent::kRenewed:
      return "lease_renewed";
    case LeaseEvent::kRevoked:
      return "lease_revoked";
    case LeaseEvent::kRevokeFailed:
      break;
  }
  return "lease_revoke_failed";
}

std::string_view AuditEventName(RotationEvent event) {
  switch (event) {
    case RotationEvent::kPending:
      return "rotation_pending";
    case RotationEvent::kRotated:
      return "password_rotated";
    case RotationEvent::kSettled:
      break;
  }
  return "rotation_settled";
}

std::string_view AuditEventName(SecretEvent event) {
  switch (event) {
    case SecretEvent::kRefreshed:
      return "secret_refreshed";
    case SecretEvent::kRefreshFailed:
      return "secret_refresh_failed";
    case SecretEvent::kExpired:
      break;
  }
  return "secret_expired";
}

AuditChainCheck::AuditChainCheck(std::string first_event)
    : first_event_(std::move(first_event)), previous_hash_(kZeroHash) {}

std::optional<std::string> AuditChainCheck::Next(std::string_view line) {
  ++lines_;
  nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
  if (!record.is_object()) return "not a JSON object";
  if (!record.contains("seq") || !record["seq"].is_number_unsigned() ||
      record["seq"].get<std::uint64_t>() != lines_) {
    return "sequence number is not " + std::to_string(lines_);
  }
  if (!record.contains("prev") || record["prev"] != previous_hash_) {
    return "prev does not match the hash of the line before it";
  }
  if (lines_ == 1 && record.value("event", "") != first_event_) {
    return "the first line is not the " + first_event_ + " record";
  }
  previous_hash_ = Sha256Hex(line);
  return std::nullopt;
}

StatusOr<AuditVerification> VerifyAuditLog(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open audit log '" + path.string() + "'");
  AuditVerification result;
  AuditChainCheck chain("audit_log_created");
  std::string line;
  while (std::getline(in, line)) {
    ++result.lines;
    if (std::optional<std::string> problem = chain.Next(line)) {
      result.intact = false;
      result.first_bad_line = result.lines;
      result.problem = std::move(*problem);
      return result;
    }
  }
  if (result.lines == 0) {
    result.intact = false;
    result.first_bad_line = 1;
    result.problem = "the log is empty";
  }
  return result;
}

}  // namespace aurite::security
