// Tests that log lines pass through the redactor before reaching a sink.
#include "security/redacting_sink.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "security/security_manager.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using testing::kCanaryPassword;

TEST(RedactingSinkTest, LiveAndDetectedSecretsNeverReachTheLog) {
  auto manager = SecurityManager::Create({});
  ASSERT_TRUE(manager.ok());
  std::string connection = "mysql://app:" + kCanaryPassword + "@db/shop";
  ASSERT_TRUE(
      (*manager)->Secure("database_connection", crypto::SecretBuffer::CopyFrom(connection)).ok());

  std::ostringstream out;
  auto sink = std::make_shared<RedactingSink>(
      std::make_shared<spdlog::sinks::ostream_sink_st>(out),
      [&](std::string_view text) { return (*manager)->Redact(text); });
  spdlog::logger logger("test", sink);
  logger.set_pattern("%l %v");
  logger.info("connecting with {}", connection);
  logger.warn("retry: password={} failed", "hunter22");
  logger.flush();

  std::string logged = out.str();
  EXPECT_EQ(logged.find("w/rd"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("hunter22"), std::string::npos) << logged;
  EXPECT_NE(logged.find("info connecting with [REDACTED]"), std::string::npos) << logged;
  EXPECT_NE(logged.find("warning retry: password=[REDACTED] failed"), std::string::npos) << logged;
}

TEST(RedactingSinkTest, RespectsTheWrappedSinksLevel) {
  std::ostringstream out;
  auto inner = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  inner->set_level(spdlog::level::warn);
  auto sink = std::make_shared<RedactingSink>(
      inner, [](std::string_view text) { return std::string(text); });
  spdlog::logger logger("test", sink);
  logger.set_pattern("%v");
  logger.info("quiet");
  logger.error("loud");
  EXPECT_EQ(out.str(), "loud\n");
}

}  // namespace
}  // namespace aurite::security
