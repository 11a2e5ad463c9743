// Tests of the Mcp-Param-* headers of the 2026-07-28 Streamable HTTP
// transport: strict base64 decoding, and arguments annotated x-mcp-header
// needing a matching header.
#include "mcp/transport/param_headers.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

namespace aurite::mcp {
namespace {

TEST(ParamHeaders, DecodesBase64StrictlyAndTreatsTheRestAsLiteral) {
  EXPECT_EQ(DecodeParamHeader("=?base64?SGVsbG8=?="), "Hello");
  EXPECT_FALSE(DecodeParamHeader("=?base64?SGVsbG8?="));      // padding missing
  EXPECT_FALSE(DecodeParamHeader("=?base64?SGVs!!!bG8=?="));  // not the alphabet
  EXPECT_EQ(DecodeParamHeader("SGVsbG8="), "SGVsbG8=");
  EXPECT_EQ(DecodeParamHeader("=?base64?SGVsbG8="), "=?base64?SGVsbG8=");
}

TEST(ParamHeaders, AnnotatedArgumentsNeedAMatchingHeader) {
  const Json schema = {{"type", "object"},
                       {"properties",
                        {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}},
                         {"other", {{"type", "string"}}}}}};
  std::map<std::string, std::string> headers;
  auto header = [&](const std::string& name) -> std::string_view {
    auto it = headers.find(name);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  };
  EXPECT_FALSE(CheckParamHeaders(schema, {{"other", "x"}}, header));
  EXPECT_EQ(CheckParamHeaders(schema, {{"region", "eu"}}, header)->code,
            error_code::kHeaderMismatch);
  headers["Mcp-Param-Region"] = "eu";
  EXPECT_FALSE(CheckParamHeaders(schema, {{"region", "eu"}}, header));
  EXPECT_EQ(CheckParamHeaders(schema, {{"region", "us"}}, header)->code,
            error_code::kHeaderMismatch);
  headers["Mcp-Param-Region"] = "=?base64?ZXU=?=";
  EXPECT_FALSE(CheckParamHeaders(schema, {{"region", "eu"}}, header));
}

}  // namespace
}  // namespace aurite::mcp
