// Tests for the backend links: URL splitting and the checks an HTTP backend's
// configuration must pass before the host connects to it.
#include "host/backend_link.h"

#include <gtest/gtest.h>

namespace aurite::host {
namespace {

ServerConfig HttpServer(std::string url) {
  ServerConfig server;
  server.name = "remote";
  server.url = std::move(url);
  return server;
}

TEST(ParseHttpUrlTest, SplitsSchemeHostPortAndPath) {
  StatusOr<HttpTarget> plain = ParseHttpUrl("http://127.0.0.1:8123/mcp?x=1");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 8123);
  EXPECT_EQ(plain->path, "/mcp?x=1");

  StatusOr<HttpTarget> secure = ParseHttpUrl("https://mcp.example.com");
  ASSERT_TRUE(secure.ok());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->path, "/");

  StatusOr<HttpTarget> v6 = ParseHttpUrl("http://[::1]:9/mcp");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(ParseHttpUrlTest, RefusesUserInfoBadPortsAndOtherSchemes) {
  EXPECT_FALSE(ParseHttpUrl("http://user:secret@host/mcp").ok());
  EXPECT_FALSE(ParseHttpUrl("http://host:70000/mcp").ok());
  EXPECT_FALSE(ParseHttpUrl("http://host:0/mcp").ok());
  EXPECT_FALSE(ParseHttpUrl("ftp://host/mcp").ok());
  StatusOr<HttpTarget> bad = ParseHttpUrl("http://user:canary-pw@host/mcp");
  EXPECT_EQ(bad.status().message().find("canary-pw"), std::string::npos);
}

TEST(OpenHttpLinkTest, StorageBackendMustBeHttpsOrLoopback) {
  ServerConfig server = HttpServer("http://db-proxy.example:8080/mcp");
  server.capabilities = {"tools", "storage"};
  StatusOr<std::unique_ptr<BackendLink>> link = OpenHttpLink(server);
  ASSERT_FALSE(link.ok());
  EXPECT_NE(link.status().message().find("mcpServers.remote"), std::string::npos);
  EXPECT_NE(link.status().message().find("https://"), std::string::npos);

  server.url = "https://db-proxy.example/mcp";
  EXPECT_TRUE(OpenHttpLink(server).ok());
  server.url = "http://127.0.0.1:1/mcp";
  EXPECT_TRUE(OpenHttpLink(server).ok());
  server.capabilities = {"tools"};
  server.url = "http://docs.example/mcp";
  EXPECT_TRUE(OpenHttpLink(server).ok());
}

TEST(OpenHttpLinkTest, OnlyABearerAuthorizationHeaderIsAccepted) {
  ServerConfig server = HttpServer("http://127.0.0.1:1/mcp");
  server.headers.emplace_back("X-Api-Key", crypto::SecretBuffer::CopyFrom("canary-key"));
  StatusOr<std::unique_ptr<BackendLink>> link = OpenHttpLink(server);
  ASSERT_FALSE(link.ok());
  EXPECT_NE(link.status().message().find("headers.X-Api-Key"), std::string::npos);
  EXPECT_EQ(link.status().message().find("canary-key"), std::string::npos);

  server.headers.clear();
  server.headers.emplace_back("Authorization", crypto::SecretBuffer::CopyFrom("Basic canary-b"));
  link = OpenHttpLink(server);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.status().message().find("canary-b"), std::string::npos);

  server.headers.clear();
  server.headers.emplace_back("authorization", crypto::SecretBuffer::CopyFrom("Bearer t0ken"));
  EXPECT_TRUE(OpenHttpLink(server).ok());
}

}  // namespace
}  // namespace aurite::host
