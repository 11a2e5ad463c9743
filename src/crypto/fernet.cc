// Fernet on OpenSSL 3: AES-128-CBC through EVP_CIPHER, HMAC-SHA256 through
// EVP_MAC. Algorithms are fetched once per process; the keyed HMAC state is
// built once per key and duplicated per call, which keeps calls cheap and
// thread-safe.
#include "crypto/fernet.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/openssl_handles.h"
#include "crypto/random.h"

namespace aurite::crypto {
namespace {

constexpr unsigned char kVersion = 0x80;
constexpr std::size_t kHeaderSize = 1 + 8 + Fernet::kIvSize;
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kBlockSize = 16;

const EVP_CIPHER* Aes128Cbc() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  return cipher;
}

EVP_MAC* Hmac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

void PutBigEndian64(std::uint64_t value, unsigned char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
}

std::uint64_t GetBigEndian64(const unsigned char* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}

bool WithinTtl(std::uint64_t timestamp, const DecryptOptions& options) {
  if (!options.ttl) return true;
  std::uint64_t now = options.now.value_or(UnixNow());
  auto skew = static_cast<std::uint64_t>(Fernet::kMaxClockSkew.count());
  if (timestamp > now + skew) return false;
  auto ttl = static_cast<std::uint64_t>(options.ttl->count());
  return timestamp >= now || now - timestamp <= ttl;
}

}  // namespace

std::uint64_t UnixNow() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
}

Status InvalidFernetTokenError() {
  return InvalidArgumentError(
      "invalid Fernet token (malformed, tampered with, expired, or made with another key)");
}

Fernet::Fernet(FernetKey key) : key_(std::move(key)), mac_template_(EVP_MAC_CTX_new(Hmac())) {
  if (!mac_template_) OpenSslFailure("EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  std::span<const unsigned char> signing = key_.signing_key();
  if (EVP_MAC_init(mac_template_.get(), signing.data(), signing.size(), params) != 1) {
    OpenSslFailure("EVP_MAC_init");
  }
}

bool Fernet::ComputeMac(std::span<const unsigned char> data, unsigned char out[kMacSize]) const {
  MacCtx ctx(EVP_MAC_CTX_dup(mac_template_.get()));
  std::size_t written = 0;
  return ctx && EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1 &&
         EVP_MAC_final(ctx.get(), out, &written, kMacSize) == 1 && written == kMacSize;
}

std::string Fernet::Encrypt(std::span<const unsigned char> plaintext) const {
  unsigned char iv[kIvSize];
  FillRandom(iv);
  return EncryptAt(plaintext, UnixNow(), iv);
}

std::string Fernet::Encrypt(std::string_view plaintext) const {
  return Encrypt(
      std::span(reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size()));
}

std::string Fernet::EncryptAt(std::span<const unsigned char> plaintext, std::uint64_t timestamp,
                              std::span<const unsigned char, kIvSize> iv) const {
  std::size_t padded = (plaintext.size() / kBlockSize + 1) * kBlockSize;
  std::vector<unsigned char> raw(kHeaderSize + padded + kMacSize);
  raw[0] = kVersion;
  PutBigEndian64(timestamp, &raw[1]);
  std::memcpy(&raw[9], iv.data(), kIvSize);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int out1 = 0;
  int out2 = 0;
  unsigned char* ciphertext = raw.data() + kHeaderSize;
  if (!ctx ||
      EVP_EncryptInit_ex2(ctx.get(), Aes128Cbc(), key_.encryption_key().data(), iv.data(),
                          nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ciphertext, &out1, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ciphertext + out1, &out2) != 1 ||
      static_cast<std::size_t>(out1 + out2) != padded) {
    OpenSslFailure("AES-128-CBC encryption");
  }
  std::size_t signed_size = kHeaderSize + padded;
  if (!ComputeMac(std::span(raw.data(), signed_size), raw.data() + signed_size))
    OpenSslFailure("HMAC-SHA256");
  return Base64UrlEncode(raw, Padding::kPadded);
}

StatusOr<SecretBuffer> Fernet::Decrypt(std::string_view token,
                                       const DecryptOptions& options) const {
  AURITE_ASSIGN_OR_RETURN(FernetPlaintext opened, DecryptWithTimestamp(token, options));
  return std::move(opened.plaintext);
}

StatusOr<FernetPlaintext> Fernet::DecryptWithTimestamp(std::string_view token,
                                                       const DecryptOptions& options) const {
  StatusOr<std::vector<unsigned char>> decoded = Base64UrlDecode(token, Padding::kPadded);
  if (!decoded.ok()) return InvalidFernetTokenError();
  const std::vector<unsigned char>& raw = *decoded;
  if (raw.size() < kHeaderSize + kBlockSize + kMacSize ||
      (raw.size() - kHeaderSize - kMacSize) % kBlockSize != 0 || raw[0] != kVersion) {
    return InvalidFernetTokenError();
  }
  std::uint64_t timestamp = GetBigEndian64(&raw[1]);
  if (!WithinTtl(timestamp, options)) return InvalidFernetTokenError();

  std::size_t signed_size = raw.size() - kMacSize;
  unsigned char mac[kMacSize];
  if (!ComputeMac(std::span(raw.data(), signed_size), mac) ||
      CRYPTO_memcmp(mac, raw.data() + signed_size, kMacSize) != 0) {
    return InvalidFernetTokenError();
  }

  std::size_t ciphertext_size = signed_size - kHeaderSize;
  // EVP may write up to one block more than the input before unpadding.
  SecretBuffer plaintext(ciphertext_size + kBlockSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int out1 = 0;
  int out2 = 0;
  if (!ctx ||
      EVP_DecryptInit_ex2(ctx.get(), Aes128Cbc(), key_.encryption_key().data(), &raw[9], nullptr) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), plaintext.data(), &out1, raw.data() + kHeaderSize,
                        static_cast<int>(ciphertext_size)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + out1, &out2) != 1) {
    return InvalidFernetTokenError();
  }
  plaintext.Truncate(static_cast<std::size_t>(out1 + out2));
  return FernetPlaintext{std::move(plaintext), timestamp};
}

}  // namespace aurite::crypto
