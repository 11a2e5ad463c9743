// ConnectionEntryTable: the pending requests for a database connection
// that the user enters on the gateway's entry page (URL-mode elicitation),
// instead of handing the secret to the MCP client.
//
// Contract:
//  - Open() makes an entry with a random id (128 bits: the URL's only
//    part, which grants nothing by itself), a one-time confirmation code
//    (shown only in the elicitation message; the page asks for it, so the
//    one who submits is the one the client showed it to) and a CSRF token
//    (put in the page's form). An entry lives `lifetime` (10 minutes) and
//    serves one successful submission.
//  - Submit() checks, in order: the entry is pending (not unknown, used,
//    cancelled or expired), the CSRF token, the code (both in constant
//    time). After max_code_attempts wrong codes the entry is cancelled. A
//    good submission is secured at once (EntrySecuring::secure: into the
//    store, as a token); a secure() failure leaves the entry pending for
//    another try. Each refusal names what was wrong, never a secret.
//  - Wait() blocks the tool call until its entry is submitted, cancelled or
//    expired, or `stop` is requested; it hands the secured token over once.
//    A token secured but never taken (the entry expired first, or the table
//    ends) goes to EntrySecuring::discard (revoked).
//  - An entry with a subject also needs a browser key: AdmitBrowser() gives
//    one to the browser that signed in as that subject (another subject
//    cancels the entry: its link reached someone else). ForPage and Submit
//    without the key answer Unauthenticated ("sign in first").
//  - Thread-safe. At most max_pending entries at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::host {

// What the entry is for, as the page shows it.
struct EntryDetails {
  std::string owner;  // mcp::SessionOwner::key of the session that asked
  std::string storage_type;
  std::string description;
  std::string client_name;
  // The OAuth principal ("oauth:<iss> <sub>") who must sign in on the page
  // (entry_sign_in.h) before it shows the form; "" when the confirmation
  // code alone identifies the user (stdio, static bearer tokens).
  std::string subject;
};

// A submitted connection string, secured: the token that stands for it.
struct SecuredEntry {
  crypto::SecretBuffer token;
  std::string masked;  // the connection string with its password masked
  std::string server;  // the storage server the token is bound to
};

struct EntrySecuring {
  // Puts `connection_string` into the store; the error is shown on the page.
  std::function<StatusOr<SecuredEntry>(const EntryDetails&, crypto::SecretBuffer)> secure;
  // Revokes a token nobody took.
  std::function<void(SecuredEntry&)> discard;
};

class ConnectionEntryTable {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Options {
    std::chrono::milliseconds lifetime = std::chrono::minutes(10);
    std::size_t max_pending = 64;
    int max_code_attempts = 5;
    Clock clock;  // default: steady_clock::now (tests inject one)
  };
  struct Opened {
    std::string id;
    std::string code;  // "ABCD-EFGH"
  };
  struct PageView {
    EntryDetails details;
    std::string csrf;
  };

  ConnectionEntryTable(EntrySecuring securing, Options options);
  ~ConnectionEntryTable();
  ConnectionEntryTable(const ConnectionEntryTable&) = delete;
  ConnectionEntryTable& operator=(const ConnectionEntryTable&) = delete;

  // ResourceExhausted when max_pending entries are pending.
  StatusOr<Opened> Open(EntryDetails details);
  // What the page shows for entry `id`; NotFound (saying whether unknown,
  // used, cancelled or expired) when it cannot be submitted.
  StatusOr<PageView> ForPage(const std::string& id, std::string_view browser_key = {});
  Status Submit(const std::string& id, std::string_view csrf, std::string_view code,
                crypto::SecretBuffer connection_string, std::string_view browser_key = {});
  // A new browser key for entry `id` when `subject` (who signed in on the
  // page) is the entry's; PermissionDenied, and the entry cancelled, when not.
  StatusOr<std::string> AdmitBrowser(const std::string& id, const std::string& subject);
  // See the contract. `owner` must be the entry's (NotFound otherwise).
  // Cancelled: the user declined, the code was wrong too often, or `stop`
  // was requested; DeadlineExceeded: the entry expired.
  StatusOr<SecuredEntry> Wait(const std::string& id, const std::string& owner,
                              std::stop_token stop);
  // Ends a pending entry (the elicitation was declined or cancelled).
  void Cancel(const std::string& id);
  // Whether an entry is waiting for its submission.
  bool HasPending();
  // Wakes waiters to look at the clock again (tests that move their clock).
  void Tick();
  std::chrono::milliseconds lifetime() const { return options_.lifetime; }

 private:
  enum class State { kPending, kSubmitted, kTaken, kCancelled };
  struct Entry {
    EntryDetails details;
    std::string code;
    std::string csrf;
    std::string browser_key;  // "" until a browser signed in (subject only)
    std::chrono::steady_clock::time_point expires;
    State state = State::kPending;
    int wrong_codes = 0;
    std::optional<SecuredEntry> secured;
  };
  std::chrono::steady_clock::time_point Now() const;
  bool ExpiredLocked(const Entry& entry) const;
  // Drops entries long past their expiry, discarding tokens nobody took.
  void SweepLocked();
  Status NotSubmittable(const Entry& entry) const;
  // The entry `id` when it can still be submitted; NotFound saying why not.
  StatusOr<Entry*> SubmittableLocked(const std::string& id);
  // Ends `entry` and wakes its waiter.
  void CancelLocked(Entry& entry);
  static Status BrowserRefused(const Entry& entry, std::string_view browser_key);

  EntrySecuring securing_;
  Options options_;
  std::mutex mu_;
  std::condition_variable_any changed_;
  std::uint64_t changes_ = 0;  // counts changed_'s notifications
  std::map<std::string, Entry> entries_;
};

// A lifetime for the user: "10 minutes", "1 minute", or seconds ("6 s").
std::string LifetimeText(std::chrono::milliseconds lifetime);

}  // namespace aurite::host
