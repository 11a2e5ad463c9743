// Tests of wire-text parsing: every limit and every malformed shape.
#include "mcp/core/message_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::mcp {
namespace {

RpcError ParseError(std::string_view text, const ParseLimits& limits = {}) {
  auto parsed = ParseJsonText(text, limits);
  EXPECT_TRUE(std::holds_alternative<RpcError>(parsed)) << text;
  return std::holds_alternative<RpcError>(parsed) ? std::get<RpcError>(parsed) : RpcError{};
}

Rejection Reject(std::string_view text) {
  auto classified = ClassifyMessage(Json::parse(text));
  EXPECT_TRUE(std::holds_alternative<Rejection>(classified)) << text;
  return std::holds_alternative<Rejection>(classified) ? std::get<Rejection>(classified)
                                                       : Rejection{};
}

TEST(ParseJsonText, AcceptsAnObject) {
  auto parsed = ParseJsonText(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", {});
  ASSERT_TRUE(std::holds_alternative<Json>(parsed));
  EXPECT_EQ(std::get<Json>(parsed)["method"], "ping");
}

TEST(ParseJsonText, RejectsTextOverTheSizeLimit) {
  ParseLimits limits;
  limits.max_bytes = 16;
  RpcError e = ParseError(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", limits);
  EXPECT_EQ(e.code, error_code::kParseError);
  EXPECT_NE(e.message.find("limit"), std::string::npos);
}

TEST(ParseJsonText, DefaultSizeLimitIsFourMebibytes) {
  EXPECT_EQ(ParseLimits{}.max_bytes, 4u * 1024 * 1024);
}

TEST(ParseJsonText, RejectsNestingDeeperThanTheLimit) {
  std::string deep(100000, '[');
  RpcError e = ParseError(deep);
  EXPECT_EQ(e.code, error_code::kParseError);
  EXPECT_NE(e.message.find("deeper"), std::string::npos);
}

TEST(ParseJsonText, BracketsInsideStringsDoNotCountAsNesting) {
  ParseLimits limits;
  limits.max_depth = 2;
  auto parsed = ParseJsonText(R"({"a":"[[[[{{{{\"[["})", limits);
  EXPECT_TRUE(std::holds_alternative<Json>(parsed));
}

TEST(ParseJsonText, RejectsInvalidUtf8) {
  EXPECT_EQ(ParseError("{\"a\":\"\xC3\x28\"}").code, error_code::kParseError);
  EXPECT_EQ(ParseError("{\"a\":\"\xED\xA0\x80\"}").code, error_code::kParseError);  // surrogate
  EXPECT_EQ(ParseError("{\"a\":\"\xC0\xAF\"}").code, error_code::kParseError);      // overlong
  EXPECT_EQ(ParseError("{\"a\":\"\xE2\x82\"}").code, error_code::kParseError);      // truncated
  EXPECT_NE(ParseError("{\"a\":\"\xFF\"}").message.find("UTF-8"), std::string::npos);
}

TEST(ParseJsonText, AcceptsMultibyteUtf8) {
  auto parsed = ParseJsonText("{\"a\":\"h\xC3\xA9llo \xF0\x9F\x98\x80\"}", {});
  EXPECT_TRUE(std::holds_alternative<Json>(parsed));
}

TEST(ParseJsonText, RejectsMalformedJson) {
  EXPECT_EQ(ParseError("{\"a\":").code, error_code::kParseError);
  EXPECT_EQ(ParseError("").code, error_code::kParseError);
  EXPECT_EQ(ParseError("{} {}").code, error_code::kParseError);
}

TEST(ClassifyMessage, RequestWithIntegerAndStringIds) {
  auto a = ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":7,"method":"m","params":{}})"));
  ASSERT_TRUE(std::holds_alternative<Message>(a));
  EXPECT_EQ(std::get<Request>(std::get<Message>(a)).id, RequestId(7));
  auto b = ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":"x","method":"m"})"));
  ASSERT_TRUE(std::holds_alternative<Message>(b));
  EXPECT_EQ(std::get<Request>(std::get<Message>(b)).id, RequestId(std::string("x")));
}

TEST(ClassifyMessage, NotificationAndResponses) {
  auto n = ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","method":"notifications/x"})"));
  EXPECT_TRUE(std::holds_alternative<Notification>(std::get<Message>(n)));
  auto ok = ClassifyMessage(Json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"a":1}})"));
  const auto& r = std::get<Response>(std::get<Message>(ok));
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.result.value()["a"], 1);
  auto err = ClassifyMessage(
      Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32010,"message":"no"}})"));
  const auto& e = std::get<Response>(std::get<Message>(err));
  ASSERT_FALSE(e.result.ok());
  EXPECT_EQ(e.result.error().code, -32010);
}

TEST(ClassifyMessage, NonObjectsAreInvalidRequests) {
  for (const char* text : {"42", R"("s")", "null", "true"}) {
    Rejection r = Reject(text);
    EXPECT_EQ(r.error.code, error_code::kInvalidRequest);
    EXPECT_TRUE(r.reply);
    EXPECT_FALSE(r.id.has_value());
  }
}

TEST(ClassifyMessage, MissingOrWrongJsonrpcVersion) {
  Rejection r = Reject(R"({"id":3,"method":"m"})");
  EXPECT_EQ(r.error.code, error_code::kInvalidRequest);
  ASSERT_TRUE(r.id.has_value());
  EXPECT_EQ(*r.id, RequestId(3));
  EXPECT_EQ(Reject(R"({"jsonrpc":"1.0","id":3,"method":"m"})").error.code,
            error_code::kInvalidRequest);
}

TEST(ClassifyMessage, BadIdsAreRejected) {
  EXPECT_EQ(Reject(R"({"jsonrpc":"2.0","id":1.5,"method":"m"})").error.code,
            error_code::kInvalidRequest);
  EXPECT_EQ(Reject(R"({"jsonrpc":"2.0","id":null,"method":"m"})").error.code,
            error_code::kInvalidRequest);
  EXPECT_EQ(Reject(R"({"jsonrpc":"2.0","id":{},"method":"m"})").error.code,
            error_code::kInvalidRequest);
  EXPECT_EQ(Reject(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"m"})").error.code,
            error_code::kInvalidRequest);
}

TEST(ClassifyMessage, BadMethodOrParams) {
  EXPECT_EQ(Reject(R"({"jsonrpc":"2.0","id":1,"method":5})").error.code,
            error_code::kInvalidRequest);
  Rejection r = Reject(R"({"jsonrpc":"2.0","id":1,"method":"m","params":"x"})");
  EXPECT_EQ(r.error.code, error_code::kInvalidRequest);
  EXPECT_EQ(*r.id, RequestId(1));
}

TEST(ClassifyMessage, MalformedResponsesAreNeverAnswered) {
  EXPECT_FALSE(Reject(R"({"jsonrpc":"2.0","result":{}})").reply);
  EXPECT_FALSE(Reject(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})").reply);
  EXPECT_FALSE(Reject(R"({"jsonrpc":"2.0","id":1})").reply);
  EXPECT_FALSE(Reject(R"({"id":1,"result":{}})").reply);
}

TEST(Dump, ReplacesInvalidUtf8InsteadOfThrowing) {
  Json j = {{"a", std::string("\xFF")}};
  EXPECT_NO_THROW((void)Dump(j));
}

}  // namespace
}  // namespace aurite::mcp
