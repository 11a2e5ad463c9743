// Tests of the client's elicitation defaults: what ApplyElicitationDefaults
// fills into a user's answer from the requested schema.
#include <gtest/gtest.h>

#include "mcp/client/client.h"

namespace aurite::mcp {
namespace {

TEST(ElicitationDefaults, FillsOnlyOmittedFieldsThatHaveDefaults) {
  Json schema = {{"type", "object"},
                 {"properties",
                  {{"name", {{"type", "string"}, {"default", "John Doe"}}},
                   {"age", {{"type", "integer"}, {"default", 30}}},
                   {"note", {{"type", "string"}}}}}};
  Json filled = ApplyElicitationDefaults(schema, {{"age", 41}});
  EXPECT_EQ(filled, Json({{"name", "John Doe"}, {"age", 41}}));
  EXPECT_EQ(ApplyElicitationDefaults(Json(), nullptr), Json::object());
}

}  // namespace
}  // namespace aurite::mcp
