// The JSON text writers agree with mcp::Dump: strings byte for byte, doubles
// by value and layout.
#include "sql/json_text.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "mcp/core/jsonrpc.h"

namespace aurite::sql {
namespace {

std::string Ours(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string Dumped(std::string_view text) { return mcp::Dump(std::string(text)); }

TEST(AppendJsonStringTest, EscapesLikeDump) {
  for (std::string_view text :
       {std::string_view(""), std::string_view("plain"), std::string_view("a\"b\\c"),
        std::string_view("\b\f\n\r\t"), std::string_view("\x01\x1f\x7f", 3),
        std::string_view("\0x", 2), std::string_view("grüße 😀 €"),
        std::string_view("0123456789abcdef\"0123456789abcdef")}) {
    EXPECT_EQ(Ours(text), Dumped(text)) << text;
  }
  EXPECT_EQ(Ours("\x01"), "\"\\u0001\"");
  EXPECT_EQ(Ours("\x1f"), "\"\\u001f\"");
}

TEST(AppendJsonStringTest, ReplacesInvalidUtf8LikeDump) {
  for (std::string_view text : {
           "\xff",              // never a lead byte
           "\x80",              // a lone continuation byte
           "\xc0\xaf",          // overlong '/'
           "\xe0\x80\x80",      // overlong, three bytes
           "\xed\xa0\x80",      // a surrogate
           "\xf4\x90\x80\x80",  // beyond U+10FFFF
           "\xe2\x82",          // truncated at the end
           "\xe2\x82x",         // broken by an ASCII byte, which is kept
           "\xf0\x9f\x98",      // truncated four-byte sequence
           "a\xf0\x9f\x98\x80\xff"
           "b\xc3",
       }) {
    EXPECT_EQ(Ours(text), Dumped(text)) << ::testing::PrintToString(std::string(text));
  }
  EXPECT_EQ(Ours("\xe2\x82x"), "\"\xef\xbf\xbdx\"");
}

TEST(AppendJsonStringTest, EveryPairOfBytesAgreesWithDump) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char text[] = {static_cast<char>(a), static_cast<char>(b)};
      std::string_view view(text, 2);
      ASSERT_EQ(Ours(view), Dumped(view)) << a << " " << b;
    }
  }
}

// Random strings drawn mostly from the bytes that matter: controls, quotes,
// backslashes, lead and continuation bytes, and pieces of valid sequences.
TEST(AppendJsonStringTest, RandomStringsAgreeWithDump) {
  const std::string alphabet =
      std::string("ab\"\\\n\t\x01\x1f\x7f\x80\xbf\xc2\xc3\xdf\xe0\xe2\xed\xef\xf0\xf4\xf5\xff") +
      std::string(1, '\0') + "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  std::mt19937 random(5);
  for (int round = 0; round < 100000; ++round) {
    std::string text(random() % 24, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(Ours(text), Dumped(text)) << ::testing::PrintToString(text);
  }
}

// Plain runs are scanned eight bytes at a time: a byte that needs care must
// be found at any offset of a long run.
TEST(AppendJsonStringTest, SpecialBytesAnywhereInALongRunAgreeWithDump) {
  for (std::string special : {"\"", "\\", "\x01", "\x1f", "\x7f", "\x80", "\xff", "é", "😀"}) {
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string text(40, 'a');
      text.insert(at, special);
      ASSERT_EQ(Ours(text), Dumped(text)) << ::testing::PrintToString(text);
    }
  }
}

TEST(AppendJsonStringTest, AppendsAfterWhatIsThere) {
  std::string out = "[";
  AppendJsonString(out, "x");
  EXPECT_EQ(out, "[\"x\"");
}

std::string OursDouble(double value) {
  std::string out;
  AppendJsonDouble(out, value);
  return out;
}

TEST(AppendJsonDoubleTest, CommonValuesAreByteForByteDump) {
  for (double value : {0.0,
                       -0.0,
                       0.25,
                       -0.25,
                       2500.0,
                       1.0,
                       0.1,
                       1.0 / 3,
                       123456.789,
                       1e15,
                       1e16,
                       1e20,
                       1.5e-7,
                       0.0001,
                       0.00001,
                       1e-5,
                       9007199254740993.0,
                       std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::min(),
                       std::numeric_limits<double>::denorm_min(),
                       -1.7e-300}) {
    EXPECT_EQ(OursDouble(value), mcp::Dump(value)) << value;
  }
  EXPECT_EQ(OursDouble(std::numeric_limits<double>::quiet_NaN()), "null");
}

// Even rounds: any bit pattern (NaN and infinities included); odd rounds: a
// short decimal fraction, the kind tables hold.
double RandomDouble(std::mt19937_64& random, int round) {
  std::uint64_t bits = random();
  double value;
  std::memcpy(&value, &bits, sizeof value);
  if (round % 2 == 1) value = static_cast<double>(random() % 10000000) / (1 + random() % 1000);
  return value;
}

// Grisu2 (nlohmann) occasionally prints a digit more than the shortest form,
// so random doubles are compared by value: the text reads back as the same
// double, as a float (never an integer), and is never longer than Dump's.
TEST(AppendJsonDoubleTest, RandomDoublesReadBackExactly) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 200000; ++round) {
    double value = RandomDouble(random, round);
    if (!std::isfinite(value)) continue;
    std::string text = OursDouble(value);
    nlohmann::json parsed = nlohmann::json::parse(text);
    ASSERT_TRUE(parsed.is_number_float()) << text;
    ASSERT_EQ(parsed.get<double>(), value) << text;
    ASSERT_LE(text.size(), mcp::Dump(value).size()) << text;
  }
}

std::string OursDecimal(std::string_view text) {
  std::string out = "x";
  EXPECT_TRUE(AppendJsonShortestDecimal(out, text)) << text;
  return out.substr(1);
}

// PostgreSQL's float8 output (shortest digits, %g placement) comes out as
// Dump writes the double it stands for.
TEST(AppendJsonShortestDecimalTest, PostgresFloatTextIsPlacedAsDump) {
  for (const char* text :
       {"2500", "0.25", "-0.25", "0", "-0", "1e+20", "1.5e-07", "0.0001", "1e-05",
        "123456789012345", "1.23456789012346e+15", "1e+15", "100", "-1e-300",
        "1.7976931348623157e+308", "5e-324", "0.1", "0.30000000000000004"}) {
    double value = 0;
    std::from_chars(text, text + std::strlen(text), value);
    EXPECT_EQ(OursDecimal(text), mcp::Dump(value)) << text;
  }
}

// Any shortest text of a double, in either notation, gives exactly what
// AppendJsonDouble writes for that double.
TEST(AppendJsonShortestDecimalTest, ShortestTextsOfRandomDoublesMatchAppendJsonDouble) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 200000; ++round) {
    double value = RandomDouble(random, round);
    if (!std::isfinite(value)) continue;
    std::string expected = OursDouble(value);
    char text[64];
    for (auto format : {std::chars_format::general, std::chars_format::scientific}) {
      char* end = std::to_chars(text, text + sizeof text, value, format).ptr;
      std::string_view shortest(text, static_cast<std::size_t>(end - text));
      ASSERT_EQ(OursDecimal(shortest), expected) << shortest;
    }
  }
}

TEST(AppendJsonShortestDecimalTest, RefusesWhatIsNotAPlainDecimal) {
  for (const char* text : {"", "-", ".", "abc", "1.2.3", "NaN", "Infinity", "-Infinity", "1e",
                           "1e+", "1e5x", "0x10", "12345678901234567891", "1e+9999",
                           // No double: found by sql_result_fuzz ("12e367").
                           "12e367", "1.8e+308", "-2e308", "1e-330"}) {
    std::string out = "x";
    EXPECT_FALSE(AppendJsonShortestDecimal(out, text)) << text;
    EXPECT_EQ(out, "x");
  }
}

}  // namespace
}  // namespace aurite::sql
