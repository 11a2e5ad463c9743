// Removal of a secret from error text.
#include "sql/error_text.h"

#include <openssl/crypto.h>

namespace aurite::sql {

std::string ScrubSecret(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  for (std::size_t at = message.find(secret); at != std::string::npos;
       at = message.find(secret, at)) {
    OPENSSL_cleanse(message.data() + at, secret.size());
    message.replace(at, secret.size(), "****");
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace aurite::sql
