// Fuzzes strict base64url (src/crypto/base64url), padded and unpadded, on
// arbitrary text and on arbitrary bytes.
//
// Properties: encoding any bytes and decoding the text gives the bytes back;
// decoding accepts only canonical text, so whatever it accepts encodes back
// to exactly the same text; the SecretBuffer forms agree with the plain
// ones; encoded text uses only the base64url alphabet (and '=' padding,
// padded form only).
#include <string>
#include <vector>

#include "crypto/base64url.h"
#include "fuzz/fuzz_check.h"

namespace {

using aurite::fuzz::Check;
namespace crypto = aurite::crypto;

bool InAlphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

void RoundTrip(std::span<const unsigned char> bytes, crypto::Padding padding) {
  const std::string text = crypto::Base64UrlEncode(bytes, padding);
  const std::size_t unpadded = (bytes.size() * 4 + 2) / 3;
  Check(
      text.size() == (padding == crypto::Padding::kPadded ? (bytes.size() + 2) / 3 * 4 : unpadded),
      "the encoded length is the standard one");
  for (std::size_t i = 0; i < text.size(); ++i) {
    Check(i < unpadded ? InAlphabet(text[i]) : text[i] == '=', "encoded text is base64url");
  }
  Check(crypto::Base64UrlEncodeSecret(bytes, padding).Reveal() == text,
        "the secret encoder agrees with the plain one");
  auto decoded = crypto::Base64UrlDecode(text, padding);
  Check(decoded.ok() && std::equal(decoded->begin(), decoded->end(), bytes.begin(), bytes.end()),
        "decoding an encoding gives the bytes back");
}

void DecodeCanonical(std::string_view text, crypto::Padding padding) {
  auto decoded = crypto::Base64UrlDecode(text, padding);
  auto secret = crypto::Base64UrlDecodeSecret(text, padding);
  Check(decoded.ok() == secret.ok(), "the secret decoder accepts what the plain one does");
  if (!decoded.ok()) return;
  Check(
      std::equal(decoded->begin(), decoded->end(), secret->bytes().begin(), secret->bytes().end()),
      "the secret decoder agrees with the plain one");
  Check(crypto::Base64UrlEncode(*decoded, padding) == text,
        "accepted text is the canonical encoding of what it decodes to");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const unsigned char> bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (crypto::Padding padding : {crypto::Padding::kPadded, crypto::Padding::kUnpadded}) {
    RoundTrip(bytes, padding);
    DecodeCanonical(text, padding);
  }
  return 0;
}
