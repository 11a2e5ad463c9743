// Expansion of ${env:…}, ${file:…}, ${exec:…}, ${aws-sm:…}, ${keyring:…} and
// ${vault:…} references.
#include "host/secret_reference.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/unique_fd.h"
#include "credentials/secret_command.h"
#include "crypto/secret_reader.h"
#include "host/config.h"
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

// The options of one reference: "refresh=5m,max_age=1d".
struct ReferenceOptions {
  std::optional<std::chrono::milliseconds> refresh;
  std::optional<std::chrono::milliseconds> max_age;
};

constexpr std::chrono::seconds kShortestRefresh{1};

StatusOr<std::chrono::milliseconds> OptionDuration(std::string_view key, std::string_view text,
                                                   const std::string& shown) {
  StatusOr<std::chrono::milliseconds> duration = ParseDuration(text);
  if (!duration.ok() || *duration < kShortestRefresh) {
    return InvalidArgumentError(shown + ": " + std::string(key) +
                                "= expects a duration of at least 1s, such as 30s, 5m or 1h");
  }
  return duration;
}

StatusOr<ReferenceOptions> ParseOptions(std::string_view text, std::string_view scheme,
                                        const std::string& shown) {
  ReferenceOptions options;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view option = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const std::size_t equals = option.find('=');
    const std::string_view key = option.substr(0, equals);
    const std::string_view duration =
        equals == std::string_view::npos ? std::string_view() : option.substr(equals + 1);
    if (key == "refresh" && !options.refresh) {
      AURITE_ASSIGN_OR_RETURN(options.refresh, OptionDuration(key, duration, shown));
    } else if (key == "max_age" && !options.max_age) {
      AURITE_ASSIGN_OR_RETURN(options.max_age, OptionDuration(key, duration, shown));
    } else {
      return InvalidArgumentError(shown +
                                  ": reference options are refresh=DURATION and "
                                  "max_age=DURATION, each at most once, separated by ','");
    }
  }
  if (!options.refresh) {
    return InvalidArgumentError(shown + ": max_age= needs refresh= (how often to read it again)");
  }
  if (options.max_age && *options.max_age < *options.refresh) {
    return InvalidArgumentError(shown + ": max_age= must be at least refresh=");
  }
  if (scheme == "env") {
    return InvalidArgumentError(
        shown +
        ": ${env:…} cannot be refreshed, as the environment does not change while "
        "aurite runs; use ${file:…} or a secret store");
  }
  return options;
}

// A reference, split: "vault(refresh=5m):secret/x#y" is scheme "vault",
// options "refresh=5m", target "secret/x#y".
struct ReferenceParts {
  std::string scheme;
  std::optional<std::string_view> options;
  std::string target;
};

ReferenceParts SplitReference(std::string_view reference) {
  const std::size_t colon = reference.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view head = reference.substr(0, colon);
  ReferenceParts parts;
  parts.target = std::string(reference.substr(colon + 1));
  if (const std::size_t open = head.find('(');
      open != std::string_view::npos && head.back() == ')') {
    parts.options = head.substr(open + 1, head.size() - open - 2);
    head = head.substr(0, open);
  }
  parts.scheme = std::string(head);
  return parts;
}

bool IsKnownScheme(std::string_view scheme) {
  return scheme == "env" || scheme == "file" || scheme == "exec" || scheme == "aws-sm" ||
         scheme == "keyring" || scheme == "vault";
}

StatusOr<crypto::SecretBuffer> ReadReference(const ReferenceParts& parts, const std::string& shown,
                                             const ReferenceSources& sources) {
  const std::string& scheme = parts.scheme;
  const std::string& target = parts.target;
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

// Expands `value`; with `refresh` null, options are refused, else the
// refresh they ask for is gathered there.
StatusOr<crypto::SecretBuffer> Expand(std::string_view value, const ReferenceSources& sources,
                                      std::optional<SecretRefresh>* refresh) {
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
    const ReferenceParts parts = SplitReference(value.substr(start + 2, end - start - 2));
    if (parts.target.empty() || !IsKnownScheme(parts.scheme)) {
      // Not echoed: an unknown "${…}" may be part of a literal password.
      return InvalidArgumentError(
          "contains a '${' that is not a secret reference; use ${env:VAR}, ${file:PATH}, "
          "${exec:COMMAND}, ${aws-sm:SECRET_ID#FIELD}, ${keyring:SERVICE/ACCOUNT} or "
          "${vault:MOUNT/PATH#FIELD}, and write $${ for a literal ${");
    }
    const std::string shown = "${" + parts.scheme + ":" + parts.target + "}";
    if (parts.options) {
      if (refresh == nullptr) {
        return InvalidArgumentError(shown +
                                    ": refresh= is accepted only in the connection_string of "
                                    "a connection; here the value is read once, at start-up");
      }
      AURITE_ASSIGN_OR_RETURN(ReferenceOptions options,
                              ParseOptions(*parts.options, parts.scheme, shown));
      if (!*refresh) {
        refresh->emplace();
        (*refresh)->interval = *options.refresh;
        (*refresh)->sources = sources;
      }
      SecretRefresh& gathered = **refresh;
      gathered.interval = std::min(gathered.interval, *options.refresh);
      if (options.max_age) {
        gathered.max_age = std::min(gathered.max_age.value_or(*options.max_age), *options.max_age);
      }
      if (!gathered.references.empty()) gathered.references += ", ";
      gathered.references += shown;
    }
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret, ReadReference(parts, shown, sources));
    expanded.Append(secret.bytes());
    at = end + 1;
  }
  return expanded;
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
  return Expand(value, sources, nullptr);
}

StatusOr<ExpandedSecret> ExpandRefreshableSecretReferences(std::string_view value,
                                                           const ReferenceSources& sources) {
  ExpandedSecret result;
  AURITE_ASSIGN_OR_RETURN(result.value, Expand(value, sources, &result.refresh));
  if (result.refresh) result.refresh->raw = crypto::SecretBuffer::CopyFrom(value);
  return result;
}

}  // namespace aurite::host
