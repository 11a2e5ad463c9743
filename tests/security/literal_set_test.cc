// Tests of the one-pass multi-literal search.
#include "security/literal_set.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::security {
namespace {

using crypto::SecretBuffer;

LiteralSet Build(std::initializer_list<std::string_view> literals) {
  LiteralSet set;
  for (std::string_view literal : literals) set.Add(SecretBuffer::CopyFrom(literal));
  set.Build();
  return set;
}

TEST(LiteralSetTest, FindsEveryOccurrenceOfEveryLiteral) {
  LiteralSet set = Build({"alpha", "bravo"});
  std::string text = "x alpha y bravo z alpha";
  EXPECT_EQ(set.Find(text), (std::vector<ByteSpan>{{2, 7}, {10, 15}, {18, 23}}));
}

TEST(LiteralSetTest, PrefersTheLongestLiteralAtAPosition) {
  LiteralSet set = Build({"secret", "secret-longer"});
  EXPECT_EQ(set.Find("[secret-longer]"), (std::vector<ByteSpan>{{1, 14}}));
}

TEST(LiteralSetTest, MergesOverlappingOccurrences) {
  LiteralSet set = Build({"abcdef", "defghi"});
  EXPECT_EQ(set.Find("abcdefghi"), (std::vector<ByteSpan>{{0, 9}}));
}

TEST(LiteralSetTest, FindsLiteralsAtTheVeryEndAndOfTheWholeText) {
  LiteralSet set = Build({"tail"});
  EXPECT_EQ(set.Find("tail"), (std::vector<ByteSpan>{{0, 4}}));
  EXPECT_EQ(set.Find("xxtail"), (std::vector<ByteSpan>{{2, 6}}));
  EXPECT_TRUE(set.Find("tai").empty());
}

TEST(LiteralSetTest, RejectsLiteralsShorterThanTheMinimum) {
  LiteralSet set;
  EXPECT_FALSE(set.Add(SecretBuffer::CopyFrom("abc")));
  EXPECT_TRUE(set.Add(SecretBuffer::CopyFrom("abcd")));
  EXPECT_EQ(set.size(), 1u);
}

TEST(LiteralSetTest, ManyLiteralsWithSharedPrefixesAreAllFound) {
  LiteralSet set;
  for (int i = 0; i < 2000; ++i) set.Add(SecretBuffer::CopyFrom("pass" + std::to_string(i) + "!"));
  set.Build();
  std::string text = "a pass1999! b pass7! c pass20000 d";
  EXPECT_EQ(set.Find(text), (std::vector<ByteSpan>{{2, 11}, {14, 20}}));
}

TEST(LiteralSetTest, FindsLongAndShortLiteralsAtEveryAlignment) {
  for (std::size_t size : {4u, 5u, 6u, 7u, 8u, 9u, 13u}) {
    std::string literal;
    for (std::size_t i = 0; i < size; ++i) literal += static_cast<char>('A' + i);
    LiteralSet set = Build({literal});
    for (std::size_t offset = 0; offset < 9; ++offset) {
      std::string text = std::string(offset, '.') + literal + std::string(offset % 3, '.');
      EXPECT_EQ(set.Find(text), (std::vector<ByteSpan>{{offset, offset + size}}))
          << "size " << size << " offset " << offset;
    }
  }
}

TEST(LiteralSetTest, EmptySetFindsNothing) {
  LiteralSet set;
  set.Build();
  EXPECT_TRUE(set.Find("anything at all").empty());
}

}  // namespace
}  // namespace aurite::security
