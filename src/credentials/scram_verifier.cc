// SCRAM-SHA-256 verifiers with OpenSSL, as libpq's scram_build_secret
// builds them.
#include "credentials/scram_verifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <string_view>

#include "crypto/random.h"

namespace aurite::credentials {
namespace {

// Standard base64 with padding, appended to `out`.
void AppendBase64(std::span<const unsigned char> bytes, crypto::SecretBuffer& out) {
  crypto::SecretBuffer encoded(4 * ((bytes.size() + 2) / 3) + 1);
  const int length = EVP_EncodeBlock(encoded.data(), bytes.data(), static_cast<int>(bytes.size()));
  encoded.Truncate(static_cast<std::size_t>(length));
  out.Append(encoded.bytes());
}

crypto::SecretBuffer Hmac(const crypto::SecretBuffer& key, std::string_view message) {
  crypto::SecretBuffer mac(SHA256_DIGEST_LENGTH);
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length);
  return mac;
}

}  // namespace

StatusOr<crypto::SecretBuffer> ScramSha256Verifier(const crypto::SecretBuffer& password,
                                                   std::span<const unsigned char> salt,
                                                   int iterations) {
  for (unsigned char c : password.bytes()) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidArgumentError(
          "a PostgreSQL password for Aurite's SCRAM verifier must be printable ASCII");
    }
  }
  if (iterations < 1) return InvalidArgumentError("SCRAM needs at least one iteration");
  crypto::SecretBuffer salted(SHA256_DIGEST_LENGTH);
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()),
                        static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(salted.size()), salted.data()) != 1) {
    return InternalError("PBKDF2-HMAC-SHA256 failed in OpenSSL");
  }
  const crypto::SecretBuffer client_key = Hmac(salted, "Client Key");
  crypto::SecretBuffer stored_key(SHA256_DIGEST_LENGTH);
  SHA256(client_key.data(), client_key.size(), stored_key.data());
  const crypto::SecretBuffer server_key = Hmac(salted, "Server Key");

  crypto::SecretBuffer verifier;
  verifier.Append("SCRAM-SHA-256$" + std::to_string(iterations) + ":");
  AppendBase64(salt, verifier);
  verifier.Append("$");
  AppendBase64(stored_key.bytes(), verifier);
  verifier.Append(":");
  AppendBase64(server_key.bytes(), verifier);
  return verifier;
}

StatusOr<crypto::SecretBuffer> ScramSha256Verifier(const crypto::SecretBuffer& password) {
  std::array<unsigned char, kScramSaltBytes> salt;
  crypto::FillRandom(salt);
  return ScramSha256Verifier(password, salt, kScramIterations);
}

}  // namespace aurite::credentials
