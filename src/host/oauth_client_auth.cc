// Form encoding and HTTP Basic client credentials (oauth_client_auth.h).
#include "host/oauth_client_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "base/text.h"

namespace aurite::host {

void AppendFormEncoded(std::string_view text, crypto::SecretBuffer& out) {
  PercentEncodeTo(text, [&out](std::string_view piece) { out.Append(piece); });
}

crypto::SecretBuffer BasicClientCredentials(std::string_view client_id,
                                            const crypto::SecretBuffer& client_secret) {
  crypto::SecretBuffer pair;
  AppendFormEncoded(client_id, pair);
  pair.Append(":");
  AppendFormEncoded(client_secret.Reveal(), pair);
  std::vector<unsigned char> encoded(4 * ((pair.size() + 2) / 3) + 1);
  const int length =
      EVP_EncodeBlock(encoded.data(), reinterpret_cast<const unsigned char*>(pair.Reveal().data()),
                      static_cast<int>(pair.size()));
  crypto::SecretBuffer header = crypto::SecretBuffer::CopyFrom("Basic ");
  header.Append(std::span<const unsigned char>(encoded.data(), static_cast<std::size_t>(length)));
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return header;
}

}  // namespace aurite::host
