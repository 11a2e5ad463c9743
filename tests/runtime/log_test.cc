// Tests of the log facade (runtime/log.h): lines reach the "mcp"
// spdlog logger that was registered before first use, at their level, and a
// line the logger's level refuses is never formatted.
#include "runtime/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/spdlog_logger.h"

namespace aurite::runtime::log_test {

// Counts how often fmt formats it, so a test can see a refused line cost none.
struct Counted {
  int* formatted;
};

// Formatting it fails, as a broken formatter would.
struct Throwing {};

}  // namespace aurite::runtime::log_test

template <>
struct fmt::formatter<aurite::runtime::log_test::Counted> : fmt::formatter<std::string_view> {
  auto format(const aurite::runtime::log_test::Counted& counted, fmt::format_context& ctx) const {
    ++*counted.formatted;
    return fmt::formatter<std::string_view>::format("counted", ctx);
  }
};

template <>
struct fmt::formatter<aurite::runtime::log_test::Throwing> : fmt::formatter<std::string_view> {
  auto format(const aurite::runtime::log_test::Throwing&, fmt::format_context&) const
      -> fmt::appender {
    throw std::runtime_error("cannot format Throwing");
  }
};

namespace aurite::runtime {
namespace {

using log_test::Counted;
using log_test::Throwing;

struct Captured {
  spdlog::level::level_enum level;
  std::string text;
};

// Keeps each line's level and message, as a redacting sink would see them.
class CaptureSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<Captured> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    lines_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.push_back({message.level, std::string(message.payload.data(), message.payload.size())});
  }
  void flush_() override {}

 private:
  std::vector<Captured> lines_;
};

// Registered as "mcp" before any test runs, as `aurite serve` registers its
// redacting logger before the host starts.
std::shared_ptr<CaptureSink> g_sink;
std::shared_ptr<spdlog::logger> g_registered;

class RegisterMcpLogger : public ::testing::Environment {
 public:
  void SetUp() override {
    g_sink = std::make_shared<CaptureSink>();
    g_registered = std::make_shared<spdlog::logger>("mcp", g_sink);
    spdlog::register_logger(g_registered);
  }
};

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new RegisterMcpLogger);

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_sink->clear();
    g_registered->set_level(spdlog::level::trace);
  }
};

TEST_F(LogTest, TheLoggerRegisteredBeforeFirstUseIsTheOneUsed) {
  EXPECT_EQ(&Logger(), g_registered.get());
  LogWarn("registered {}", 1);
  ASSERT_EQ(g_sink->lines().size(), 1u);
  EXPECT_EQ(g_sink->lines()[0].text, "registered 1");
}

TEST_F(LogTest, EachLineReachesTheSinksAtItsLevel) {
  LogDebug("d {}", "one");
  LogInfo("i {} {}", 2, std::string("two"));
  LogWarn("w {}", std::string_view("three"));
  LogError("e {}: {}", "four", 4.5);
  std::vector<Captured> lines = g_sink->lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].level, spdlog::level::debug);
  EXPECT_EQ(lines[0].text, "d one");
  EXPECT_EQ(lines[1].level, spdlog::level::info);
  EXPECT_EQ(lines[1].text, "i 2 two");
  EXPECT_EQ(lines[2].level, spdlog::level::warn);
  EXPECT_EQ(lines[2].text, "w three");
  EXPECT_EQ(lines[3].level, spdlog::level::err);
  EXPECT_EQ(lines[3].text, "e four: 4.5");
}

TEST_F(LogTest, ALineBelowTheLoggersLevelIsNeitherFormattedNorWritten) {
  g_registered->set_level(spdlog::level::warn);
  int formatted = 0;
  LogDebug("{}", Counted{&formatted});
  LogInfo("{}", Counted{&formatted});
  EXPECT_EQ(formatted, 0);
  EXPECT_TRUE(g_sink->lines().empty());

  LogWarn("{}", Counted{&formatted});
  EXPECT_EQ(formatted, 1);
  ASSERT_EQ(g_sink->lines().size(), 1u);
  EXPECT_EQ(g_sink->lines()[0].text, "counted");
}

TEST_F(LogTest, AFormattingErrorGoesToTheLoggersErrorHandlerNotTheCaller) {
  std::string handled;
  g_registered->set_error_handler([&](const std::string& message) { handled = message; });
  EXPECT_NO_THROW(LogError("before {} after", Throwing{}));
  g_registered->set_error_handler(nullptr);
  EXPECT_NE(handled.find("cannot format Throwing"), std::string::npos) << handled;
  EXPECT_TRUE(g_sink->lines().empty());
}

}  // namespace
}  // namespace aurite::runtime
