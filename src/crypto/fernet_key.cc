// Parsing, generating and printing Fernet keys.
#include "crypto/fernet_key.h"

#include "crypto/base64url.h"
#include "crypto/random.h"

namespace aurite::crypto {

FernetKey FernetKey::Generate() { return FernetKey(RandomSecret(kSize)); }

StatusOr<FernetKey> FernetKey::FromText(std::string_view text) {
  auto wrong = [] {
    return InvalidArgumentError(
        "not a Fernet key: expected 44 URL-safe base64 characters that decode to 32 bytes "
        "(generate one with `aurite key generate`)");
  };
  if (text.size() != kTextSize) return wrong();
  StatusOr<SecretBuffer> bytes = Base64UrlDecodeSecret(text, Padding::kPadded);
  if (!bytes.ok() || bytes->size() != kSize) return wrong();
  return FernetKey(std::move(bytes).value());
}

StatusOr<FernetKey> FernetKey::FromBytes(SecretBuffer bytes) {
  if (bytes.size() != kSize) return InvalidArgumentError("a Fernet key must be exactly 32 bytes");
  return FernetKey(std::move(bytes));
}

SecretBuffer FernetKey::ToText() const {
  return Base64UrlEncodeSecret(bytes_.bytes(), Padding::kPadded);
}

}  // namespace aurite::crypto
