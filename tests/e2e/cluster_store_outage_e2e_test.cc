// End-to-end: gateways on a shared PostgreSQL store while its server is
// stopped for a while (`databases stop-server`, then `start-server`), on a
// server of the test's own (cluster_fixture.h):
//  - a token an instance has not seen yet is refused with an error naming
//    the unreachable store (fail closed), not as an unknown token, and is
//    served once the store is back.
#include <gtest/gtest.h>

#include "cluster_fixture.h"
#include "mcp/transport/http_client.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

// How soon after the store's server is back an instance must serve again.
constexpr auto kBackWithin = std::chrono::seconds(5);

class StoreOutageTest : public OwnServerClusterTest {};

// An instance that has not seen a token yet looks it up in the store: while
// the store is away the answer must be "the store is unreachable", never
// "this token is unknown", which would have the client throw a live token
// away.
TEST_F(StoreOutageTest, ATokenNotSeenYetIsRefusedWithAnErrorNamingTheStore) {
  ASSERT_NO_FATAL_FAILURE(StartInstance(0));
  const std::string fresh = SecureWithCli(sample_);
  ASSERT_FALSE(fresh.empty());
  testing::CommandOutput stopped = Harness("stop-server");
  ASSERT_EQ(stopped.exit_status, 0) << stopped.err;

  const std::string stateless = ConnectWithToken(instances_[0]->port(), fresh).error();
  auto session = instances_[0]->Connect();
  mcp::RpcResult opened = session->client().CallTool(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", fresh}});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const std::string routed = ErrorText(opened.value());
  for (const std::string& error : {stateless, routed}) {
    EXPECT_NE(error.find("cannot reach credential store"), std::string::npos) << error;
    EXPECT_NE(error.find("fail closed"), std::string::npos) << error;
    EXPECT_EQ(error.find("does not know this token"), std::string::npos) << error;
  }

  testing::CommandOutput started = Harness("start-server");
  ASSERT_EQ(started.exit_status, 0) << started.err;
  EXPECT_TRUE(PollWithin(ClusterClock::now(), kBackWithin, [&] {
    return ConnectWithToken(instances_[0]->port(), fresh).ok();
  })) << "the token was not served once the store was back";
}

}  // namespace
}  // namespace aurite::e2e
