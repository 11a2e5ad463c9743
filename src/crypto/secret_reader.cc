// ReadSecret: a read(2) loop into a SecretBuffer.
#include "crypto/secret_reader.h"

#include <openssl/crypto.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aurite::crypto {

StatusOr<SecretBuffer> ReadSecret(int fd, std::size_t max_size) {
  SecretBuffer contents;
  unsigned char chunk[65536];
  Status status;
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = UnavailableError(std::string("read failed: ") + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    contents.Append(std::span<const unsigned char>(chunk, static_cast<std::size_t>(n)));
    if (contents.size() > max_size) {
      status =
          ResourceExhaustedError("input is larger than " + std::to_string(max_size) + " bytes");
      break;
    }
  }
  OPENSSL_cleanse(chunk, sizeof chunk);
  if (!status.ok()) return status;
  return contents;
}

}  // namespace aurite::crypto
