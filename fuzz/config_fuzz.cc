// Fuzzes aurite.json parsing (host::ParseConfig: servers, security and
// security.vault, connections with credentials blocks, gateway and
// gateway.http) on arbitrary text, with ${…} secret references of every
// kind, options (refresh=, max_age=) included.
//
// References are answered by stand-in sources that never touch the
// machine: the environment, files, commands, AWS Secrets Manager, the
// keyring and Vault all answer the same few fixed names (Canaries: canary
// secrets made at run time, a connection string holding one, an empty
// value) and say "not found" to any other. read_vault_secret is among
// them, so ParseConfig never makes the Vault client it otherwise makes on
// the first ${vault:…} (config.h) and never reaches Vault. To make sure
// parsing itself neither starts a program nor connects anywhere, this
// program defines the exec family, posix_spawn, fork, system, popen,
// connect and getaddrinfo: defined in the executable, they replace libc's
// (and the sanitizers' interceptors) for the whole process, and trap, so a
// parse that tries is reported as a crash with its input. libFuzzer (run
// without -fork or -jobs) and the sanitizers' symbolizer, started through
// raw system calls, do not call them. The one thing parsing does touch is
// the file system: security.vault.ca_cert is checked to be a readable file.
//
// Properties: ParseConfig never throws (errors are Status values); no
// error message holds a canary, raw, percent-encoded or JSON-escaped, in
// any letter case, nor the start every canary shares, unless the input
// itself does (messages name keys, which may be any text); parsing the
// same text twice gives the same outcome.
#include <netdb.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "fuzz/fuzz_check.h"
#include "host/config.h"

namespace {

using aurite::fuzz::Check;
namespace host = aurite::host;
namespace crypto = aurite::crypto;

[[noreturn]] void Forbidden(const char* call) {
  std::fprintf(stderr, "fuzz property violated: parsing called %s\n", call);
  __builtin_trap();
}

// The secrets the stand-in sources hand out, made at run time; the third
// is a password inside a connection string, whose other parts are not
// secret. Each starts with `marker`, which all their forms keep.
struct Canaries {
  std::string marker = "FAKE-canary-secret-";
  std::vector<std::string> secrets;
  std::map<std::string, std::string> values;  // by name, for every source

  Canaries() {
    for (int i = 0; i < 3; ++i) secrets.push_back(marker + std::to_string(i));
    // Reserved characters, so that its escaped forms differ from it.
    secrets[1] += ":p@ss/w\"rd\\%{}";
    values = {{"FAKE_SECRET", secrets[0]},
              {"FAKE_SPECIAL", secrets[1]},
              {"FAKE_URL", "postgresql://fake:" + secrets[2] + "@127.0.0.1:5432/fake"},
              {"FAKE_EMPTY", ""}};
  }
};

const Canaries& TheCanaries() {
  static const Canaries canaries;
  return canaries;
}

// Answers the names of Canaries::values; `what` names the source in "not found" errors, which
// quote the name as the real sources do.
std::function<aurite::StatusOr<crypto::SecretBuffer>(const std::string&)> Source(std::string what) {
  return [what](const std::string& name) -> aurite::StatusOr<crypto::SecretBuffer> {
    const auto& values = TheCanaries().values;
    auto it = values.find(name);
    if (it == values.end()) return aurite::NotFoundError(what + " '" + name + "' not found");
    return crypto::SecretBuffer::CopyFrom(it->second);
  };
}

const host::ReferenceSources& StandInSources() {
  static const host::ReferenceSources sources{
      .environment = [](const std::string& name) -> std::optional<std::string_view> {
        const auto& values = TheCanaries().values;
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return std::string_view(it->second);
      },
      .read_file = Source("file"),
      .run_command = Source("command"),
      .read_aws_secret = Source("AWS secret"),
      .read_keyring = Source("keyring item"),
      .read_vault_secret = Source("Vault secret"),
  };
  return sources;
}

std::string JsonEscaped(const std::string& text) {
  const std::string dumped = nlohmann::json(text).dump();
  return dumped.substr(1, dumped.size() - 2);
}

// What a message must not show, in lower case (messages are compared in
// lower case, so an upper-cased secret counts too): every form of every
// canary, and the marker, so that a part of one (a connection string's
// user name cut from it) counts too.
const std::vector<std::string>& CanaryForms() {
  static const std::vector<std::string> forms = [] {
    std::vector<std::string> all{TheCanaries().marker};
    for (const std::string& secret : TheCanaries().secrets) {
      all.push_back(secret);
      all.push_back(aurite::PercentEncode(secret));
      all.push_back(JsonEscaped(secret));
    }
    for (std::string& form : all) form = aurite::AsciiLowercase(form);
    return all;
  }();
  return forms;
}

// The input as written and every key and string of it as JSON decodes
// them, in lower case, where the input may itself carry a canary.
std::vector<std::string> InputTexts(std::string_view text) {
  std::vector<std::string> texts{std::string(text)};
  const nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
  std::vector<const nlohmann::json*> pending{&root};
  while (!pending.empty()) {
    const nlohmann::json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) texts.push_back(value->get<std::string>());
    if (value->is_object()) {
      for (const auto& [key, item] : value->items()) {
        texts.push_back(key);
        pending.push_back(&item);
      }
    }
    if (value->is_array()) {
      for (const nlohmann::json& item : *value) pending.push_back(&item);
    }
  }
  for (std::string& decoded : texts) decoded = aurite::AsciiLowercase(decoded);
  return texts;
}

bool Contains(const std::vector<std::string>& texts, const std::string& form) {
  for (const std::string& text : texts) {
    if (text.find(form) != std::string::npos) return true;
  }
  return false;
}

aurite::StatusOr<host::Config> Parse(std::string_view text) {
  std::optional<aurite::StatusOr<host::Config>> config;
  bool threw = false;
  try {
    config.emplace(
        host::ParseConfig(text, "aurite.json", "/nonexistent/aurite-fuzz", StandInSources()));
  } catch (const std::exception& error) {
    aurite::fuzz::Explain("exception", error.what());
    threw = true;
  } catch (...) {
    threw = true;
  }
  Check(!threw, "ParseConfig returns errors as Status values and never throws");
  return std::move(*config);
}

// What a parse came to: its error, or what it read (the expanded secrets
// included, so that a second parse must expand them the same).
std::string Outcome(const aurite::StatusOr<host::Config>& config) {
  if (!config.ok()) return config.status().ToString();
  std::string outcome = "ok";
  for (const host::ServerConfig& server : config->servers) {
    outcome += " server " + server.name + " " + server.command + server.url;
    for (const auto& [name, value] : server.env)
      outcome += " " + name + "=" + std::string(value.Reveal());
  }
  for (const host::ConnectionConfig& connection : config->connections) {
    outcome += " connection " + connection.name + " " + connection.storage_type + " " +
               std::string(connection.connection_string.Reveal());
  }
  for (const host::GatewayBearerToken& token : config->gateway.bearer_tokens) {
    outcome += " token " + token.name + " " + token.sha256_hex;
    for (const std::string& group : token.groups) outcome += " group " + group;
  }
  return outcome;
}

}  // namespace

// Parsing must never start a program or connect anywhere (see the top).
extern "C" {
int execve(const char*, char* const*, char* const*) noexcept { Forbidden("execve"); }
int execv(const char*, char* const*) noexcept { Forbidden("execv"); }
int execvp(const char*, char* const*) noexcept { Forbidden("execvp"); }
int execvpe(const char*, char* const*, char* const*) noexcept { Forbidden("execvpe"); }
int execl(const char*, const char*, ...) noexcept { Forbidden("execl"); }
int execlp(const char*, const char*, ...) noexcept { Forbidden("execlp"); }
int execle(const char*, const char*, ...) noexcept { Forbidden("execle"); }
int fexecve(int, char* const*, char* const*) noexcept { Forbidden("fexecve"); }
int posix_spawn(pid_t*, const char*, const posix_spawn_file_actions_t*, const posix_spawnattr_t*,
                char* const*, char* const*) {
  Forbidden("posix_spawn");
}
int posix_spawnp(pid_t*, const char*, const posix_spawn_file_actions_t*, const posix_spawnattr_t*,
                 char* const*, char* const*) {
  Forbidden("posix_spawnp");
}
pid_t fork() noexcept { Forbidden("fork"); }
pid_t vfork() noexcept { Forbidden("vfork"); }
int system(const char*) { Forbidden("system"); }
FILE* popen(const char*, const char*) { Forbidden("popen"); }
int connect(int, const sockaddr*, socklen_t) { Forbidden("connect"); }
int getaddrinfo(const char*, const char*, const addrinfo*, addrinfo**) { Forbidden("getaddrinfo"); }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const aurite::StatusOr<host::Config> config = Parse(text);
  const std::string outcome = Outcome(config);
  aurite::fuzz::Explain("outcome", outcome);
  Check(Outcome(Parse(text)) == outcome, "parsing the same text twice gives the same outcome");
  if (config.ok()) return 0;
  const aurite::Status status = config.status();  // status() is a copy
  const std::string message = aurite::AsciiLowercase(status.message());
  const std::vector<std::string> input = InputTexts(text);
  for (const std::string& form : CanaryForms()) {
    Check(message.find(form) == std::string::npos || Contains(input, form),
          "no error message shows a secret that a reference expanded to");
  }
  return 0;
}
