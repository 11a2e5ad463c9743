// MultiFernet: decrypt with any key, encrypt and rotate with the first.
#include "crypto/multi_fernet.h"

#include <gtest/gtest.h>

namespace aurite::crypto {
namespace {

TEST(MultiFernetTest, NeedsAtLeastOneKey) { EXPECT_FALSE(MultiFernet::Create({}).ok()); }

TEST(MultiFernetTest, DecryptsTokensOfEveryKeyAndEncryptsWithTheFirst) {
  FernetKey old_key = FernetKey::Generate();
  FernetKey new_key = FernetKey::Generate();
  Fernet old_only(old_key.Clone());
  Fernet new_only(new_key.Clone());
  std::vector<FernetKey> keys;
  keys.push_back(new_key.Clone());
  keys.push_back(old_key.Clone());
  StatusOr<MultiFernet> multi = MultiFernet::Create(std::move(keys));
  ASSERT_TRUE(multi.ok());

  EXPECT_EQ(multi->Decrypt(old_only.Encrypt("a"))->Reveal(), "a");
  EXPECT_EQ(multi->Decrypt(new_only.Encrypt("b"))->Reveal(), "b");
  std::string made = multi->Encrypt("c");
  EXPECT_TRUE(new_only.Decrypt(made).ok());
  EXPECT_FALSE(old_only.Decrypt(made).ok());
  EXPECT_FALSE(multi->Decrypt(Fernet(FernetKey::Generate()).Encrypt("d")).ok());
}

TEST(MultiFernetTest, CopyOfLeavesTheCallersKeysAndEncryptsWithTheFirst) {
  std::vector<FernetKey> keys;
  keys.push_back(FernetKey::Generate());
  keys.push_back(FernetKey::Generate());
  StatusOr<MultiFernet> multi = MultiFernet::CopyOf(keys);
  ASSERT_TRUE(multi.ok());
  ASSERT_EQ(keys.size(), 2u);
  std::string made = multi->Encrypt("e");
  EXPECT_EQ(Fernet(keys.front().Clone()).Decrypt(made)->Reveal(), "e");
  EXPECT_FALSE(Fernet(keys.back().Clone()).Decrypt(made).ok());
  EXPECT_EQ(multi->Decrypt(Fernet(keys.back().Clone()).Encrypt("f"))->Reveal(), "f");
  EXPECT_FALSE(MultiFernet::CopyOf({}).ok());
}

TEST(MultiFernetTest, RotateReencryptsUnderFirstKeyKeepingTimestamp) {
  FernetKey old_key = FernetKey::Generate();
  FernetKey new_key = FernetKey::Generate();
  Fernet old_only(old_key.Clone());
  const unsigned char iv[Fernet::kIvSize] = {};
  std::string_view secret = "mysql://u:p@h/db";
  std::string old_token = old_only.EncryptAt(
      std::span(reinterpret_cast<const unsigned char*>(secret.data()), secret.size()), 1234, iv);

  std::vector<FernetKey> keys;
  keys.push_back(new_key.Clone());
  keys.push_back(std::move(old_key));
  StatusOr<MultiFernet> multi = MultiFernet::Create(std::move(keys));
  ASSERT_TRUE(multi.ok());
  StatusOr<std::string> rotated = multi->Rotate(old_token);
  ASSERT_TRUE(rotated.ok());

  StatusOr<FernetPlaintext> opened = Fernet(std::move(new_key)).DecryptWithTimestamp(*rotated);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->timestamp, 1234u);
  EXPECT_EQ(opened->plaintext.Reveal(), secret);
  EXPECT_FALSE(old_only.Decrypt(*rotated).ok());
}

TEST(MultiFernetTest, RotateRejectsTokensNoKeyOpens) {
  StatusOr<MultiFernet> multi = MultiFernet::Create([] {
    std::vector<FernetKey> keys;
    keys.push_back(FernetKey::Generate());
    return keys;
  }());
  ASSERT_TRUE(multi.ok());
  EXPECT_FALSE(multi->Rotate(Fernet(FernetKey::Generate()).Encrypt("x")).ok());
}

}  // namespace
}  // namespace aurite::crypto
