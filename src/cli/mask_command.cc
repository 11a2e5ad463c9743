// `aurite mask`: copy stdin to stdout with the secret parts of connection strings masked.
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "crypto/secret_reader.h"
#include "security/masking.h"

namespace aurite::cli {
namespace {

int Mask() {
  StatusOr<crypto::SecretBuffer> input = crypto::ReadSecret(STDIN_FILENO);
  if (!input.ok()) {
    std::cerr << "aurite mask: cannot read stdin: " << input.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << security::MaskSecrets(input->Reveal()) << std::flush;
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
