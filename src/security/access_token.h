// Access tokens: the only handle a client or backend server ever holds for a
// secured credential.
//
// A token is 256 bits from the CSPRNG, written as "aurite_tk_" followed by
// 43 characters of unpadded base64url. The fixed prefix lets secret scanners
// find leaked tokens. Only the SHA-256 digest of the text form is stored, so
// a copy of the store does not yield usable tokens.
#pragma once

#include <array>
#include <string_view>

#include "crypto/secret_buffer.h"

namespace aurite::security {

inline constexpr std::string_view kAccessTokenPrefix = "aurite_tk_";
inline constexpr std::size_t kAccessTokenBytes = 32;
inline constexpr std::size_t kAccessTokenTextSize = kAccessTokenPrefix.size() + 43;

using TokenDigest = std::array<unsigned char, 32>;

// A fresh token in its text form.
crypto::SecretBuffer MintAccessToken();

// True when `text` has the shape of a token (prefix, length, alphabet).
// Says nothing about whether the token is live.
bool LooksLikeAccessToken(std::string_view text);

// SHA-256 of the token text.
TokenDigest DigestAccessToken(std::string_view token);

// Constant-time equality of two digests.
bool DigestsEqual(const TokenDigest& a, const TokenDigest& b);

}  // namespace aurite::security
