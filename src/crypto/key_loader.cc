// Reading and classifying the store key setting.
#include "crypto/key_loader.h"

#include <fcntl.h>
#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>

#include "base/unique_fd.h"
#include "crypto/base64url.h"
#include "crypto/secret_reader.h"

namespace aurite::crypto {
namespace {

constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

std::string AcceptedForms() {
  return "accepted forms: a Fernet key of 44 URL-safe base64 characters (make one with "
         "`aurite key generate`), or a passphrase of any other text";
}

StatusOr<SecretBuffer> ReadKeyFile(const std::string& variable, const std::string& path) {
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) {
    return InvalidArgumentError(variable + " names '" + path +
                                "', which cannot be read: " + std::strerror(errno) +
                                ". Point it at a readable file holding the key");
  }
  StatusOr<SecretBuffer> read = ReadSecret(file.get(), kMaxKeyFileSize);
  if (read.status().code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError(variable + " names '" + path + "', which is larger than 64 KiB; " +
                                "it must hold only the key");
  }
  if (!read.ok()) {
    return InvalidArgumentError(variable + " names '" + path +
                                "', which could not be read to the end");
  }
  SecretBuffer contents = std::move(read).value();
  // Editors and `echo` end files with a newline that is not part of the key.
  std::size_t size = contents.size();
  while (size > 0 && (contents.data()[size - 1] == '\n' || contents.data()[size - 1] == '\r'))
    --size;
  contents.Truncate(size);
  return contents;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '+' || c == '/';
}

// True for text that can only have been meant as a Fernet key: 43 or 44
// base64 characters, possibly with one '=' at the end. Such text that is not
// a valid key is an error, not a passphrase, so a mangled key is caught.
bool LooksLikeFernetKey(std::string_view text) {
  if (text.size() == FernetKey::kTextSize && text.back() == '=') text.remove_suffix(1);
  if (text.size() != FernetKey::kTextSize - 1 && text.size() != FernetKey::kTextSize) return false;
  for (char c : text) {
    if (!IsBase64Char(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> ProcessEnvironment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

std::optional<std::string_view> NonEmptyVariable(const EnvironmentLookup& environment,
                                                 std::string_view name) {
  std::optional<std::string_view> value = environment(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

StatusOr<KeySetting> ClassifyKeyText(SecretBuffer text, std::string origin, std::string variable) {
  if (variable.empty()) variable = origin;
  if (text.empty()) {
    return InvalidArgumentError(origin + " is set but empty; unset it to use a temporary key, " +
                                "or set it (" + AcceptedForms() + ")");
  }
  if (FernetKey::FromText(text.Reveal()).ok()) {
    return KeySetting{KeyForm::kFernetKey, std::move(text), std::move(origin), std::move(variable)};
  }
  if (LooksLikeFernetKey(text.Reveal())) {
    return InvalidArgumentError(origin + " looks like a Fernet key but is not one: it must be 44 " +
                                "URL-safe base64 characters ('-' and '_', not '+' and '/') that " +
                                "decode to exactly 32 bytes; " + AcceptedForms());
  }
  return KeySetting{KeyForm::kPassphrase, std::move(text), std::move(origin), std::move(variable)};
}

StatusOr<KeySetting> ReadKeySetting(const EnvironmentLookup& lookup, std::string_view variable) {
  std::string key_variable(variable);
  std::string file_variable = key_variable + "_FILE";
  std::optional<std::string_view> direct = lookup(key_variable);
  std::optional<std::string_view> file = lookup(file_variable);
  if (direct && file) {
    return InvalidArgumentError("both " + key_variable + " and " + file_variable +
                                " are set; set only one of them");
  }
  if (direct) return ClassifyKeyText(SecretBuffer::CopyFrom(*direct), key_variable);
  if (file) {
    if (file->empty()) {
      return InvalidArgumentError(
          file_variable + " is set but empty; set it to the path of a file holding the key");
    }
    AURITE_ASSIGN_OR_RETURN(SecretBuffer contents, ReadKeyFile(file_variable, std::string(*file)));
    return ClassifyKeyText(std::move(contents), file_variable + " ('" + std::string(*file) + "')",
                           file_variable);
  }
  return KeySetting{KeyForm::kUnset, SecretBuffer(), key_variable, key_variable};
}

StatusOr<FernetKey> KeyFromSetting(const KeySetting& setting, const std::optional<KdfSalt>& salt) {
  switch (setting.form) {
    case KeyForm::kFernetKey:
      return FernetKey::FromText(setting.value.Reveal());
    case KeyForm::kPassphrase:
      if (!salt) {
        return FailedPreconditionError("a passphrase key needs the store's salt to derive the key");
      }
      return DeriveKeyFromPassphrase(setting.value, *salt);
    case KeyForm::kUnset: {
      static std::once_flag warned;
      std::call_once(warned, [&setting] {
        std::cerr << "aurite: warning: " << setting.origin
                  << " is not set; using a random key for this process only, so secured "
                     "credentials will not persist across restarts\n";
      });
      return FernetKey::Generate();
    }
  }
  return InternalError("unknown key form");
}

void ForgetKeyEnvironment() {
  for (std::string_view name : {kKeyVariable, kKeyFileVariable}) {
    std::string name_text(name);
    if (char* value = std::getenv(name_text.c_str())) OPENSSL_cleanse(value, std::strlen(value));
    unsetenv(name_text.c_str());
  }
}

}  // namespace aurite::crypto
