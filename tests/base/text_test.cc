// ASCII case mapping, hex digits and percent-encoding (base/text.h).
#include "base/text.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace aurite {
namespace {

// Collects what PercentEncodeTo/PercentDecodeTo append, piece by piece.
struct Pieces {
  std::vector<std::string> pieces;
  std::string Joined() const {
    std::string out;
    for (const auto& piece : pieces) out += piece;
    return out;
  }
  auto Appender() {
    return [this](std::string_view piece) { pieces.emplace_back(piece); };
  }
};

std::string Decode(std::string_view text, BadEscape bad, bool* ok = nullptr) {
  std::string out;
  bool decoded = PercentDecodeTo(text, bad, [&out](std::string_view piece) { out.append(piece); });
  if (ok) *ok = decoded;
  return out;
}

TEST(TextTest, FormDecodeToReadsPlusAsSpaceAndRejectsBadEscapes) {
  std::string out;
  auto append = [&out](std::string_view piece) { out.append(piece); };
  EXPECT_TRUE(FormDecodeTo("a+b%2Bc+%20d", append));
  EXPECT_EQ(out, "a b+c  d");
  out.clear();
  EXPECT_TRUE(FormDecodeTo("+", append));
  EXPECT_EQ(out, " ");
  out.clear();
  EXPECT_FALSE(FormDecodeTo("ok+%zz", append));
  EXPECT_EQ(out, "ok ");
}

TEST(TextTest, AsciiLowercaseMapsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLowercase("PostgreSQL+Psycopg2"), "postgresql+psycopg2");
  EXPECT_EQ(AsciiLowercase(""), "");
  EXPECT_EQ(AsciiLowercase("A-Z_a-z 0@[`{"), "a-z_a-z 0@[`{");
  // Bytes outside ASCII (here UTF-8 "Ü") are kept as they are.
  EXPECT_EQ(AsciiLowercase("\xC3\x9C"), "\xC3\x9C");
  EXPECT_EQ(AsciiLowercase(std::string_view("A\0B", 3)), std::string("a\0b", 3));
}

TEST(TextTest, PeerTextExcerptBlanksControlsAndCutsOnACharacter) {
  EXPECT_EQ(PeerTextExcerpt("bad\nsignature\x7f\t!"), "bad signature  !");
  EXPECT_EQ(PeerTextExcerpt("abcdef", 6), "abcdef");
  EXPECT_EQ(PeerTextExcerpt("abcdefg", 6), "abcdef…");
  // "\xc3\xbc" (ü) would be split at 4 bytes: the cut moves before it.
  EXPECT_EQ(PeerTextExcerpt("abc\xc3\xbc", 4), "abc…");
}

TEST(TextTest, SecondsTextShowsTenthsOnlyWhenThereAreAny) {
  EXPECT_EQ(SecondsText(std::chrono::seconds(30)), "30 s");
  EXPECT_EQ(SecondsText(std::chrono::milliseconds(500)), "0.5 s");
  EXPECT_EQ(SecondsText(std::chrono::milliseconds(12'340)), "12.3 s");
}

TEST(TextTest, HexDigitValueReadsBothCases) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  for (char c : std::string("gG/:@`-% \xff")) EXPECT_EQ(HexDigitValue(c), -1) << c;
}

TEST(TextTest, HexDigitWritesEitherCase) {
  EXPECT_EQ(HexDigit(0), '0');
  EXPECT_EQ(HexDigit(11), 'b');
  EXPECT_EQ(HexDigit(15, HexCase::kUpper), 'F');
  for (unsigned value = 0; value < 16; ++value) {
    EXPECT_EQ(HexDigitValue(HexDigit(value)), static_cast<int>(value));
    EXPECT_EQ(HexDigitValue(HexDigit(value, HexCase::kUpper)), static_cast<int>(value));
  }
}

TEST(TextTest, HexEncodeIsLowerCaseTwoDigitsAByte) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(HexEncode(bytes), "000fa5ff");
  EXPECT_EQ(HexEncode({}), "");
}

TEST(TextTest, HexDecodeToTakesExactlyTwoDigitsABlockOfEitherCase) {
  std::array<unsigned char, 4> out{};
  ASSERT_TRUE(HexDecodeTo("000fA5ff", out));
  EXPECT_EQ(HexEncode(out), "000fa5ff");
  EXPECT_FALSE(HexDecodeTo("000fa5f", out)) << "too short";
  EXPECT_FALSE(HexDecodeTo("000fa5ff00", out)) << "too long";
  EXPECT_FALSE(HexDecodeTo("000fa5fg", out)) << "not a hex digit";
}

TEST(TextTest, PercentEncodeKeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("p@ss:w/rd;'\"}%=&#+ \xC3\xBC"),
            "p%40ss%3Aw%2Frd%3B%27%22%7D%25%3D%26%23%2B%20%C3%BC");
  EXPECT_EQ(PercentEncode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(TextTest, PercentEncodeToAppendsRunsAndEscapes) {
  Pieces pieces;
  PercentEncodeTo("ab cd/", pieces.Appender());
  EXPECT_EQ(pieces.pieces, (std::vector<std::string>{"ab", "%20", "cd", "%2F"}));
  EXPECT_EQ(pieces.Joined(), PercentEncode("ab cd/"));
}

TEST(TextTest, PercentDecodeReadsBothCases) {
  bool ok = false;
  EXPECT_EQ(Decode("p%40ss%3aw%2Frd%C3%bc", BadEscape::kReject, &ok), "p@ss:w/rd\xC3\xBC");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Decode("%00", BadEscape::kReject), std::string("\0", 1));
  EXPECT_EQ(Decode("plain+text", BadEscape::kReject), "plain+text");
}

TEST(TextTest, PercentDecodeRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(Decode(PercentEncode(all), BadEscape::kReject), all);
}

TEST(TextTest, PercentDecodeRejectsABadEscape) {
  for (std::string_view bad : {"%", "%4", "a%4", "%G1", "%1G", "ab%zz", "%%41"}) {
    bool ok = true;
    Decode(bad, BadEscape::kReject, &ok);
    EXPECT_FALSE(ok) << bad;
  }
  bool ok = true;
  // What came before the bad escape was appended; nothing after it.
  EXPECT_EQ(Decode("a%41b%4x%41", BadEscape::kReject, &ok), "aAb");
  EXPECT_FALSE(ok);
}

TEST(TextTest, PercentDecodeCanKeepABadEscape) {
  bool ok = false;
  EXPECT_EQ(Decode("100%", BadEscape::kKeep, &ok), "100%");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Decode("%4", BadEscape::kKeep), "%4");
  EXPECT_EQ(Decode("%%41%zz%4", BadEscape::kKeep), "%A%zz%4");
  EXPECT_EQ(Decode("a%2", BadEscape::kKeep), "a%2");
}

TEST(TextTest, PercentDecodeToAppendsRunsAndBytes) {
  Pieces pieces;
  EXPECT_TRUE(PercentDecodeTo("ab%20cd%2f", BadEscape::kReject, pieces.Appender()));
  EXPECT_EQ(pieces.pieces, (std::vector<std::string>{"ab", " ", "cd", "/"}));
  Pieces empty;
  EXPECT_TRUE(PercentDecodeTo("", BadEscape::kReject, empty.Appender()));
  EXPECT_TRUE(empty.pieces.empty());
}

}  // namespace
}  // namespace aurite
