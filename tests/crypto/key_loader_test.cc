// Key loading from AURITE_MCP_ENCRYPTION_KEY / _FILE: the three forms, and
// clear errors that never contain the key.
#include "crypto/key_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace aurite::crypto {
namespace {

// Built at run time so no key-shaped literal sits in the source.
std::string NewKeyText() { return std::string(FernetKey::Generate().ToText().Reveal()); }

class KeyLoaderTest : public ::testing::Test {
 protected:
  EnvironmentLookup Lookup() {
    return [this](std::string_view name) -> std::optional<std::string_view> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return std::string_view(it->second);
    };
  }
  std::string WriteFile(const std::string& contents) {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("aurite-key-" + std::to_string(getpid()) + "-" + std::to_string(files_.size()));
    std::ofstream(path) << contents;
    files_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& path : files_) std::filesystem::remove(path);
  }
  void ExpectErrorWithout(const std::string& secret, std::string_view mentions) {
    StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
    ASSERT_FALSE(setting.ok());
    if (!secret.empty()) {
      EXPECT_EQ(setting.status().message().find(secret), std::string::npos);
    }
    EXPECT_NE(setting.status().message().find(mentions), std::string::npos)
        << setting.status().message();
  }

  std::map<std::string, std::string> env_;
  std::vector<std::filesystem::path> files_;
};

TEST_F(KeyLoaderTest, FernetKeyIsUsedAsIs) {
  std::string text = NewKeyText();
  env_["AURITE_MCP_ENCRYPTION_KEY"] = text;
  StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(setting->form, KeyForm::kFernetKey);
  StatusOr<FernetKey> key = KeyFromSetting(*setting, std::nullopt);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->ToText().Reveal(), text);
}

TEST_F(KeyLoaderTest, OtherTextIsAPassphraseDerivedWithScrypt) {
  env_["AURITE_MCP_ENCRYPTION_KEY"] = "correct horse battery staple";
  StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(setting->form, KeyForm::kPassphrase);
  KdfSalt salt;
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<unsigned char>(i);
  StatusOr<FernetKey> key = KeyFromSetting(*setting, salt);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  // Python: hashlib.scrypt(b'correct horse battery staple', salt=bytes(range(16)),
  //                        n=2**17, r=8, p=1, dklen=32), base64url-encoded.
  EXPECT_EQ(key->ToText().Reveal(), "GylG2nH0EXnoO5ncM4QtFXQbh8QSHIx_N4HB34ZPtYs=");
}

TEST_F(KeyLoaderTest, PassphraseNeedsTheStoreSalt) {
  env_["AURITE_MCP_ENCRYPTION_KEY"] = "a passphrase";
  StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
  ASSERT_TRUE(setting.ok());
  EXPECT_FALSE(KeyFromSetting(*setting, std::nullopt).ok());
}

TEST_F(KeyLoaderTest, DifferentSaltsGiveDifferentKeys) {
  SecretBuffer passphrase = SecretBuffer::CopyFrom("pass");
  ScryptParams cheap{1 << 10, 8, 1};
  KdfSalt salt_a = NewKdfSalt();
  KdfSalt salt_b = NewKdfSalt();
  SecretBuffer a1 = DeriveKeyFromPassphrase(passphrase, salt_a, cheap)->ToText();
  SecretBuffer a2 = DeriveKeyFromPassphrase(passphrase, salt_a, cheap)->ToText();
  SecretBuffer b = DeriveKeyFromPassphrase(passphrase, salt_b, cheap)->ToText();
  EXPECT_TRUE(a1.Equals(a2));
  EXPECT_FALSE(a1.Equals(b));
}

TEST_F(KeyLoaderTest, UnsetGivesAFreshKeyAndWarnsOnce) {
  StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(setting->form, KeyForm::kUnset);
  testing::internal::CaptureStderr();
  StatusOr<FernetKey> first = KeyFromSetting(*setting, std::nullopt);
  StatusOr<FernetKey> second = KeyFromSetting(*setting, std::nullopt);
  std::string warnings = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(first->ToText().Equals(second->ToText()));
  std::size_t at = warnings.find("will not persist across restarts");
  ASSERT_NE(at, std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("will not persist", at + 1), std::string::npos) << "warned twice";
}

TEST_F(KeyLoaderTest, EmptyValueIsAnError) {
  env_["AURITE_MCP_ENCRYPTION_KEY"] = "";
  ExpectErrorWithout("", "AURITE_MCP_ENCRYPTION_KEY is set but empty");
}

TEST_F(KeyLoaderTest, MangledFernetKeyIsAnErrorNotAPassphrase) {
  std::string text = NewKeyText();
  std::string standard_alphabet = text;
  for (char& c : standard_alphabet) c = c == '-' ? '+' : c == '_' ? '/' : c;
  standard_alphabet[0] = '+';
  for (const std::string& bad :
       {standard_alphabet, text.substr(0, 43), text.substr(0, 42) + "AA"}) {
    env_["AURITE_MCP_ENCRYPTION_KEY"] = bad;
    ExpectErrorWithout(bad, "looks like a Fernet key but is not one");
  }
}

TEST_F(KeyLoaderTest, ErrorsNameTheAcceptedForms) {
  env_["AURITE_MCP_ENCRYPTION_KEY"] = std::string(43, 'B') + "=";  // leaves non-zero bits over
  ExpectErrorWithout(env_["AURITE_MCP_ENCRYPTION_KEY"], "accepted forms");
}

TEST_F(KeyLoaderTest, KeyFileIsReadWithoutTrailingNewline) {
  std::string text = NewKeyText();
  env_["AURITE_MCP_ENCRYPTION_KEY_FILE"] = WriteFile(text + "\n");
  StatusOr<KeySetting> setting = ReadKeySetting(Lookup());
  ASSERT_TRUE(setting.ok()) << setting.status().ToString();
  EXPECT_EQ(setting->form, KeyForm::kFernetKey);
  EXPECT_EQ(KeyFromSetting(*setting, std::nullopt)->ToText().Reveal(), text);
}

// Messages name the variable (and file) the key came from, also when the
// host configuration names another variable (security.key_env).
TEST_F(KeyLoaderTest, TheSettingNamesTheVariableAndFileItCameFrom) {
  std::string path = WriteFile(NewKeyText());
  env_["AURITE_MCP_ENCRYPTION_KEY_FILE"] = path;
  StatusOr<KeySetting> from_file = ReadKeySetting(Lookup());
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->origin, "AURITE_MCP_ENCRYPTION_KEY_FILE ('" + path + "')");
  EXPECT_EQ(from_file->variable, "AURITE_MCP_ENCRYPTION_KEY_FILE");

  env_.clear();
  env_["TEAM_KEY"] = NewKeyText();
  StatusOr<KeySetting> custom = ReadKeySetting(Lookup(), "TEAM_KEY");
  ASSERT_TRUE(custom.ok()) << custom.status().ToString();
  EXPECT_EQ(custom->origin, "TEAM_KEY");
  EXPECT_EQ(custom->variable, "TEAM_KEY");

  env_.clear();
  env_["TEAM_KEY_FILE"] = "/nonexistent/aurite/key";
  StatusOr<KeySetting> missing = ReadKeySetting(Lookup(), "TEAM_KEY");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().find("TEAM_KEY_FILE names '/nonexistent/aurite/key'"), 0u)
      << missing.status().message();
  EXPECT_EQ(missing.status().message().find("AURITE_MCP"), std::string::npos);
}

TEST_F(KeyLoaderTest, UnreadableKeyFileIsAnError) {
  env_["AURITE_MCP_ENCRYPTION_KEY_FILE"] = "/nonexistent/aurite/key";
  ExpectErrorWithout("", "/nonexistent/aurite/key");
}

TEST_F(KeyLoaderTest, EmptyKeyFileIsAnError) {
  env_["AURITE_MCP_ENCRYPTION_KEY_FILE"] = WriteFile("\n");
  ExpectErrorWithout("", "set but empty");
}

TEST_F(KeyLoaderTest, BothVariablesSetIsAnError) {
  env_["AURITE_MCP_ENCRYPTION_KEY"] = NewKeyText();
  env_["AURITE_MCP_ENCRYPTION_KEY_FILE"] = WriteFile(NewKeyText());
  ExpectErrorWithout(env_["AURITE_MCP_ENCRYPTION_KEY"], "set only one");
}

TEST(ForgetKeyEnvironmentTest, WipesAndUnsetsTheVariable) {
  setenv("AURITE_MCP_ENCRYPTION_KEY", "secret-passphrase", 1);
  char* value = std::getenv("AURITE_MCP_ENCRYPTION_KEY");
  ASSERT_NE(value, nullptr);
  std::size_t size = std::strlen(value);
  ForgetKeyEnvironment();
  EXPECT_EQ(std::getenv("AURITE_MCP_ENCRYPTION_KEY"), nullptr);
  // glibc keeps setenv's string allocated, so its old bytes can be inspected.
  for (std::size_t i = 0; i < size; ++i) EXPECT_EQ(value[i], '\0') << i;
}

}  // namespace
}  // namespace aurite::crypto
