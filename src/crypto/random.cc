// CSPRNG access; failure is fatal by design (see random.h).
#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "base/text.h"

namespace aurite::crypto {

void FillRandom(std::span<unsigned char> out) {
  while (!out.empty()) {
    std::size_t chunk = out.size() > INT_MAX ? INT_MAX : out.size();
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      std::fputs("aurite: the system random number generator failed; stopping\n", stderr);
      std::abort();
    }
    out = out.subspan(chunk);
  }
}

std::string RandomHex(std::size_t size) {
  std::vector<unsigned char> bytes(size);
  FillRandom(bytes);
  return HexEncode(bytes);
}

SecretBuffer RandomSecret(std::size_t size) {
  SecretBuffer secret(size);
  FillRandom(secret.mutable_bytes());
  return secret;
}

}  // namespace aurite::crypto
