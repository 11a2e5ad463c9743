// Removal of a secret from error text.
#include "sql/error_text.h"

#include <openssl/crypto.h>

namespace aurite::sql {

std::string ScrubSecret(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  constexpr std::string_view kMask = "****";
  // The search goes on after the mask: a secret of asterisks ("*", "****")
  // would otherwise be found in its own mask, for ever.
  for (std::size_t at = message.find(secret); at != std::string::npos;
       at = message.find(secret, at + kMask.size())) {
    OPENSSL_cleanse(message.data() + at, secret.size());
    message.replace(at, secret.size(), kMask);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

std::string ScrubSecretFragments(std::string message, std::string_view secret,
                                 std::size_t min_run) {
  if (secret.size() < min_run) return ScrubSecret(std::move(message), secret);
  for (std::size_t at = 0; at + min_run <= message.size(); ++at) {
    std::size_t run = 0;
    while (at + run < message.size() &&
           secret.find(std::string_view(message).substr(at, run + 1)) != std::string_view::npos) {
      ++run;
    }
    if (run < min_run) continue;
    OPENSSL_cleanse(message.data() + at, run);
    message.replace(at, run, "****");
    at += 3;
  }
  return message;
}

}  // namespace aurite::sql
