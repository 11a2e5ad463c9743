// Running a program that prints a secret (a password, a login token) and
// taking its standard output into a SecretBuffer: `${exec:…}` references in
// aurite.json and the "exec" credentials mode.
//
// Contract:
//  - The program runs without a shell unless the caller asks for one
//    (program "/bin/sh", arguments {"-c", text}), with exactly the
//    environment given: nothing of ours is inherited. CommandEnvironment()
//    builds the usual one.
//  - Its stdin is closed at once; its stderr is read and dropped (never
//    logged or quoted: tools print tokens there too).
//  - The output is bounded (`max_output`) and the run is bounded
//    (`timeout`): past either the program is ended (SIGTERM, then SIGKILL)
//    and the call fails. A non-zero exit or a death by signal fails too.
//  - One trailing "\n" or "\r\n" is removed. An empty output is an error.
//  - Errors name the command by `description` and never carry output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

struct SecretCommand {
  std::string program;  // looked up in the PATH of `environment` when it has no '/'
  std::vector<std::string> arguments;
  std::vector<std::string> environment;  // "NAME=value"; the whole environment
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_output = 64 * 1024;
  std::string description;  // e.g. "credentials.command of connection 'orders'"
};

StatusOr<crypto::SecretBuffer> RunSecretCommand(const SecretCommand& command);

// The environment credential commands get: the variables of `environ`
// (a NULL-terminated "NAME=value" array, e.g. ::environ) that such tools
// need to find their own configuration: PATH, HOME, USER, LOGNAME, SHELL,
// LANG, LC_*, TZ, TMPDIR, XDG_*, and those of the cloud CLIs (AWS_*,
// AZURE_*, CLOUDSDK_*, GOOGLE_*). Everything else, the host's store key
// among it, stays in the host.
std::vector<std::string> CommandEnvironment(const char* const* environ);

}  // namespace aurite::credentials
