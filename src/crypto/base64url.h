// Strict base64url (RFC 4648 §5) encoding and decoding.
//
// Decoding rejects anything that is not the canonical encoding: characters
// outside A-Z a-z 0-9 - _, whitespace, misplaced or missing padding, and
// non-zero bits in the last character. Fernet keys and tokens are padded;
// access tokens are not, so callers say which form they expect.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::crypto {

enum class Padding { kPadded, kUnpadded };

std::string Base64UrlEncode(std::span<const unsigned char> bytes, Padding padding);
// For secret bytes (keys): the text form is as secret as the bytes.
SecretBuffer Base64UrlEncodeSecret(std::span<const unsigned char> bytes, Padding padding);

StatusOr<std::vector<unsigned char>> Base64UrlDecode(std::string_view text, Padding padding);
StatusOr<SecretBuffer> Base64UrlDecodeSecret(std::string_view text, Padding padding);

}  // namespace aurite::crypto
