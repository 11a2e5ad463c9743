// Reading and storing keyring items through libsecret (keyring.h).
#include "secrets/keyring.h"

// libsecret's headers predate -Wextra's cast checks; keep them quiet here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
#include <libsecret/secret.h>
#pragma GCC diagnostic pop

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace aurite::secrets {
namespace {

// Items are matched by attribute only (not by schema name), so those that
// secret-tool made are found too.
const SecretSchema kSchema = {"io.aurite.Secret",
                              SECRET_SCHEMA_DONT_MATCH_NAME,
                              {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                              0,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr};

struct GErrorFree {
  void operator()(GError* error) const { g_error_free(error); }
};
using ErrorPtr = std::unique_ptr<GError, GErrorFree>;
struct CancellableUnref {
  void operator()(GCancellable* cancellable) const { g_object_unref(cancellable); }
};

std::string Describe(const KeyringItem& item) {
  return "keyring item " + item.service + "/" + item.account;
}

// Cancels `cancellable` when `timeout` passes before the guard is destroyed.
class CancelAfter {
 public:
  CancelAfter(GCancellable* cancellable, std::chrono::milliseconds timeout)
      : worker_([this, cancellable, timeout] {
          std::unique_lock lock(mu_);
          if (!done_cv_.wait_for(lock, timeout, [this] { return done_; })) {
            timed_out_ = true;
            g_cancellable_cancel(cancellable);
          }
        }) {}
  ~CancelAfter() { Finish(); }
  // Stops the timer; true when it had fired already.
  bool Finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    return timed_out_;
  }

 private:
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  bool timed_out_ = false;
  std::thread worker_;
};

// The error for a failed call on `item`: what went wrong and what to do.
Status KeyringError(const KeyringItem& item, const GError* error, bool timed_out,
                    std::chrono::milliseconds timeout) {
  const std::string what = Describe(item);
  if (timed_out) {
    return DeadlineExceededError(
        what + ": the keyring did not answer within " + std::to_string(timeout.count()) +
        " ms; it may be locked and waiting for a password prompt: unlock it and try again");
  }
  const std::string detail = error != nullptr ? error->message : "unknown error";
  if (error != nullptr && (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR)) {
    return UnavailableError(what +
                            ": no Secret Service answers (a desktop keyring such as GNOME "
                            "Keyring, KWallet or KeePassXC on the session bus): " +
                            detail);
  }
  return UnavailableError(what + ": the keyring refused: " + detail +
                          " (a locked keyring must be unlocked first, e.g. by logging in to the "
                          "desktop session)");
}

}  // namespace

StatusOr<KeyringItem> ParseKeyringItem(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return InvalidArgumentError(
        "a keyring item is SERVICE/ACCOUNT, e.g. aurite/orders-db (the attributes `service` and "
        "`account`, as `secret-tool store --label=L service S account A` writes them)");
  }
  return KeyringItem{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

StatusOr<crypto::SecretBuffer> ReadKeyringSecret(const KeyringItem& item,
                                                 std::chrono::milliseconds timeout) {
  std::unique_ptr<GCancellable, CancellableUnref> cancellable(g_cancellable_new());
  GError* raw_error = nullptr;
  gchar* found = nullptr;
  bool timed_out = false;
  {
    CancelAfter guard(cancellable.get(), timeout);
    found =
        secret_password_lookup_sync(&kSchema, cancellable.get(), &raw_error, "service",
                                    item.service.c_str(), "account", item.account.c_str(), nullptr);
    timed_out = guard.Finish();
  }
  ErrorPtr error(raw_error);
  if (found == nullptr) {
    if (error == nullptr) {
      return NotFoundError(Describe(item) +
                           ": no such item in the keyring; store it with `aurite secret set " +
                           item.service + "/" + item.account + "`");
    }
    return KeyringError(item, error.get(), timed_out, timeout);
  }
  crypto::SecretBuffer secret = crypto::SecretBuffer::CopyFrom(found);
  secret_password_free(found);  // wipes libsecret's copy
  return secret;
}

Status StoreKeyringSecret(const KeyringItem& item, const crypto::SecretBuffer& secret,
                          std::string_view label, std::chrono::milliseconds timeout) {
  // libsecret takes a NUL-terminated password; build it where it is wiped.
  crypto::SecretBuffer terminated = secret.Clone();
  terminated.Append(std::string_view("\0", 1));
  const std::string label_text(label);
  std::unique_ptr<GCancellable, CancellableUnref> cancellable(g_cancellable_new());
  GError* raw_error = nullptr;
  gboolean stored = FALSE;
  bool timed_out = false;
  {
    CancelAfter guard(cancellable.get(), timeout);
    stored = secret_password_store_sync(&kSchema, SECRET_COLLECTION_DEFAULT, label_text.c_str(),
                                        terminated.Reveal().data(), cancellable.get(), &raw_error,
                                        "service", item.service.c_str(), "account",
                                        item.account.c_str(), nullptr);
    timed_out = guard.Finish();
  }
  ErrorPtr error(raw_error);
  if (!stored) return KeyringError(item, error.get(), timed_out, timeout);
  return OkStatus();
}

}  // namespace aurite::secrets
