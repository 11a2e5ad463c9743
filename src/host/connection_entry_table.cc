// The pending connection entries of URL-mode elicitation: ids, codes, CSRF
// tokens, expiry, one use, and the hand-over of the secured token to the
// waiting tool call.
#include "host/connection_entry_table.h"

#include <openssl/crypto.h>

#include <array>

#include "base/text.h"
#include "crypto/random.h"

namespace aurite::host {
namespace {

// No 0/O, 1/I/L: the user copies the code from a chat window.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr std::size_t kCodeLetters = 8;
// An expired entry stays known this long, so its page says "expired".
constexpr auto kKeepExpired = std::chrono::minutes(10);

std::string RandomCode() {
  std::array<unsigned char, kCodeLetters> bytes{};
  std::string code;
  // Rejection sampling keeps every letter equally likely.
  while (code.size() < kCodeLetters) {
    crypto::FillRandom(bytes);
    for (unsigned char b : bytes) {
      const std::size_t limit = 256 - 256 % kCodeAlphabet.size();
      if (b < limit && code.size() < kCodeLetters) code += kCodeAlphabet[b % kCodeAlphabet.size()];
    }
  }
  return code.substr(0, 4) + "-" + code.substr(4);
}

// The code as typed, upper-cased, without spaces and dashes.
std::string NormalizedCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string LifetimeText(std::chrono::milliseconds lifetime) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(lifetime);
  if (minutes.count() == 0 || minutes != lifetime) return SecondsText(lifetime);
  return std::to_string(minutes.count()) + (minutes.count() == 1 ? " minute" : " minutes");
}

ConnectionEntryTable::ConnectionEntryTable(EntrySecuring securing, Options options)
    : securing_(std::move(securing)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return std::chrono::steady_clock::now(); };
}

ConnectionEntryTable::~ConnectionEntryTable() {
  std::lock_guard lock(mu_);
  for (auto& [id, entry] : entries_) {
    if (entry.secured) securing_.discard(*entry.secured);
  }
}

std::chrono::steady_clock::time_point ConnectionEntryTable::Now() const { return options_.clock(); }

bool ConnectionEntryTable::ExpiredLocked(const Entry& entry) const {
  return Now() >= entry.expires;
}

void ConnectionEntryTable::SweepLocked() {
  const auto now = Now();
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    if (now >= entry.expires && entry.secured) {
      securing_.discard(*entry.secured);
      entry.secured.reset();
    }
    if (now >= entry.expires + kKeepExpired) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

StatusOr<ConnectionEntryTable::Opened> ConnectionEntryTable::Open(EntryDetails details) {
  std::lock_guard lock(mu_);
  SweepLocked();
  std::size_t pending = 0;
  for (const auto& [id, entry] : entries_) {
    pending += entry.state == State::kPending && !ExpiredLocked(entry);
  }
  if (pending >= options_.max_pending) {
    return ResourceExhaustedError(
        "too many connection requests are waiting for the user; finish or decline one first");
  }
  Entry entry;
  entry.details = std::move(details);
  entry.code = RandomCode();
  entry.csrf = crypto::RandomHex(16);
  entry.expires = Now() + options_.lifetime;
  Opened opened{crypto::RandomHex(16), entry.code};
  entries_.emplace(opened.id, std::move(entry));
  return opened;
}

Status ConnectionEntryTable::NotSubmittable(const Entry& entry) const {
  switch (entry.state) {
    case State::kSubmitted:
    case State::kTaken:
      return NotFoundError(
          "this link was already used: a connection was entered through it. Ask your assistant "
          "for a new one if you need another connection.");
    case State::kCancelled:
      return NotFoundError(
          "this request was cancelled (declined in the client, the confirmation code was "
          "wrong too often, or another user signed in on its link). Ask your assistant for a new "
          "one.");
    case State::kPending:
      break;
  }
  if (ExpiredLocked(entry)) {
    return NotFoundError("this link has expired (links are valid for " +
                         LifetimeText(options_.lifetime) + "). Ask your assistant for a new one.");
  }
  return OkStatus();
}

StatusOr<ConnectionEntryTable::Entry*> ConnectionEntryTable::SubmittableLocked(
    const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return NotFoundError(
        "there is no connection request at this address; it may have expired long ago. Ask "
        "your assistant for a new link.");
  }
  AURITE_RETURN_IF_ERROR(NotSubmittable(it->second));
  return &it->second;
}

void ConnectionEntryTable::CancelLocked(Entry& entry) {
  entry.state = State::kCancelled;
  ++changes_;
  changed_.notify_all();
}

Status ConnectionEntryTable::BrowserRefused(const Entry& entry, std::string_view browser_key) {
  if (entry.details.subject.empty()) return OkStatus();
  if (entry.browser_key.empty() || !SameSecret(browser_key, entry.browser_key)) {
    return UnauthenticatedError("sign in first, as the user whose client asked");
  }
  return OkStatus();
}

StatusOr<ConnectionEntryTable::PageView> ConnectionEntryTable::ForPage(
    const std::string& id, std::string_view browser_key) {
  std::lock_guard lock(mu_);
  AURITE_ASSIGN_OR_RETURN(Entry * entry, SubmittableLocked(id));
  AURITE_RETURN_IF_ERROR(BrowserRefused(*entry, browser_key));
  return PageView{entry->details, entry->csrf};
}

StatusOr<std::string> ConnectionEntryTable::AdmitBrowser(const std::string& id,
                                                         const std::string& subject) {
  std::lock_guard lock(mu_);
  AURITE_ASSIGN_OR_RETURN(Entry * found, SubmittableLocked(id));
  Entry& entry = *found;
  if (entry.details.subject.empty() || subject != entry.details.subject) {
    // The link reached someone other than the user who asked: a secret
    // entered now would serve the asker's session (phishing). End it.
    CancelLocked(entry);
    return PermissionDeniedError(
        "you signed in as a different user than the one whose client asked for this "
        "connection, so the request is cancelled and nothing was saved. Only open links your "
        "own client showed you.");
  }
  entry.browser_key = crypto::RandomHex(16);
  return entry.browser_key;
}

Status ConnectionEntryTable::Submit(const std::string& id, std::string_view csrf,
                                    std::string_view code, crypto::SecretBuffer connection_string,
                                    std::string_view browser_key) {
  std::unique_lock lock(mu_);
  AURITE_ASSIGN_OR_RETURN(Entry * found, SubmittableLocked(id));
  Entry& entry = *found;
  AURITE_RETURN_IF_ERROR(BrowserRefused(entry, browser_key));
  if (csrf.empty() || !SameSecret(csrf, entry.csrf)) {
    return PermissionDeniedError(
        "the form's security token is missing or wrong; reload the page from the link and submit "
        "it again");
  }
  if (!SameSecret(NormalizedCode(code), NormalizedCode(entry.code))) {
    if (++entry.wrong_codes >= options_.max_code_attempts) {
      CancelLocked(entry);
      return PermissionDeniedError(
          "the confirmation code was wrong too many times; this request is cancelled. Ask your "
          "assistant for a new link.");
    }
    return PermissionDeniedError(
        "the confirmation code is wrong; copy it from the message your MCP client showed with "
        "this link");
  }
  if (connection_string.empty()) {
    return InvalidArgumentError("enter a connection string, or the host, database and user");
  }
  // Securing writes to the store; the entry stays pending meanwhile, and a
  // second submission racing this one finds it taken by then.
  entry.state = State::kSubmitted;
  const EntryDetails details = entry.details;
  lock.unlock();
  StatusOr<SecuredEntry> secured = securing_.secure(details, std::move(connection_string));
  lock.lock();
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    if (secured.ok()) securing_.discard(*secured);
    return NotFoundError("this request ended while the connection was being saved");
  }
  if (!secured.ok()) {
    it->second.state = State::kPending;
    return secured.status();
  }
  it->second.secured = std::move(secured).value();
  ++changes_;
  changed_.notify_all();
  return OkStatus();
}

StatusOr<SecuredEntry> ConnectionEntryTable::Wait(const std::string& id, const std::string& owner,
                                                  std::stop_token stop) {
  std::unique_lock lock(mu_);
  for (;;) {
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.details.owner != owner) {
      return NotFoundError("no connection request with this id is waiting");
    }
    Entry& entry = it->second;
    if (entry.secured) {
      SecuredEntry out = std::move(*entry.secured);
      entry.secured.reset();
      entry.state = State::kTaken;
      return out;
    }
    if (entry.state == State::kCancelled) {
      return CancelledError(
          "the connection request was cancelled: the user declined it, or the confirmation code "
          "was wrong too often");
    }
    if (entry.state == State::kTaken) {
      return NotFoundError("this connection request's connection was already handed out");
    }
    if (entry.state == State::kPending && ExpiredLocked(entry)) {
      return DeadlineExceededError("the user did not enter the connection within " +
                                   LifetimeText(options_.lifetime) + "; the link has expired");
    }
    if (stop.stop_requested()) return CancelledError("the tool call was cancelled");
    // Real time to the entry's expiry (with an injected clock, Tick wakes us).
    const auto left = entry.expires - Now();
    const auto wake = std::chrono::steady_clock::now() +
                      std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(1));
    const std::uint64_t seen = changes_;
    changed_.wait_until(lock, stop, wake, [&] { return changes_ != seen; });
  }
}

void ConnectionEntryTable::Cancel(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.state != State::kPending) return;
  CancelLocked(it->second);
}

bool ConnectionEntryTable::HasPending() {
  std::lock_guard lock(mu_);
  SweepLocked();
  for (const auto& [id, entry] : entries_) {
    // Submitted: being secured, or secured and not yet taken.
    const bool open = entry.state == State::kPending || entry.state == State::kSubmitted;
    if (open && !ExpiredLocked(entry)) return true;
  }
  return false;
}

void ConnectionEntryTable::Tick() {
  std::lock_guard lock(mu_);
  SweepLocked();
  ++changes_;
  changed_.notify_all();
}

}  // namespace aurite::host
