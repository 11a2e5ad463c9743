// Value encoding rules, independent of any engine.
#include "sql/value_encoding.h"

#include <gtest/gtest.h>

#include <limits>

#include "mcp/core/jsonrpc.h"
#include "sql/json_text.h"
#include "sql/result_builder.h"

namespace aurite::sql {
namespace {

TEST(ValueEncodingTest, IntegersStayNumbersUpToTwoToThe53) {
  EXPECT_EQ(EncodeInteger(9007199254740992), 9007199254740992);
  EXPECT_EQ(EncodeInteger(-9007199254740992), -9007199254740992);
  EXPECT_EQ(EncodeInteger(9007199254740993), "9007199254740993");
  EXPECT_EQ(EncodeInteger(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(EncodeUnsigned(18446744073709551615u), "18446744073709551615");
  EXPECT_EQ(EncodeIntegerText("18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(EncodeIntegerText("-12"), -12);
}

TEST(ValueEncodingTest, NonFiniteDoublesAreStrings) {
  EXPECT_EQ(EncodeDouble(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(EncodeDouble(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(EncodeDouble(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(EncodeDouble(0.25), 0.25);
}

TEST(ValueEncodingTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("grüße 😀"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  // ASCII runs are skipped eight bytes at a time: bad bytes after them count.
  EXPECT_TRUE(IsValidUtf8("0123456789abcdef grüße"));
  EXPECT_FALSE(IsValidUtf8("0123456789abcdef\xff"));
  EXPECT_FALSE(IsValidUtf8("01234567\xe2\x82"));
  EXPECT_FALSE(
      IsValidUtf8("0123456\xff"
                  "89abcdef"));
}

TEST(ValueEncodingTest, TextThatIsNotUtf8BecomesBase64) {
  EXPECT_EQ(EncodeText("ok"), "ok");
  EXPECT_EQ(EncodeText("a\xff"
                       "b"),
            nlohmann::json::parse(R"({"base64": "Yf9i"})"));
}

TEST(ValueEncodingTest, Base64MatchesRfc4648) {
  auto encode = [](std::string_view s) {
    return Base64Encode(std::span(reinterpret_cast<const unsigned char*>(s.data()), s.size()));
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
}

TEST(ValueEncodingTest, JsonTextBecomesAValueUnlessItIsNotJson) {
  EXPECT_EQ(EncodeJsonText(R"({"a": 1})"), nlohmann::json::parse(R"({"a": 1})"));
  EXPECT_EQ(EncodeJsonText("not json"), "not json");
}

TEST(ValueEncodingTest, Base64ParametersDecodeToBytes) {
  EXPECT_TRUE(IsBinaryParam(nlohmann::json::parse(R"({"base64": "AP9B"})")));
  EXPECT_FALSE(IsBinaryParam("AP9B"));
  EXPECT_FALSE(IsBinaryParam(nlohmann::json::parse(R"({"base64": "AP9B", "x": 1})")));
  EXPECT_EQ(*DecodeBinaryParam(nlohmann::json::parse(R"({"base64": "AP9B"})")),
            std::string("\x00\xff\x41", 3));
  EXPECT_EQ(*DecodeBinaryParam(nlohmann::json::parse(R"({"base64": "Zm8="})")), "fo");
  EXPECT_EQ(*DecodeBinaryParam(nlohmann::json::parse(R"({"base64": "Zg=="})")), "f");
  EXPECT_EQ(*DecodeBinaryParam(nlohmann::json::parse(R"({"base64": ""})")), "");
  EXPECT_FALSE(DecodeBinaryParam(nlohmann::json::parse(R"({"base64": "Zm8"})")).ok());
  EXPECT_FALSE(DecodeBinaryParam(nlohmann::json::parse(R"({"base64": "Zm*="})")).ok());
}

TEST(ResultBuilderTest, StopsAtMaxRowsAndMarksTruncation) {
  ResultBuilder builder({2, 1 << 20});
  EXPECT_TRUE(builder.AddRow({1}));
  EXPECT_TRUE(builder.AddRow({2}));
  EXPECT_FALSE(builder.AddRow({3}));
  QueryResult result = std::move(builder).Finish();
  EXPECT_EQ(result.row_count, 2u);
  EXPECT_TRUE(result.truncated);
}

TEST(ResultBuilderTest, StopsBeforeExceedingMaxBytes) {
  ResultBuilder builder({100, 50});
  EXPECT_TRUE(builder.AddRow({std::string(20, 'x')}));
  EXPECT_FALSE(builder.AddRow({std::string(40, 'x')}));
  QueryResult result = std::move(builder).Finish();
  EXPECT_EQ(result.row_count, 1u);
  EXPECT_TRUE(result.truncated);
}

TEST(ResultBuilderTest, RowsAsTextKeepsOnlyTheSerializedRows) {
  ResultBuilder builder({2, 1 << 20, true});
  EXPECT_TRUE(builder.AddRow({1, "a\"b", nullptr}));
  EXPECT_TRUE(builder.AddRow({2.5, true, std::string("\xff")}));
  EXPECT_FALSE(builder.AddRow({3}));
  QueryResult result = std::move(builder).Finish();
  EXPECT_EQ(result.row_count, 2u);
  EXPECT_TRUE(result.truncated);
  EXPECT_TRUE(result.rows.empty());
  // Invalid UTF-8 is replaced (U+FFFD), as in every dump we send.
  EXPECT_EQ(result.rows_text, "[[1,\"a\\\"b\",null],[2.5,true,\"\xef\xbf\xbd\"]]");
}

TEST(ResultBuilderTest, RowsAsTextOfNoRowsIsAnEmptyArray) {
  ResultBuilder builder({10, 1 << 20, true});
  EXPECT_EQ(std::move(builder).Finish().rows_text, "[]");
}

TEST(AppendJsonTextTest, AppendsCompactTextAfterWhatIsThere) {
  std::string out = "x";
  AppendJsonText(out, nlohmann::json{{"b", 1}, {"a", {1, 2}}});
  EXPECT_EQ(out, R"(x{"a":[1,2],"b":1})");
}

// Adds one row holding a cell of every kind, through the cell calls.
void AddEveryKindOfCell(ResultBuilder& builder) {
  ASSERT_TRUE(builder.BeginRow());
  builder.AddNull();
  builder.AddBool(true);
  builder.AddBool(false);
  builder.AddIntegerText("-42");
  builder.AddIntegerText("9007199254740993");
  builder.AddIntegerText("-9223372036854775808");
  builder.AddIntegerText("18446744073709551615");
  builder.AddIntegerText("not a number");
  for (const char* text : {"0", "-0", "007", "+5", "", "-", "999999999999999", "-999999999999999",
                           "1000000000000000", "9007199254740992"}) {
    builder.AddIntegerText(text);
  }
  builder.AddText("12345678901234567890.123456789");
  builder.AddText("quote \" backslash \\ tab \t nul " + std::string(1, '\0') + " grüße 😀");
  builder.AddText("bad \xff utf-8");
  builder.AddText("");
  builder.AddText("\xe2\x82");
  builder.AddBinary(std::string("\x00\x01\xfe\xff", 4));
  builder.AddBinary("");
  builder.AddJsonText(R"({"b": [1, 2.5, null], "a": "x\u00e9"})");
  builder.AddJsonText("{not json");
  builder.AddText("2024-01-01 00:01:00");
  ASSERT_TRUE(builder.EndRow());
}

TEST(ResultBuilderTest, TextCellsAreTheDumpOfTreeCells) {
  ResultBuilder tree({10, 1 << 20, false});
  ResultBuilder text({10, 1 << 20, true});
  AddEveryKindOfCell(tree);
  AddEveryKindOfCell(text);
  QueryResult from_tree = std::move(tree).Finish();
  QueryResult from_text = std::move(text).Finish();
  EXPECT_EQ(from_text.row_count, 1u);
  EXPECT_TRUE(from_text.rows.empty());
  EXPECT_EQ(from_text.rows_text, mcp::Dump(from_tree.rows));
  EXPECT_EQ(from_tree.rows[0][6], "18446744073709551615");
  EXPECT_EQ(from_tree.rows[0][20], nlohmann::json::parse(R"({"base64": "YmFkIP8gdXRmLTg="})"));
}

TEST(ResultBuilderTest, TextDoublesReadBackAsTheTreeDoubles) {
  const double values[] = {0.25,
                           2500,
                           -0.0,
                           1e20,
                           0.1,
                           1.0 / 3,
                           std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  ResultBuilder tree({10, 1 << 20, false});
  ResultBuilder text({10, 1 << 20, true});
  for (ResultBuilder* builder : {&tree, &text}) {
    ASSERT_TRUE(builder->BeginRow());
    for (double value : values) builder->AddDouble(value);
    ASSERT_TRUE(builder->EndRow());
  }
  nlohmann::json from_tree = std::move(tree).Finish().rows;
  std::string from_text = std::move(text).Finish().rows_text;
  EXPECT_EQ(nlohmann::json::parse(from_text), from_tree);
  EXPECT_EQ(from_text,
            R"([[0.25,2500.0,-0.0,1e+20,0.1,0.3333333333333333,"NaN","Infinity","-Infinity"]])");
}

TEST(ResultBuilderTest, DoubleTextGivesTheSameValuesBothWays) {
  const char* texts[] = {"0.25", "2500", "-0", "1e+20", "1.5e-07", "NaN", "Infinity", "-Infinity"};
  ResultBuilder tree({10, 1 << 20, false});
  ResultBuilder text({10, 1 << 20, true});
  for (ResultBuilder* builder : {&tree, &text}) {
    ASSERT_TRUE(builder->BeginRow());
    builder->AddNull();
    for (const char* value : texts) builder->AddDoubleText(value);
    ASSERT_TRUE(builder->EndRow());
  }
  nlohmann::json from_tree = std::move(tree).Finish().rows;
  std::string from_text = std::move(text).Finish().rows_text;
  EXPECT_EQ(nlohmann::json::parse(from_text), from_tree);
  EXPECT_EQ(from_text, R"([[null,0.25,2500.0,-0.0,1e+20,1.5e-07,"NaN","Infinity","-Infinity"]])");
}

TEST(ResultBuilderTest, TextRowsStopAtMaxRows) {
  ResultBuilder builder({2, 1 << 20, true});
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(builder.BeginRow());
    builder.AddIntegerText(std::to_string(i));
    builder.AddText("x");
    ASSERT_TRUE(builder.EndRow());
  }
  EXPECT_FALSE(builder.BeginRow());
  QueryResult result = std::move(builder).Finish();
  EXPECT_EQ(result.rows_text, R"([[0,"x"],[1,"x"]])");
  EXPECT_EQ(result.row_count, 2u);
  EXPECT_TRUE(result.truncated);
}

TEST(ResultBuilderTest, ATextRowPastMaxBytesIsDroppedWhole) {
  // The first row's text is 9 bytes: [1,"abc"].
  ResultBuilder builder({10, 15, true});
  ASSERT_TRUE(builder.BeginRow());
  builder.AddIntegerText("1");
  builder.AddText("abc");
  ASSERT_TRUE(builder.EndRow());
  ASSERT_TRUE(builder.BeginRow());
  builder.AddIntegerText("2");
  builder.AddText("abc");
  EXPECT_FALSE(builder.EndRow());
  QueryResult result = std::move(builder).Finish();
  EXPECT_EQ(result.rows_text, R"([[1,"abc"]])");
  EXPECT_EQ(result.row_count, 1u);
  EXPECT_TRUE(result.truncated);
}

TEST(ResultBuilderTest, TreeCellsBuildRowsOfValues) {
  ResultBuilder builder({10, 1 << 20, false});
  ASSERT_TRUE(builder.BeginRow());
  builder.AddIntegerText("7");
  builder.AddText("pear");
  builder.AddNull();
  ASSERT_TRUE(builder.EndRow());
  EXPECT_EQ(std::move(builder).Finish().rows, nlohmann::json::parse(R"([[7, "pear", null]])"));
}

}  // namespace
}  // namespace aurite::sql
