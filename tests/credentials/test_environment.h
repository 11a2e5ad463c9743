// Test support for the credentials layer: an environment made of a map, and
// canary secrets that no Status message may ever contain.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/key_loader.h"

namespace aurite::credentials {

constexpr std::string_view kCanarySecret = "CANARYsecret/TestOnly+NotAKey/0123456789abcd";
constexpr std::string_view kCanaryToken = "CANARYtoken/TestOnly+NotASessionToken/0123==";

// An access key id that is plainly not a real one, made at run time
// (`tag` tells the tests' keys apart). AWS's documented example key appears
// only where a test checks AWS's own published signing vectors.
inline std::string FakeAccessKeyId(std::string_view tag) {
  return "TESTONLYKEYID" + std::string(tag);
}

using Variables = std::map<std::string, std::string>;

// An EnvironmentLookup that answers from `variables` (and owns them).
inline crypto::EnvironmentLookup MapEnvironment(Variables variables) {
  auto owned = std::make_shared<const Variables>(std::move(variables));
  return [owned](std::string_view name) -> std::optional<std::string_view> {
    const auto found = owned->find(std::string(name));
    if (found == owned->end()) return std::nullopt;
    return std::string_view(found->second);
  };
}

// Every canary starts with "CANARY".
inline void ExpectNoCanary(const Status& status) {
  EXPECT_EQ(status.message().find("CANARY"), std::string::npos) << status.message();
}

}  // namespace aurite::credentials
