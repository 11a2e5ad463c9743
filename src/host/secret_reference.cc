// Expansion of ${env:…}, ${file:…}, ${exec:…}, ${aws-sm:…}, ${keyring:…} and
// ${vault:…} references.
#include "host/secret_reference.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/unique_fd.h"
#include "credentials/secret_command.h"
#include "crypto/secret_reader.h"
#include "secrets/aws_secret_reference.h"
#include "secrets/keyring.h"

namespace aurite::host {
namespace {

// Secrets are short; a larger output means the reference points at the
// wrong thing, and reading on would only hold more of it in memory.
constexpr std::size_t kMaxSecretSize = 64 * 1024;

void DropTrailingNewline(crypto::SecretBuffer& secret) {
  std::size_t size = secret.size();
  if (size > 0 && secret.data()[size - 1] == '\n') --size;
  if (size > 0 && secret.data()[size - 1] == '\r') --size;
  secret.Truncate(size);
}

// Reads `fd` to its end; `what` names the source in messages.
StatusOr<crypto::SecretBuffer> ReadSource(int fd, const std::string& what) {
  StatusOr<crypto::SecretBuffer> contents = crypto::ReadSecret(fd, kMaxSecretSize);
  if (contents.status().code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError(what + " is larger than 64 KiB");
  }
  if (!contents.ok()) return UnavailableError(what + " could not be read to the end");
  DropTrailingNewline(*contents);
  return contents;
}

StatusOr<crypto::SecretBuffer> ReadSecretFile(const std::string& path) {
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) {
    return NotFoundError("file '" + path + "' cannot be read: " + std::strerror(errno));
  }
  return ReadSource(file.get(), "file '" + path + "'");
}

// Runs through the shell, as the reference's text is a command line, but
// with only the environment credential tools need (CommandEnvironment): the
// store key and other secrets of the host are not handed to it.
StatusOr<crypto::SecretBuffer> RunReferencedCommand(const std::string& command) {
  return credentials::RunSecretCommand({.program = "/bin/sh",
                                        .arguments = {"-c", command},
                                        .environment = credentials::CommandEnvironment(environ),
                                        .timeout = std::chrono::seconds(30),
                                        .max_output = kMaxSecretSize,
                                        .description = "command '" + command + "'"});
}

StatusOr<crypto::SecretBuffer> ReadSecretsManager(const std::string& reference) {
  return secrets::ReadAwsSecret(reference, crypto::ProcessEnvironment);
}

std::optional<std::string_view> ProcessEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

StatusOr<crypto::SecretBuffer> ReadKeyringReference(const std::string& target) {
  AURITE_ASSIGN_OR_RETURN(secrets::KeyringItem item, secrets::ParseKeyringItem(target));
  return secrets::ReadKeyringSecret(item);
}

StatusOr<crypto::SecretBuffer> ResolveReference(std::string_view reference,
                                                const ReferenceSources& sources) {
  std::size_t colon = reference.find(':');
  std::string scheme(reference.substr(0, colon == std::string_view::npos ? 0 : colon));
  std::string target(colon == std::string_view::npos ? "" : reference.substr(colon + 1));
  if (target.empty() || (scheme != "env" && scheme != "file" && scheme != "exec" &&
                         scheme != "aws-sm" && scheme != "keyring" && scheme != "vault")) {
    // Not echoed: an unknown "${…}" may be part of a literal password.
    return InvalidArgumentError(
        "contains a '${' that is not a secret reference; use ${env:VAR}, ${file:PATH}, "
        "${exec:COMMAND}, ${aws-sm:SECRET_ID#FIELD}, ${keyring:SERVICE/ACCOUNT} or "
        "${vault:MOUNT/PATH#FIELD}, and write $${ for a literal ${");
  }
  std::string shown = "${" + std::string(reference) + "}";
  if (scheme == "env") {
    std::optional<std::string_view> value = sources.environment(target);
    if (!value) {
      return NotFoundError(shown + ": environment variable " + target +
                           " is not set; set it in the environment that starts aurite");
    }
    return crypto::SecretBuffer::CopyFrom(*value);
  }
  if (scheme == "vault" && !sources.read_vault_secret) {
    return FailedPreconditionError(shown + ": Vault references are read only in aurite.json");
  }
  StatusOr<crypto::SecretBuffer> value = scheme == "file"     ? sources.read_file(target)
                                         : scheme == "exec"   ? sources.run_command(target)
                                         : scheme == "aws-sm" ? sources.read_aws_secret(target)
                                         : scheme == "vault"  ? sources.read_vault_secret(target)
                                                              : sources.read_keyring(target);
  if (!value.ok()) return Status(value.status().code(), shown + ": " + value.status().message());
  return value;
}

}  // namespace

const ReferenceSources& SystemReferenceSources() {
  static const ReferenceSources sources{ProcessEnvironment,   ReadSecretFile,
                                        RunReferencedCommand, ReadSecretsManager,
                                        ReadKeyringReference, nullptr};
  return sources;
}

bool HasSecretReference(std::string_view value) {
  return value.find("${") != std::string_view::npos;
}

StatusOr<crypto::SecretBuffer> ExpandSecretReferences(std::string_view value,
                                                      const ReferenceSources& sources) {
  crypto::SecretBuffer expanded;
  std::size_t at = 0;
  while (at < value.size()) {
    std::size_t start = value.find("${", at);
    if (start == std::string_view::npos) {
      expanded.Append(value.substr(at));
      break;
    }
    if (start > at && value[start - 1] == '$') {  // "$${" is a literal "${"
      expanded.Append(value.substr(at, start - 1 - at));
      expanded.Append("${");
      at = start + 2;
      continue;
    }
    expanded.Append(value.substr(at, start - at));
    std::size_t end = value.find('}', start);
    if (end == std::string_view::npos) {
      return InvalidArgumentError("unterminated secret reference: a '${' has no closing '}'");
    }
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                            ResolveReference(value.substr(start + 2, end - start - 2), sources));
    expanded.Append(secret.bytes());
    at = end + 1;
  }
  return expanded;
}

}  // namespace aurite::host
