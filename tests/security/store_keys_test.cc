// Tests of reading the current and previous store keys from the environment.
#include "security/store_keys.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::FernetKey;

crypto::EnvironmentLookup FakeEnvironment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string_view> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

std::string KeyText() { return std::string(FernetKey::Generate().ToText().Reveal()); }

TEST(StoreKeysTest, ReadsCurrentAndCommaSeparatedPreviousKeys) {
  std::string current = KeyText();
  std::string first = KeyText();
  std::string second = KeyText();
  auto settings =
      ReadStoreKeySettings(FakeEnvironment({{"AURITE_MCP_ENCRYPTION_KEY", current},
                                            {"AURITE_MCP_PREVIOUS_KEYS", first + "," + second}}));
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_EQ(settings->current.value.Reveal(), current);
  ASSERT_EQ(settings->previous.size(), 2u);
  EXPECT_EQ(settings->previous[0].value.Reveal(), first);
  EXPECT_EQ(settings->previous[1].value.Reveal(), second);
}

TEST(StoreKeysTest, NoPreviousKeysIsFine) {
  auto settings = ReadStoreKeySettings(FakeEnvironment({{"AURITE_MCP_ENCRYPTION_KEY", KeyText()}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_TRUE(settings->previous.empty());
}

TEST(StoreKeysTest, AMangledPreviousKeyIsNamedWithoutEchoingIt) {
  std::string mangled = KeyText();
  mangled[10] = '+';
  auto settings = ReadStoreKeySettings(
      FakeEnvironment({{"AURITE_MCP_ENCRYPTION_KEY", KeyText()},
                       {"AURITE_MCP_PREVIOUS_KEYS", KeyText() + "," + mangled}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("AURITE_MCP_PREVIOUS_KEYS (item 2)"),
            std::string::npos);
  EXPECT_EQ(settings.status().message().find(mangled), std::string::npos);
}

TEST(StoreKeysTest, ProviderReturnsTheCurrentKeyFirst) {
  FernetKey current = FernetKey::Generate();
  FernetKey previous = FernetKey::Generate();
  auto settings = ReadStoreKeySettings(
      FakeEnvironment({{"AURITE_MCP_ENCRYPTION_KEY", std::string(current.ToText().Reveal())},
                       {"AURITE_MCP_PREVIOUS_KEYS", std::string(previous.ToText().Reveal())}}));
  ASSERT_TRUE(settings.ok());
  std::optional<FernetKey> captured;
  auto keys = MakeKeyProvider(*settings, &captured).keys(crypto::NewKdfSalt());
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_TRUE(
      std::equal((*keys)[0].bytes().begin(), (*keys)[0].bytes().end(), current.bytes().begin()));
  EXPECT_TRUE(
      std::equal((*keys)[1].bytes().begin(), (*keys)[1].bytes().end(), previous.bytes().begin()));
  ASSERT_TRUE(captured.has_value());
  EXPECT_TRUE(
      std::equal(captured->bytes().begin(), captured->bytes().end(), current.bytes().begin()));
}

}  // namespace
}  // namespace aurite::security
