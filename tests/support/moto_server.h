// Test support: moto_server, an AWS emulator (the Python package moto), run
// by the test itself on a free loopback port and stopped when the object
// goes. When moto_server is not on PATH the object says so in error(), and
// tests fail with that message: they are never skipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "runtime/child_process.h"

namespace aurite::testing {

struct IamAccessKey {
  std::string access_key_id;
  std::string secret_access_key;
};

class MotoServer {
 public:
  // Starts moto_server; with `cert_file` and `key_file` it serves https.
  explicit MotoServer(const std::string& cert_file = "", const std::string& key_file = "");
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // Empty once moto is up; else why it is not (its log included).
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" (https with a certificate).
  std::string Url() const;
  // What moto printed so far.
  std::string Log() const;

  // Creates an IAM user with an access key and a policy that allows
  // `action` (e.g. "sts:AssumeRole") on `resource` only ("*" for every
  // one). moto takes these calls unsigned as long as authentication is not
  // enforced.
  IamAccessKey CreateUser(const std::string& name, const std::string& action,
                          const std::string& resource);
  // Calls an operation of a JSON-protocol service, e.g. ("secretsmanager",
  // "secretsmanager.CreateSecret", R"({"Name": …})"), unsigned as above and
  // in us-east-1 (moto keeps regional resources per region); returns the
  // whole HTTP answer, head and body.
  std::string PostJson(const std::string& service, const std::string& target,
                       const std::string& body);
  // From now on moto checks every request's signature and policy, as AWS does.
  bool EnforceAuthentication();

 private:
  std::string PostUnsigned(const std::string& path, const std::string& service,
                           const std::string& content_type, const std::string& body,
                           const std::string& extra_headers = "");

  std::filesystem::path directory_;
  std::unique_ptr<runtime::ChildProcess> child_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::string error_;
};

}  // namespace aurite::testing
