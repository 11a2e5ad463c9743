// Reference sources for tests: maps stand in for the process environment
// and for AWS Secrets Manager and Vault; files and commands are real.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/secret_reference.h"

namespace aurite::host {

class FakeEnvironment {
 public:
  FakeEnvironment() : sources_(SystemReferenceSources()) {
    sources_.environment = [this](const std::string& name) -> std::optional<std::string_view> {
      auto it = variables.find(name);
      if (it == variables.end()) return std::nullopt;
      return std::string_view(it->second);
    };
    sources_.read_aws_secret = [this](const std::string& target) -> StatusOr<crypto::SecretBuffer> {
      aws_requests.push_back(target);
      auto it = aws_secrets.find(target);
      if (it == aws_secrets.end()) return NotFoundError("no secret " + target + " in the fake");
      return crypto::SecretBuffer::CopyFrom(it->second);
    };
    sources_.read_vault_secret =
        [this](const std::string& target) -> StatusOr<crypto::SecretBuffer> {
      vault_requests.push_back(target);
      auto it = vault_secrets.find(target);
      if (it == vault_secrets.end()) return NotFoundError("no secret " + target + " in the fake");
      return crypto::SecretBuffer::CopyFrom(it->second);
    };
  }
  FakeEnvironment(const FakeEnvironment&) = delete;
  FakeEnvironment& operator=(const FakeEnvironment&) = delete;

  const ReferenceSources& sources() const { return sources_; }

  std::map<std::string, std::string> variables;
  // By what follows "aws-sm:" ("prod/orders#password"), and what was asked.
  std::map<std::string, std::string> aws_secrets;
  std::vector<std::string> aws_requests;
  // By what follows "vault:" ("secret/app?version=2#password"), and what was asked.
  std::map<std::string, std::string> vault_secrets;
  std::vector<std::string> vault_requests;

 private:
  ReferenceSources sources_;
};

}  // namespace aurite::host
