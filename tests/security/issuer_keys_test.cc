// IssuerKeys: the issuer's keys are fetched once and cached, fetched again
// for a rotated key at most once a minute, refreshed after their maximum
// age, and a fetch that fails never lets a token through unchecked.
#include "security/issuer_keys.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jose_test_support.h"

namespace aurite::security {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;
using testing::CjoseKey;
using testing::EcKey;
using testing::RsaKey;
using testing::SignCjose;

// An issuer whose JWKS document the test changes, counting fetches, on a
// clock the test moves.
class IssuerKeysTest : public ::testing::Test {
 protected:
  IssuerKeysTest()
      : keys_(
            [this]() -> StatusOr<std::string> {
              ++fetches_;
              if (slow_) slow_->wait();
              if (!reachable_) return UnavailableError("connection refused");
              return Json({{"keys", published_}}).dump();
            },
            {}, [this] { return now_; }) {
    rules_.issuer = "https://idp.example.test";
    rules_.audience = "https://aurite.example.test/mcp";
  }
  Json Claims() const {
    const long now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return {{"iss", rules_.issuer}, {"aud", rules_.audience}, {"sub", "u"}, {"exp", now + 300}};
  }
  StatusOr<Json> Verify(const std::string& token) {
    return keys_.Verify(token, rules_, std::chrono::system_clock::now());
  }

  std::vector<Json> published_;
  std::atomic<bool> reachable_ = true;
  std::atomic<int> fetches_ = 0;
  // When set, a fetch waits for it (an issuer that answers slowly).
  std::optional<std::shared_future<void>> slow_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
  AccessTokenRules rules_;
  IssuerKeys keys_;
};

TEST_F(IssuerKeysTest, KeysAreFetchedOnceAndRefetchedForARotatedKeyAtMostOnceAMinute) {
  CjoseKey first = RsaKey("2025");
  CjoseKey second = EcKey("2026");
  published_ = {first.public_jwk};
  const std::string old_token = SignCjose(first.key.get(), "RS256", "2025", Claims());
  EXPECT_TRUE(Verify(old_token).ok());
  EXPECT_TRUE(Verify(old_token).ok());
  EXPECT_EQ(fetches_, 1);

  // The issuer rotates: a token with the new key id triggers one refetch,
  // but only a minute after the last fetch.
  published_ = {first.public_jwk, second.public_jwk};
  const std::string new_token = SignCjose(second.key.get(), "ES256", "2026", Claims());
  StatusOr<Json> too_soon = Verify(new_token);
  EXPECT_EQ(too_soon.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(too_soon.status().message().find("a key its issuer does not list"), std::string::npos)
      << too_soon.status().message();
  EXPECT_EQ(fetches_, 1);
  now_ += 61s;
  EXPECT_TRUE(Verify(new_token).ok());
  EXPECT_EQ(fetches_, 2);

  // Made-up key ids cost at most one fetch a minute.
  const std::string made_up = SignCjose(second.key.get(), "ES256", "made-up", Claims());
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(Verify(made_up).ok());
  EXPECT_EQ(fetches_, 2);
  now_ += 61s;
  EXPECT_FALSE(Verify(made_up).ok());
  EXPECT_EQ(fetches_, 3);
}

TEST_F(IssuerKeysTest, ASlowFetchDoesNotHoldUpTokensTheCachedKeysVerify) {
  CjoseKey key = RsaKey("k");
  published_ = {key.public_jwk};
  const std::string known = SignCjose(key.key.get(), "RS256", "k", Claims());
  ASSERT_TRUE(Verify(known).ok());
  // A made-up key id makes one caller refetch, from an issuer that hangs.
  std::promise<void> answer;
  slow_ = answer.get_future().share();
  now_ += 61s;
  const std::string made_up = SignCjose(key.key.get(), "RS256", "made-up", Claims());
  auto refetching = std::async(std::launch::async, [&] { return Verify(made_up); });
  while (fetches_.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Meanwhile a token the cached keys verify is answered at once.
  auto known_again = std::async(std::launch::async, [&] { return Verify(known); });
  const bool prompt = known_again.wait_for(5s) == std::future_status::ready;
  answer.set_value();  // before any check can end the test: the threads must finish
  EXPECT_TRUE(prompt) << "a known token waited for another caller's fetch";
  EXPECT_TRUE(known_again.get().ok());
  EXPECT_EQ(refetching.get().status().code(), StatusCode::kUnauthenticated);
}

TEST_F(IssuerKeysTest, AWithdrawnKeyStopsWorkingAfterTheMaximumAge) {
  CjoseKey withdrawn = RsaKey("leaked");
  CjoseKey kept = RsaKey("kept");
  published_ = {withdrawn.public_jwk, kept.public_jwk};
  const std::string token = SignCjose(withdrawn.key.get(), "RS256", "leaked", Claims());
  EXPECT_TRUE(Verify(token).ok());
  published_ = {kept.public_jwk};
  now_ += 59min;
  EXPECT_TRUE(Verify(token).ok()) << "still within the cache's maximum age";
  now_ += 2min;
  EXPECT_EQ(Verify(token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(IssuerKeysTest, AnUnreachableIssuerFailsClosedAndCachedKeysOutliveAnOutage) {
  CjoseKey key = RsaKey("k");
  published_ = {key.public_jwk};
  const std::string token = SignCjose(key.key.get(), "RS256", "k", Claims());
  reachable_ = false;
  StatusOr<Json> unchecked = Verify(token);
  EXPECT_EQ(unchecked.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(unchecked.status().message().find("could not be fetched"), std::string::npos);
  EXPECT_EQ(keys_.LastFetchError().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(Verify(token).ok()) << "no retry within the minute, and no token unchecked";
  EXPECT_EQ(fetches_, 1);

  reachable_ = true;
  now_ += 61s;
  EXPECT_TRUE(Verify(token).ok());
  EXPECT_TRUE(keys_.LastFetchError().ok());
  // Past the maximum age, the issuer is down: the cached keys keep serving.
  reachable_ = false;
  now_ += 2h;
  EXPECT_TRUE(Verify(token).ok());
  EXPECT_EQ(keys_.LastFetchError().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace aurite::security
