// The resource-server pieces of the HTTP transport (oauth_resource.h):
// which resource URLs are accepted, the RFC 9728 document and its paths,
// and challenges no value can break out of.
#include "mcp/transport/oauth_resource.h"

#include <gtest/gtest.h>

namespace aurite::mcp {
namespace {

ProtectedResource Resource(std::string url, std::vector<std::string> scopes = {}) {
  auto made = MakeProtectedResource(std::move(url), {"https://idp.example.test/realms/acme"},
                                    std::move(scopes));
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return made.ok() ? std::move(made).value() : ProtectedResource{};
}

TEST(OAuthResourceTest, OnlyHttpsOrLoopbackResourcesWithoutQueryAreAccepted) {
  auto refused = [](const std::string& url, const std::string& why) {
    auto made = MakeProtectedResource(url, {"https://idp.example.test"}, {});
    ASSERT_FALSE(made.ok()) << url;
    EXPECT_NE(made.status().message().find(why), std::string::npos) << made.status().message();
  };
  refused("http://db.example.test/mcp", "http:// only on loopback");
  refused("ftp://db.example.test/mcp", "must start with https://");
  refused("db.example.test/mcp", "must start with https://");
  refused("https://user@db.example.test/mcp", "no user information");
  refused("https:///mcp", "must name a host");
  refused("https://db.example.test/mcp?x=1", "no query or fragment");
  EXPECT_FALSE(MakeProtectedResource("https://db.example.test/mcp", {}, {}).ok());
  for (const char* loopback :
       {"http://127.0.0.1:8765/mcp", "http://localhost/mcp", "http://[::1]:9/mcp"}) {
    EXPECT_TRUE(MakeProtectedResource(loopback, {"https://idp.example.test"}, {}).ok()) << loopback;
  }
}

TEST(OAuthResourceTest, TheMetadataDocumentAndWhereItIsServed) {
  ProtectedResource resource = Resource("https://db.example.test:8443/mcp", {"db.read"});
  nlohmann::json document = ProtectedResourceMetadata(resource);
  EXPECT_EQ(document["resource"], "https://db.example.test:8443/mcp");
  EXPECT_EQ(document["authorization_servers"][0], "https://idp.example.test/realms/acme");
  EXPECT_EQ(document["bearer_methods_supported"], nlohmann::json({"header"}));
  EXPECT_EQ(document["scopes_supported"], nlohmann::json({"db.read"}));
  EXPECT_EQ(MetadataPaths(resource),
            (std::vector<std::string>{"/.well-known/oauth-protected-resource/mcp",
                                      "/.well-known/oauth-protected-resource"}));
  EXPECT_EQ(MetadataUrl(resource),
            "https://db.example.test:8443/.well-known/oauth-protected-resource/mcp");

  ProtectedResource root = Resource("https://db.example.test/");
  EXPECT_FALSE(ProtectedResourceMetadata(root).contains("scopes_supported"));
  EXPECT_EQ(MetadataPaths(root), std::vector<std::string>{"/.well-known/oauth-protected-resource"});
}

TEST(OAuthResourceTest, ChallengesNameTheMetadataAndCannotBeBrokenOutOf) {
  ProtectedResource resource = Resource("https://db.example.test/mcp");
  const std::string metadata =
      "resource_metadata=\"https://db.example.test/.well-known/oauth-protected-resource/mcp\"";
  EXPECT_EQ(UnauthorizedChallenge(resource, "", false), "Bearer " + metadata);
  EXPECT_EQ(UnauthorizedChallenge(resource, "db.read db.write", true, "it has expired"),
            "Bearer " + metadata +
                ", scope=\"db.read db.write\", error=\"invalid_token\", "
                "error_description=\"it has expired\"");
  EXPECT_EQ(InsufficientScopeChallenge(resource, "db.write"),
            "Bearer error=\"insufficient_scope\", scope=\"db.write\", " + metadata);
  // A quote, a backslash and a line break in a value stay inside it.
  const std::string hostile = UnauthorizedChallenge(resource, "a\"b\\c\r\nSet-Cookie: x", false);
  EXPECT_EQ(hostile.find('\r'), std::string::npos);
  EXPECT_EQ(hostile.find('\n'), std::string::npos);
  EXPECT_NE(hostile.find("scope=\"a\\\"b\\\\cSet-Cookie: x\""), std::string::npos) << hostile;
}

TEST(OAuthResourceTest, ScopesComeFromScopeOrScp) {
  EXPECT_EQ(TokenScopes({{"scope", "db.read  db.write"}}),
            (std::vector<std::string>{"db.read", "db.write"}));
  EXPECT_EQ(TokenScopes({{"scp", {"db.read", 7, "admin"}}}),
            (std::vector<std::string>{"db.read", "admin"}));
  EXPECT_TRUE(TokenScopes({{"scope", 42}}).empty());
  EXPECT_TRUE(TokenScopes(nlohmann::json::object()).empty());
}

}  // namespace
}  // namespace aurite::mcp
