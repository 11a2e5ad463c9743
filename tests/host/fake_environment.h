// Reference sources for tests: a map stands in for the process environment;
// files and commands are real.
#pragma once

#include <map>
#include <string>

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
  }
  FakeEnvironment(const FakeEnvironment&) = delete;
  FakeEnvironment& operator=(const FakeEnvironment&) = delete;

  const ReferenceSources& sources() const { return sources_; }

  std::map<std::string, std::string> variables;

 private:
  ReferenceSources sources_;
};

}  // namespace aurite::host
