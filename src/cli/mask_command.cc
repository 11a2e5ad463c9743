// `aurite mask`: copy stdin to stdout with the secret parts of connection strings masked.
#include <openssl/crypto.h>
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "crypto/secret_buffer.h"
#include "security/masking.h"

namespace aurite::cli {
namespace {

crypto::SecretBuffer ReadAllStdin() {
  crypto::SecretBuffer input;
  char chunk[65536];
  ssize_t n;
  while ((n = ::read(STDIN_FILENO, chunk, sizeof chunk)) > 0) {
    input.Append(std::string_view(chunk, static_cast<std::size_t>(n)));
  }
  OPENSSL_cleanse(chunk, sizeof chunk);
  return input;
}

int Mask() {
  crypto::SecretBuffer input = ReadAllStdin();
  std::cout << security::MaskSecrets(input.Reveal()) << std::flush;
  return kExitOk;
}

}  // namespace

void RegisterMaskCommand(CLI::App& app, CommandResult& result) {
  CLI::App* mask = app.add_subcommand(
      "mask", "Copy stdin to stdout with passwords in connection strings replaced by ****");
  mask->footer(
      "Understands URIs (postgres, mysql, mongodb, redis, amqp, http basic auth, SQLAlchemy, "
      "JDBC), libpq key=value, ADO.NET and ODBC strings, and query parameters named like "
      "password, secret, token or key.\nExample:\n"
      "  echo 'postgres://app:s3cret@db/prod' | aurite mask    # postgres://app:****@db/prod");
  mask->callback([&result] { result.exit_status = Mask(); });
}

}  // namespace aurite::cli
