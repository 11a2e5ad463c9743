// One test per JSON Schema keyword the argument check covers: each shows a
// conforming value passing and a violating one failing with its path named.
#include "mcp/core/schema_check.h"

#include <gtest/gtest.h>

namespace aurite::mcp {
namespace {

// The problem for `value` under `schema`, or "" when it conforms.
std::string Problem(const Json& schema, const Json& value) {
  return CheckAgainstSchema(schema, value).value_or("");
}

Json Object(const char* name, Json property) {
  return {{"type", "object"}, {"properties", {{name, std::move(property)}}}};
}

TEST(SchemaCheck, TypeNamesIntegerAndTypeLists) {
  const Json schema = Object("n", {{"type", "integer"}});
  EXPECT_EQ(Problem(schema, {{"n", 3}}), "");
  EXPECT_EQ(Problem(schema, {{"n", 3.0}}), "");
  EXPECT_EQ(Problem(schema, {{"n", 3.5}}), "arguments.n: expected integer");
  EXPECT_EQ(Problem(schema, {{"n", "3"}}), "arguments.n: expected integer");
  const Json nullable = Object("s", {{"type", {"string", "null"}}});
  EXPECT_EQ(Problem(nullable, {{"s", nullptr}}), "");
  EXPECT_EQ(Problem(nullable, {{"s", "x"}}), "");
  EXPECT_NE(Problem(nullable, {{"s", 1}}).find("arguments.s: expected one of the types"),
            std::string::npos);
  EXPECT_EQ(Problem({{"type", "object"}}, Json::array()), "arguments: expected object");
}

TEST(SchemaCheck, RequiredAndAdditionalProperties) {
  Json schema = Object("a", {{"type", "string"}});
  schema["required"] = {"a"};
  EXPECT_EQ(Problem(schema, Json::object()), "arguments: missing required property \"a\"");
  EXPECT_EQ(Problem(schema, {{"a", "x"}, {"extra", 1}}), "");
  schema["additionalProperties"] = false;
  EXPECT_EQ(Problem(schema, {{"a", "x"}, {"extra", 1}}),
            "arguments: unexpected property \"extra\"");
  schema["additionalProperties"] = {{"type", "number"}};
  EXPECT_EQ(Problem(schema, {{"a", "x"}, {"extra", 1}}), "");
  EXPECT_EQ(Problem(schema, {{"a", "x"}, {"extra", "y"}}), "arguments.extra: expected number");
}

TEST(SchemaCheck, EnumAndConst) {
  EXPECT_EQ(Problem(Object("e", {{"enum", {"a", "b"}}}), {{"e", "b"}}), "");
  EXPECT_EQ(Problem(Object("e", {{"enum", {"a", "b"}}}), {{"e", "c"}}),
            "arguments.e: not one of the allowed values");
  EXPECT_EQ(Problem(Object("c", {{"const", 7}}), {{"c", 7}}), "");
  EXPECT_EQ(Problem(Object("c", {{"const", 7}}), {{"c", 8}}),
            "arguments.c: must be the constant value the schema gives");
}

TEST(SchemaCheck, NumericBounds) {
  const Json schema = Object("n", {{"minimum", 1}, {"maximum", 10}});
  EXPECT_EQ(Problem(schema, {{"n", 1}}), "");
  EXPECT_EQ(Problem(schema, {{"n", 10}}), "");
  EXPECT_EQ(Problem(schema, {{"n", 0}}), "arguments.n: must be at least 1");
  EXPECT_EQ(Problem(schema, {{"n", 10.5}}), "arguments.n: must be at most 10");
  const Json exclusive = Object("n", {{"exclusiveMinimum", 0}, {"exclusiveMaximum", 1}});
  EXPECT_EQ(Problem(exclusive, {{"n", 0.5}}), "");
  EXPECT_EQ(Problem(exclusive, {{"n", 0}}), "arguments.n: must be greater than 0");
  EXPECT_EQ(Problem(exclusive, {{"n", 1}}), "arguments.n: must be less than 1");
}

TEST(SchemaCheck, StringLengthsCountCodePoints) {
  const Json schema = Object("s", {{"minLength", 2}, {"maxLength", 3}});
  EXPECT_EQ(Problem(schema, {{"s", "äöü"}}), "");  // 6 bytes, 3 characters
  EXPECT_EQ(Problem(schema, {{"s", "a"}}), "arguments.s: must be at least 2 characters long");
  EXPECT_EQ(Problem(schema, {{"s", "abcd"}}), "arguments.s: must be at most 3 characters long");
}

TEST(SchemaCheck, PatternIsAnUnanchoredRe2Search) {
  const Json schema = Object("id", {{"pattern", "^[a-z]+_[0-9]+$"}});
  EXPECT_EQ(Problem(schema, {{"id", "users_12"}}), "");
  EXPECT_EQ(Problem(schema, {{"id", "Users 12"}}),
            "arguments.id: does not match the pattern ^[a-z]+_[0-9]+$");
  EXPECT_EQ(Problem(Object("s", {{"pattern", "b"}}), {{"s", "abc"}}), "");  // unanchored
  EXPECT_EQ(Problem(Object("s", {{"pattern", "(unclosed"}}), {{"s", "x"}}),
            "arguments.s: the schema's pattern is not a valid regular expression");
}

TEST(SchemaCheck, ItemsAndItemCounts) {
  const Json schema = Object(
      "rows",
      {{"type", "array"}, {"items", {{"type", "string"}}}, {"minItems", 1}, {"maxItems", 2}});
  EXPECT_EQ(Problem(schema, {{"rows", {"a"}}}), "");
  EXPECT_EQ(Problem(schema, {{"rows", {"a", 2}}}), "arguments.rows[1]: expected string");
  EXPECT_EQ(Problem(schema, {{"rows", Json::array()}}), "arguments.rows: needs at least 1 items");
  EXPECT_EQ(Problem(schema, {{"rows", {"a", "b", "c"}}}), "arguments.rows: allows at most 2 items");
}

TEST(SchemaCheck, AllOfAnyOfOneOf) {
  const Json all = Object("n", {{"allOf", {{{"minimum", 0}}, {{"maximum", 5}}}}});
  EXPECT_EQ(Problem(all, {{"n", 3}}), "");
  EXPECT_EQ(Problem(all, {{"n", 6}}), "arguments.n: must be at most 5");
  const Json any = Object("v", {{"anyOf", {{{"type", "string"}}, {{"type", "integer"}}}}});
  EXPECT_EQ(Problem(any, {{"v", 1}}), "");
  EXPECT_EQ(Problem(any, {{"v", true}}), "arguments.v: matches none of the anyOf alternatives");
  const Json one = Object("v", {{"oneOf", {{{"type", "integer"}}, {{"minimum", 10}}}}});
  EXPECT_EQ(Problem(one, {{"v", 3}}), "");
  EXPECT_EQ(Problem(one, {{"v", 12}}),
            "arguments.v: must match exactly one oneOf alternative, matches 2");
  EXPECT_EQ(Problem(one, {{"v", 9.5}}),
            "arguments.v: must match exactly one oneOf alternative, matches 0");
}

TEST(SchemaCheck, NestedPathsAndUncheckedKeywords) {
  const Json schema = Object("outer", Object("inner", {{"type", "boolean"}}));
  EXPECT_EQ(Problem(schema, {{"outer", {{"inner", "no"}}}}),
            "arguments.outer.inner: expected boolean");
  EXPECT_EQ(Problem(Object("r", {{"$ref", "#/$defs/x"}}), {{"r", 1}}), "");
}

}  // namespace
}  // namespace aurite::mcp
