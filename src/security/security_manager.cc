// The SecurityManager: securing, resolving, revoking and purging credentials.
#include "security/security_manager.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "crypto/base64url.h"
#include "crypto/fernet.h"
#include "crypto/random.h"
#include "security/masking.h"

namespace aurite::security {
namespace {

constexpr std::size_t kCredentialIdBytes = 16;

std::string NewCredentialId() {
  unsigned char bytes[kCredentialIdBytes];
  crypto::FillRandom(bytes);
  return "cred_" + crypto::Base64UrlEncode(bytes, crypto::Padding::kUnpadded);
}

bool LooksLikeCredentialId(std::string_view text) {
  return text.size() == 27 && text.starts_with("cred_") &&
         std::all_of(text.begin() + 5, text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
         });
}

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

bool IsExpired(const CredentialInfo& info, std::int64_t now) {
  return info.expires_at && *info.expires_at <= now;
}

CredentialSummary Summarise(const CredentialInfo& info) {
  return {info.id,   info.type,     info.masked,        info.created_at, info.expires_at,
          info.uses, info.max_uses, info.bound_servers, info.metadata};
}

}  // namespace

Status InvalidTokenError() { return UnauthenticatedError("unknown, expired or revoked token"); }

std::size_t SecurityManager::DigestHash::operator()(const TokenDigest& digest) const {
  std::size_t hash;
  std::memcpy(&hash, digest.data(), sizeof hash);
  return hash;
}

SecurityManager::SecurityManager(PrivateTag, SecurityManagerOptions options)
    : default_ttl_(options.default_ttl),
      clock_(options.clock ? std::move(options.clock)
                           : Clock([] { return static_cast<std::int64_t>(crypto::UnixNow()); })),
      store_(std::move(options.store)),
      audit_log_(std::move(options.audit_log)) {}

SecurityManager::~SecurityManager() {
  for (std::jthread* thread : {&store_watch_, &sweeper_}) {
    if (thread->joinable()) {
      thread->request_stop();
      thread->join();
    }
  }
}

StatusOr<std::unique_ptr<SecurityManager>> SecurityManager::Create(SecurityManagerOptions options) {
  if (options.default_ttl.count() < 0) {
    return InvalidArgumentError("the default token TTL must not be negative");
  }
  auto manager = std::make_unique<SecurityManager>(PrivateTag(), std::move(options));
  AURITE_RETURN_IF_ERROR(manager->Load());
  manager->Announce();  // nobody listens yet: what Load swept is not news
  return manager;
}

Status SecurityManager::Load() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ != nullptr) {
    // Read first: a change made after it is seen by the next SyncWithStore().
    AURITE_ASSIGN_OR_RETURN(store_version_, store_->DataVersion());
    AURITE_ASSIGN_OR_RETURN(std::vector<StoredCredential> rows, store_->LoadAll());
    for (StoredCredential& row : rows) {
      TokenDigest digest = row.info.token_digest;
      entries_.emplace(digest, Entry{std::move(row.info), std::move(row.secret)});
    }
  }
  AURITE_RETURN_IF_ERROR(AuditOrRefuse(
      {.event = "store_opened", .reason = store_ ? "persistent" : "memory"}, "open the store"));
  SweepExpiredLocked(clock_());
  return OkStatus();
}

StatusOr<SecuredCredential> SecurityManager::Secure(std::string_view credential_type,
                                                    crypto::SecretBuffer value,
                                                    const SecureOptions& options) {
  if (!IsValidName(credential_type)) {
    return InvalidArgumentError("credential type must be 1-128 letters, digits, '_', '-' or '.'");
  }
  if (value.empty()) return InvalidArgumentError("the secret to secure is empty");
  if (options.ttl && options.ttl->count() < 0) {
    return InvalidArgumentError("the TTL must not be negative");
  }
  if (options.max_uses && *options.max_uses == 0) {
    return InvalidArgumentError("max uses must be at least 1 when set");
  }
  for (const std::string& server : options.bound_servers) {
    if (!IsValidName(server)) {
      return InvalidArgumentError(
          "bound server names must be 1-128 letters, digits, '_', '-' or '.'");
    }
  }
  crypto::SecretBuffer token = MintAccessToken();
  Entry entry;
  CredentialInfo& info = entry.info;
  info.id = NewCredentialId();
  info.type = std::string(credential_type);
  info.token_digest = DigestAccessToken(token.Reveal());
  info.masked = MaskedCredential(value.Reveal());
  info.max_uses = options.max_uses;
  info.bound_servers = options.bound_servers;
  info.metadata = options.metadata;
  std::chrono::seconds ttl = options.ttl.value_or(default_ttl_);

  std::lock_guard<std::mutex> lock(mutex_);
  info.created_at = clock_();
  if (ttl.count() > 0) info.expires_at = info.created_at + ttl.count();
  if (store_ != nullptr) AURITE_RETURN_IF_ERROR(store_->Insert(info, value));
  if (Status recorded = AuditOrRefuse({.event = "secure",
                                       .credential_id = info.id,
                                       .credential_type = info.type,
                                       .token_digest = info.token_digest},
                                      "secure the credential");
      !recorded.ok()) {
    // The token is never handed out, so a row left behind (when the delete
    // fails too) can never be resolved.
    if (store_ != nullptr) (void)store_->Delete(info.id);
    return recorded;
  }
  entry.secret = std::move(value);
  SecuredCredential secured{std::move(token), info.masked, info.id, info.expires_at};
  TokenDigest digest = info.token_digest;
  entries_.emplace(digest, std::move(entry));
  redactor_.reset();
  return secured;
}

bool SecurityManager::PermittedType(std::string_view server_id, std::string_view type) const {
  auto it = permissions_.find(server_id);
  return it != permissions_.end() && it->second.contains(type);
}

Status SecurityManager::Deny(const TokenDigest& digest, const Entry* entry,
                             std::string_view server_id, std::string_view expected_type,
                             std::string_view reason, Status error) {
  Audit({.event = "resolve_denied",
         .server_id = server_id,
         .credential_id = entry ? std::string_view(entry->info.id) : std::string_view(),
         .credential_type = entry ? std::string_view(entry->info.type) : expected_type,
         .token_digest = digest,
         .outcome = "denied",
         .reason = reason});
  return error;
}

StatusOr<ResolvedSecret> SecurityManager::Resolve(std::string_view token,
                                                  std::string_view requesting_server_id,
                                                  std::string_view expected_type) {
  StatusOr<ResolvedSecret> resolved = [&]() -> StatusOr<ResolvedSecret> {
    std::lock_guard<std::mutex> lock(mutex_);
    return ResolveLocked(token, requesting_server_id, expected_type);
  }();
  Announce();
  return resolved;
}

StatusOr<ResolvedSecret> SecurityManager::ResolveLocked(std::string_view token,
                                                        std::string_view requesting_server_id,
                                                        std::string_view expected_type) {
  TokenDigest digest = DigestAccessToken(token);
  if (Status synced = SyncLocked(); !synced.ok()) {
    return Deny(digest, nullptr, requesting_server_id, expected_type,
                "credential store unreachable",
                UnavailableError("cannot tell whether the token was revoked: " + synced.message() +
                                 ". Tokens are refused until the store can be read again "
                                 "(fail closed)"));
  }
  auto it = entries_.find(digest);
  if (it == entries_.end() && store_ != nullptr) {
    AURITE_ASSIGN_OR_RETURN(it, AdoptFromStore(digest));
  }
  if (it == entries_.end()) {
    return Deny(digest, nullptr, requesting_server_id, expected_type, "unknown token",
                InvalidTokenError());
  }
  if (IsExpired(it->second.info, clock_())) {
    (void)Remove(it, Removal::kExpired, "time to live elapsed");
    return Deny(digest, nullptr, requesting_server_id, expected_type, "expired token",
                InvalidTokenError());
  }
  Entry& entry = it->second;
  if (!PermittedType(requesting_server_id, expected_type)) {
    return Deny(digest, &entry, requesting_server_id, expected_type,
                "server not permitted for this credential type",
                PermissionDeniedError("server '" + std::string(requesting_server_id) +
                                      "' is not permitted to resolve credentials of type '" +
                                      std::string(expected_type) + "'"));
  }
  if (entry.info.type != expected_type) {
    return Deny(digest, &entry, requesting_server_id, expected_type, "credential type mismatch",
                PermissionDeniedError("the token is not for a credential of type '" +
                                      std::string(expected_type) + "'"));
  }
  const std::vector<std::string>& bound = entry.info.bound_servers;
  if (!bound.empty() &&
      std::find(bound.begin(), bound.end(), requesting_server_id) == bound.end()) {
    return Deny(digest, &entry, requesting_server_id, expected_type, "token bound to other servers",
                PermissionDeniedError("the token is bound to other servers than '" +
                                      std::string(requesting_server_id) + "'"));
  }
  const bool limited = entry.info.max_uses.has_value();
  if (store_ != nullptr) {
    // Count the use in the store before handing out the secret: a max_uses
    // limit is shared by every process using the store.
    AURITE_ASSIGN_OR_RETURN(bool claimed, store_->ClaimUse(entry.info.id, limited));
    if (!claimed) {
      (void)Remove(it, limited ? Removal::kUsedUp : Removal::kRevoked,
                   limited ? "use limit reached" : "removed from the store by another process");
      return Deny(digest, nullptr, requesting_server_id, expected_type,
                  limited ? "used-up token" : "revoked token", InvalidTokenError());
    }
  }
  if (Status recorded = AuditOrRefuse({.event = "resolve",
                                       .server_id = requesting_server_id,
                                       .credential_id = entry.info.id,
                                       .credential_type = entry.info.type,
                                       .token_digest = digest},
                                      "resolve the token");
      !recorded.ok()) {
    // The secret was not handed out: the use is given back, where it can be.
    if (store_ != nullptr) (void)store_->ReturnUse(entry.info.id, limited);
    return recorded;
  }
  ++entry.info.uses;
  ResolvedSecret resolved{entry.secret.Clone(), entry.info.id, entry.info.expires_at};
  if (entry.info.max_uses && entry.info.uses >= *entry.info.max_uses) {
    (void)Remove(it, Removal::kUsedUp, "use limit reached");
  }
  return resolved;
}

void SecurityManager::RegisterServerPermissions(std::string server_id,
                                                std::vector<std::string> allowed_types) {
  std::lock_guard<std::mutex> lock(mutex_);
  permissions_[std::move(server_id)] =
      std::set<std::string, std::less<>>(allowed_types.begin(), allowed_types.end());
}

namespace {

std::string_view AuditEventOf(Removal why) {
  switch (why) {
    case Removal::kRevoked:
      return "revoke";
    case Removal::kPurged:
      return "purge";
    case Removal::kExpired:
    case Removal::kUsedUp:
      break;
  }
  return "expire";
}

}  // namespace

Status SecurityManager::Remove(EntryMap::iterator it, Removal why, std::string_view reason) {
  Status status = store_ ? store_->Delete(it->second.info.id) : OkStatus();
  if (!status.ok()) unsynced_removals_.insert(it->second.info.id);
  removed_.push_back({it->second.info.id, it->first, why});
  Audit({.event = AuditEventOf(why),
         .credential_id = it->second.info.id,
         .credential_type = it->second.info.type,
         .token_digest = it->first,
         .outcome = status.ok() ? "ok" : "error",
         .reason = reason});
  entries_.erase(it);  // the SecretBuffer wipes itself
  redactor_.reset();
  return status;
}

StatusOr<CredentialSummary> SecurityManager::Lookup(std::string_view token) {
  TokenDigest digest = DigestAccessToken(token);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(digest);
  if (it == entries_.end() && store_ != nullptr) {
    AURITE_ASSIGN_OR_RETURN(it, AdoptFromStore(digest));
  }
  if (it == entries_.end() || IsExpired(it->second.info, clock_())) return InvalidTokenError();
  return Summarise(it->second.info);
}

Status SecurityManager::Revoke(std::string_view token) {
  TokenDigest digest = DigestAccessToken(token);
  Status status = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(digest);
    if (it == entries_.end() && store_ != nullptr) {
      AURITE_ASSIGN_OR_RETURN(it, AdoptFromStore(digest));
    }
    if (it == entries_.end()) return InvalidTokenError();
    return Remove(it, Removal::kRevoked, "");
  }();
  Announce();
  return status;
}

Status SecurityManager::Purge(std::string_view credential_id) {
  Status status = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const auto& pair) { return pair.second.info.id == credential_id; });
    if (it == entries_.end()) {
      // Echo the id only when it has the shape of one: a pasted secret must
      // not come back in the message.
      return NotFoundError(LooksLikeCredentialId(credential_id)
                               ? "no live credential with id '" + std::string(credential_id) + "'"
                               : std::string("no live credential with that id"));
    }
    return Remove(it, Removal::kPurged, "");
  }();
  Announce();
  return status;
}

std::size_t SecurityManager::PurgeOwnedBy(std::string_view owner) {
  std::size_t purged = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      auto next = std::next(it);
      auto found = it->second.info.metadata.find("owner");
      if (found != it->second.info.metadata.end() && found->second == owner) {
        (void)Remove(it, Removal::kPurged, "its owner's session ended");
        ++purged;
      }
      it = next;
    }
  }
  Announce();
  return purged;
}

Status SecurityManager::PurgeAll() {
  Status status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status = store_ ? store_->DeleteAll() : OkStatus();
    Audit({.event = "purge_all",
           .outcome = status.ok() ? "ok" : "error",
           .reason = "all credentials"});
    for (const auto& [digest, entry] : entries_) {
      removed_.push_back({entry.info.id, digest, Removal::kPurged});
    }
    entries_.clear();
    redactor_.reset();
  }
  Announce();
  return status;
}

std::vector<CredentialSummary> SecurityManager::List() {
  std::vector<CredentialSummary> list;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    SweepExpiredLocked(clock_());
    for (const auto& [digest, entry] : entries_) list.push_back(Summarise(entry.info));
  }
  Announce();
  std::sort(list.begin(), list.end(), [](const CredentialSummary& a, const CredentialSummary& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  return list;
}

std::size_t SecurityManager::SweepExpiredLocked(std::int64_t now) {
  std::size_t swept = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (IsExpired(it->second.info, now)) {
      (void)Remove(it, Removal::kExpired, "time to live elapsed");
      ++swept;
    }
    it = next;
  }
  return swept;
}

std::size_t SecurityManager::SweepExpired() {
  std::size_t swept = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    swept = SweepExpiredLocked(clock_());
  }
  Announce();
  return swept;
}

void SecurityManager::SetRemovalListener(RemovalListener listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = std::move(listener);
}

void SecurityManager::Announce() {
  // A listener that revokes in turn reaches here again on the announcing
  // thread: the loop below announces what it removed, so return rather
  // than wait on ourselves.
  if (announcer_.load() == std::this_thread::get_id()) return;
  // Announcements keep their order: one announcer at a time.
  std::lock_guard<std::mutex> announcing(listener_mutex_);
  announcer_.store(std::this_thread::get_id());
  struct Done {
    std::atomic<std::thread::id>& announcer;
    ~Done() { announcer.store(std::thread::id()); }
  } done{announcer_};
  for (;;) {
    std::vector<RemovedCredential> removed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      removed.swap(removed_);
    }
    if (removed.empty() || !listener_) break;
    for (const RemovedCredential& credential : removed) listener_(credential);
  }
}

Status SecurityManager::SyncWithStore() {
  Status status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status = SyncLocked();
  }
  Announce();
  return status;
}

Status SecurityManager::DeleteUnsyncedLocked() {
  for (auto it = unsynced_removals_.begin(); it != unsynced_removals_.end();) {
    AURITE_RETURN_IF_ERROR(store_->Delete(*it));
    it = unsynced_removals_.erase(it);
  }
  return OkStatus();
}

Status SecurityManager::RetryUnsyncedRemovals() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ == nullptr) return OkStatus();
  Status deleted = DeleteUnsyncedLocked();
  if (deleted.ok()) return deleted;
  std::string ids;
  for (const std::string& id : unsynced_removals_) ids += " " + id;
  const std::size_t left = unsynced_removals_.size();
  return UnavailableError(
      "the credential store never took " + std::to_string(left) +
      (left == 1 ? " revocation" : " revocations") +
      " made here, so gateways sharing the store may still accept " +
      (left == 1 ? "that credential" : "those credentials") +
      ". Once the store is back, revoke there: aurite tokens revoke --store <this gateway's "
      "store>" +
      ids + " (the store's last answer: " + deleted.message() + ")");
}

StatusOr<SecurityManager::EntryMap::iterator> SecurityManager::AdoptFromStore(
    const TokenDigest& digest) {
  AURITE_ASSIGN_OR_RETURN(std::optional<StoredCredential> row, store_->LoadByDigest(digest));
  if (!row || unsynced_removals_.contains(row->info.id)) return entries_.end();
  auto [it, added] = entries_.emplace(digest, Entry{std::move(row->info), std::move(row->secret)});
  redactor_.reset();
  return it;
}

Status SecurityManager::SyncLocked() {
  if (store_ == nullptr) return OkStatus();
  AURITE_ASSIGN_OR_RETURN(std::int64_t version, store_->DataVersion());
  AURITE_RETURN_IF_ERROR(DeleteUnsyncedLocked());
  if (store_version_ == version) return OkStatus();
  AURITE_ASSIGN_OR_RETURN(auto in_store, store_->ListUses());
  const std::int64_t now = clock_();
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    auto stored = in_store.find(it->second.info.id);
    if (stored == in_store.end()) {
      // Gone from the store: another process revoked it, or swept it after
      // it expired.
      bool expired = IsExpired(it->second.info, now);
      (void)Remove(it, expired ? Removal::kExpired : Removal::kRevoked,
                   expired ? "time to live elapsed" : "removed from the store by another process");
    } else {
      it->second.info.uses = std::max(it->second.info.uses, stored->second);
      in_store.erase(stored);
    }
    it = next;
  }
  // What is left was added by another process.
  for (const auto& [id, uses] : in_store) {
    if (unsynced_removals_.contains(id)) continue;
    AURITE_ASSIGN_OR_RETURN(std::optional<StoredCredential> row, store_->Load(id));
    if (!row) continue;  // deleted again meanwhile
    TokenDigest digest = row->info.token_digest;
    entries_.emplace(digest, Entry{std::move(row->info), std::move(row->secret)});
    redactor_.reset();
  }
  store_version_ = version;
  return OkStatus();
}

void SecurityManager::StartStoreWatch(std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(watch_mutex_);
  if (store_watch_.joinable() || store_ == nullptr) return;
  store_watch_ = std::jthread([this, interval](std::stop_token stop) {
    std::unique_lock<std::mutex> wait_lock(watch_mutex_);
    while (!watch_wake_.wait_for(wait_lock, stop, interval, [] { return false; })) {
      if (stop.stop_requested()) return;
      wait_lock.unlock();
      Status synced = SyncWithStore();
      if (synced.ok()) {
        std::lock_guard<std::mutex> store_lock(mutex_);
        synced = store_->FlushUses();
      }
      if (!synced.ok()) {
        std::fprintf(stderr, "aurite: store watch: %s\n", synced.ToString().c_str());
      }
      wait_lock.lock();
    }
  });
}

void SecurityManager::StartSweeper(std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(sweeper_mutex_);
  if (sweeper_.joinable()) return;
  sweeper_ = std::jthread([this, interval](std::stop_token stop) {
    std::unique_lock<std::mutex> wait_lock(sweeper_mutex_);
    while (!sweeper_wake_.wait_for(wait_lock, stop, interval, [] { return false; })) {
      if (stop.stop_requested()) return;
      SweepExpired();
    }
  });
}

Status SecurityManager::RotateKey(crypto::FernetKey new_key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (store_ == nullptr) {
    return FailedPreconditionError("there is no persistent store to rotate (no key is set)");
  }
  Status status = store_->RotateKey(std::move(new_key));
  Audit({.event = "key_rotation", .outcome = status.ok() ? "ok" : "error"});
  return status;
}

std::string SecurityManager::Mask(std::string_view text) const { return MaskSecrets(text); }

std::vector<Finding> SecurityManager::Detect(std::string_view text) const {
  return SharedDetector().Detect(text);
}

std::shared_ptr<const Redactor> SecurityManager::CurrentRedactor() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (redactor_ == nullptr) {
    std::vector<const crypto::SecretBuffer*> secrets;
    secrets.reserve(entries_.size());
    for (const auto& [digest, entry] : entries_) secrets.push_back(&entry.secret);
    redactor_ = std::make_shared<const Redactor>(secrets, SharedDetector());
  }
  return redactor_;
}

std::string SecurityManager::Redact(std::string_view text) {
  return CurrentRedactor()->Redact(text);
}

}  // namespace aurite::security
