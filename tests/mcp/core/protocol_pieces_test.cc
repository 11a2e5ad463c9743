// Tests of the small protocol pieces: URI templates, schema checks, version rules.
#include <gtest/gtest.h>

#include "mcp/core/pagination.h"
#include "mcp/core/protocol_version.h"
#include "mcp/core/schema_check.h"
#include "mcp/core/uri_template.h"

namespace aurite::mcp {
namespace {

TEST(UriTemplate, MatchesVariablesAndLiterals) {
  auto vars = MatchUriTemplate("test://{kind}/items/{id}.json", "test://a/items/42.json");
  ASSERT_TRUE(vars.has_value());
  EXPECT_EQ(vars->at("kind"), "a");
  EXPECT_EQ(vars->at("id"), "42");
}

TEST(UriTemplate, RejectsMismatches) {
  EXPECT_FALSE(MatchUriTemplate("test://items/{id}", "test://items/").has_value());
  EXPECT_FALSE(MatchUriTemplate("test://items/{id}", "test://items/1/2").has_value());
  EXPECT_FALSE(MatchUriTemplate("test://items/{id}", "test://other/1").has_value());
  EXPECT_FALSE(MatchUriTemplate("test://items/{id", "test://items/1").has_value());
}

TEST(SchemaCheck, ChecksTypesRequiredEnumsAndNesting) {
  Json schema = {{"type", "object"},
                 {"properties",
                  {{"n", {{"type", "integer"}}},
                   {"mode", {{"enum", {"a", "b"}}}},
                   {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
                 {"required", {"n"}}};
  EXPECT_FALSE(CheckAgainstSchema(schema, {{"n", 1}, {"mode", "a"}, {"tags", {"x"}}}));
  EXPECT_FALSE(CheckAgainstSchema(schema, {{"n", 2.0}}));
  EXPECT_TRUE(CheckAgainstSchema(schema, Json::object()));
  EXPECT_TRUE(CheckAgainstSchema(schema, {{"n", 1.5}}));
  EXPECT_TRUE(CheckAgainstSchema(schema, {{"n", 1}, {"mode", "c"}}));
  auto nested = CheckAgainstSchema(schema, {{"n", 1}, {"tags", {"x", 3}}});
  ASSERT_TRUE(nested);
  EXPECT_NE(nested->find("arguments.tags[1]"), std::string::npos);
}

TEST(SchemaCheck, ClosedObjectsRejectExtraProperties) {
  Json schema = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", Json::object()}};
  EXPECT_TRUE(CheckAgainstSchema(schema, {{"x", 1}}));
  EXPECT_FALSE(CheckAgainstSchema({{"type", "object"}}, {{"x", 1}}));
}

TEST(ProtocolVersion, NegotiationAndBatchRules) {
  EXPECT_EQ(NegotiateProtocolVersion("2025-06-18"), "2025-06-18");
  EXPECT_EQ(NegotiateProtocolVersion("2030-01-01"), kLatestProtocolVersion);
  EXPECT_TRUE(AllowsBatches("2025-03-26"));
  EXPECT_TRUE(AllowsBatches("2024-11-05"));
  EXPECT_FALSE(AllowsBatches("2025-06-18"));
  EXPECT_FALSE(AllowsBatches("2025-11-25"));
}

TEST(Pagination, PagesAndCursors) {
  Json items = {1, 2, 3};
  RpcResult first = Paginate(Json::object(), "items", items, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value()["items"], Json({1, 2}));
  RpcResult second = Paginate({{"cursor", first.value()["nextCursor"]}}, "items", items, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value()["items"], Json({3}));
  EXPECT_FALSE(second.value().contains("nextCursor"));
}

}  // namespace
}  // namespace aurite::mcp
