// moto_server through /bin/sh, so its output goes to a log file and never
// fills a pipe nobody reads.
#include "support/moto_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "support/command_runner.h"
#include "support/raw_http.h"

namespace aurite::testing {
namespace {

constexpr auto kMotoStartTimeout = std::chrono::seconds(60);

// The directory of PATH that holds an executable moto_server, or "".
std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return dir;
  }
  return "";
}

// The text of the first <name> element of a moto answer (the test's own
// look at IAM answers it asked for; the product reads XML with expat).
std::string Element(const std::string& xml, const std::string& name) {
  const std::size_t start = xml.find("<" + name + ">");
  if (start == std::string::npos) return "";
  const std::size_t from = start + name.size() + 2;
  return xml.substr(from, xml.find("</" + name + ">", from) - from);
}

}  // namespace

MotoServer::MotoServer(const std::string& cert_file, const std::string& key_file) {
  if (FindOnPath("moto_server").empty()) {
    const char* path = std::getenv("PATH");
    error_ = std::string("moto_server is not on PATH (") + (path == nullptr ? "" : path) +
             "): these tests need the AWS emulator moto (its moto_server command); "
             "docs/credentials.md says how to provide it";
    return;
  }
  port_ = rawhttp::UnusedLoopbackPort();
  tls_ = !cert_file.empty();
  directory_ = std::filesystem::temp_directory_path() /
               ("aurite-moto-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
  std::filesystem::create_directories(directory_);
  std::string command = "exec moto_server -H 127.0.0.1 -p " + std::to_string(port_);
  if (tls_) {
    command += " -c " + ShellQuote(cert_file) + " -k " + ShellQuote(key_file);
  }
  command += " >>" + ShellQuote((directory_ / "log").string()) + " 2>&1";
  runtime::SpawnOptions options;
  options.program = "/bin/sh";
  options.arguments = {"-c", command};
  // moto_server is often a pyenv shim or a virtualenv script: it needs the
  // variables that find its Python, and nothing of AWS.
  for (const char* name : {"PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "LANG"}) {
    if (const char* value = std::getenv(name))
      options.environment.push_back(std::string(name) + "=" + value);
  }
  auto child = runtime::ChildProcess::Spawn(options);
  if (!child.ok()) {
    error_ = "cannot start moto_server: " + child.status().message();
    return;
  }
  child_ = std::move(*child);
  const auto deadline = std::chrono::steady_clock::now() + kMotoStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (child_->TryWait()) {
      error_ = "moto_server exited at start: " + Log();
      return;
    }
    if (rawhttp::ConnectLoopback(port_).valid()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = "moto_server did not listen on port " + std::to_string(port_) + " within 60 s: " + Log();
}

MotoServer::~MotoServer() {
  if (child_) {
    ::kill(child_->pid(), SIGTERM);
    child_->Shutdown(std::chrono::milliseconds(2000));
  }
  if (!directory_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
}

std::string MotoServer::Url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string MotoServer::Log() const {
  std::ifstream file(directory_ / "log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string MotoServer::PostUnsigned(const std::string& path, const std::string& service,
                                     const std::string& content_type, const std::string& body,
                                     const std::string& extra_headers) {
  // moto routes a request to a service by the scope of its Authorization
  // header; it checks the signature only once authentication is enforced.
  const std::string request =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
      "Content-Type: " + content_type + "\r\n" + extra_headers +
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIASETUP/20240101/us-east-1/" + service +
      "/aws4_request, SignedHeaders=host, Signature=00\r\n" +
      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return rawhttp::Exchange(port_, request);
}

IamAccessKey MotoServer::CreateUser(const std::string& name, const std::string& action,
                                    const std::string& resource) {
  const std::string form = "application/x-www-form-urlencoded";
  PostUnsigned("/", "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=" + name);
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action +
      R"(","Resource":")" + resource + R"("}]})";
  PostUnsigned("/", "iam", form,
               "Action=PutUserPolicy&Version=2010-05-08&UserName=" + name +
                   "&PolicyName=assume&PolicyDocument=" + PercentEncode(policy));
  const std::string answer =
      PostUnsigned("/", "iam", form, "Action=CreateAccessKey&Version=2010-05-08&UserName=" + name);
  return {Element(answer, "AccessKeyId"), Element(answer, "SecretAccessKey")};
}

std::string MotoServer::PostJson(const std::string& service, const std::string& target,
                                 const std::string& body) {
  return PostUnsigned("/", service, "application/x-amz-json-1.1", body,
                      "X-Amz-Target: " + target + "\r\n");
}

bool MotoServer::EnforceAuthentication() {
  return rawhttp::HttpStatus(PostUnsigned("/moto-api/reset-auth", "iam", "text/plain", "0")) == 200;
}

}  // namespace aurite::testing
