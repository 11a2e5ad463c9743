// Fernet interoperability with the reference implementation (Python's
// `cryptography`, Debian package python3-cryptography installed by
// scripts/install-deps): tokens cross both ways for plaintexts of 0..4096 bytes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "crypto/fernet.h"

namespace aurite::crypto {
namespace {

constexpr int kMaxLength = 4096;
constexpr const char* kPython = "/usr/bin/python3";

std::string Pattern(std::size_t n) {
  std::string bytes(n, '\0');
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 31 + n * 7) & 0xff);
  return bytes;
}

std::string Script() { return std::string(AURITE_TEST_SOURCE_DIR) + "/fernet_interop.py"; }

struct PipeCloser {
  void operator()(std::FILE* pipe) const { pclose(pipe); }
};

class FernetInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(std::system((std::string(kPython) + " -c 'import cryptography' 2>/dev/null").c_str()),
              0)
        << "Python's cryptography package is missing: run scripts/install-deps";
    SecretBuffer text = key_.ToText();
    setenv("FERNET_INTEROP_KEY", std::string(text.Reveal()).c_str(), 1);
  }
  void TearDown() override { unsetenv("FERNET_INTEROP_KEY"); }

  FernetKey key_ = FernetKey::Generate();
};

TEST_F(FernetInteropTest, TokensFromPythonDecryptInCpp) {
  Fernet fernet(key_.Clone());
  std::string command =
      std::string(kPython) + " " + Script() + " encrypt " + std::to_string(kMaxLength);
  std::unique_ptr<std::FILE, PipeCloser> pipe(popen(command.c_str(), "r"));
  ASSERT_TRUE(pipe);
  std::string line(8192, '\0');
  int n = 0;
  while (std::fgets(line.data(), static_cast<int>(line.size()), pipe.get()) != nullptr) {
    std::string token(line.c_str());
    token.pop_back();  // newline
    StatusOr<SecretBuffer> plaintext = fernet.Decrypt(token);
    ASSERT_TRUE(plaintext.ok()) << "length " << n;
    ASSERT_EQ(plaintext->Reveal(), Pattern(n)) << "length " << n;
    ++n;
  }
  EXPECT_EQ(n, kMaxLength + 1);
}

TEST_F(FernetInteropTest, TokensFromCppDecryptInPython) {
  Fernet fernet(key_.Clone());
  std::filesystem::path tokens = std::filesystem::temp_directory_path() /
                                 ("aurite-interop-" + std::to_string(getpid()) + ".txt");
  {
    std::ofstream out(tokens);
    for (int n = 0; n <= kMaxLength; ++n) out << fernet.Encrypt(Pattern(n)) << "\n";
  }
  std::string command = std::string(kPython) + " " + Script() + " decrypt < " + tokens.string();
  std::unique_ptr<std::FILE, PipeCloser> pipe(popen(command.c_str(), "r"));
  ASSERT_TRUE(pipe);
  char count[32] = {};
  ASSERT_NE(std::fgets(count, sizeof count, pipe.get()), nullptr);
  EXPECT_EQ(std::atoi(count), kMaxLength + 1);
  std::filesystem::remove(tokens);
}

}  // namespace
}  // namespace aurite::crypto
