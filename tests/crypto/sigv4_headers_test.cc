// SigV4 in the Authorization-header form: AWS's documented IAM ListUsers
// example, then generated requests signed character for character as
// botocore's SigV4Auth signs them (Debian's python3-botocore, its clock
// frozen).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "crypto/sigv4.h"
#include "support/botocore_sigv4.h"

namespace aurite::crypto {
namespace {

using aurite::testing::SignedRequestCase;

constexpr int kGeneratedCases = 24;

// The IAM ListUsers request of AWS's SigV4 walk-through, whose documented
// signature is 5d672d79….
TEST(SigV4HeadersTest, MatchesAwsWalkThrough) {
  HeaderSignRequest request;
  request.method = "GET";
  request.host = "iam.amazonaws.com";
  request.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.region = "us-east-1";
  request.service = "iam";
  request.now = std::chrono::sys_days(std::chrono::year(2015) / 8 / 30) + std::chrono::hours(12) +
                std::chrono::minutes(36);
  AwsCredentials credentials{"AKIDEXAMPLE",
                             SecretBuffer::CopyFrom("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                             SecretBuffer()};
  const SignedHeaders signed_headers = SignRequestHeaders(request, credentials);
  EXPECT_EQ(signed_headers.amz_date, "20150830T123600Z");
  EXPECT_EQ(signed_headers.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4HeadersTest, PayloadHashIsHexSha256) {
  EXPECT_EQ(PayloadSha256(""), kEmptyPayloadSha256);
  EXPECT_EQ(PayloadSha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// One generated request: the botocore case and the host our signer is given,
// which botocore derives from the URL (the port only when not the scheme's).
struct GeneratedRequest {
  SignedRequestCase botocore;
  std::string host;
  std::string path;
};

class RequestGenerator {
 public:
  GeneratedRequest Next(int index) {
    GeneratedRequest r;
    SignedRequestCase& c = r.botocore;
    const bool https = index % 3 != 0;
    const std::string scheme = https ? "https" : "http";
    const std::string name = Pick({"sts.eu-west-1.amazonaws.com", "127.0.0.1", "localhost",
                                   "iam.amazonaws.com", "sts.amazonaws.com.cn"});
    const int port = Pick({0, 443, 80, 4566, 5000});
    r.host = name;
    if (port != 0 && port != (https ? 443 : 80)) r.host += ":" + std::to_string(port);
    r.path = Pick({"/", "/", "/a/b", "/x-y_z.~"});
    c.url = scheme + "://" + name + (port != 0 ? ":" + std::to_string(port) : "") + r.path;
    c.method = index % 2 == 0 ? "POST" : "GET";
    if (c.method == "POST") {
      c.headers.push_back(
          {"Content-Type",
           Pick({"application/x-www-form-urlencoded; charset=utf-8",
                 "  application/x-www-form-urlencoded;   charset=utf-8 ", "text/plain"})});
      c.body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A" +
               Text(12, 12, "0123456789") + "%3Arole%2F" + Text(1, 30, kSecretAlphabet);
    } else {
      c.query = {{"Action", "GetCallerIdentity"},
                 {"Version", "2011-06-15"},
                 {Text(1, 8, "abcXYZ-_.~"), Text(0, 12, "a b+c=d&e%f/~") + Pick({"", "\xc3\xbc"})}};
    }
    if (index % 4 == 1) c.headers.push_back({"X-Amz-Meta-Note", "\t one \t two  "});
    c.region = Pick({"us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"});
    c.service = Pick({"sts", "iam", "sts", "execute-api"});
    c.time = Between(946684800, 4102444799);
    const bool temporary = index % 2 == 1 || index % 5 == 0;
    c.access_key_id =
        (temporary ? "ASIA" : "AKIA") + Text(16, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    c.secret_access_key = Text(40, 40, kSecretAlphabet);
    if (temporary) c.session_token = Text(100, 400, std::string(kSecretAlphabet) + "=");
    return r;
  }

 private:
  static constexpr std::string_view kSecretAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random_);
  }
  template <typename T>
  T Pick(std::initializer_list<T> choices) {
    return choices.begin()[Between(0, static_cast<std::int64_t>(choices.size()) - 1)];
  }
  std::string Pick(std::initializer_list<const char*> choices) {
    return Pick<const char*>(choices);
  }
  std::string Text(int min_size, int max_size, std::string_view alphabet) {
    std::string text;
    for (auto n = Between(min_size, max_size); n > 0; --n) {
      text.push_back(alphabet[Between(0, static_cast<std::int64_t>(alphabet.size()) - 1)]);
    }
    return text;
  }

  std::mt19937_64 random_{20240229};
};

SignedHeaders Sign(const GeneratedRequest& r) {
  const SignedRequestCase& c = r.botocore;
  HeaderSignRequest request;
  request.method = c.method;
  request.host = r.host;
  request.path = r.path;
  for (const auto& [name, value] : c.query) request.query.push_back({name, value});
  for (const auto& [name, value] : c.headers) request.headers.push_back({name, value});
  request.region = c.region;
  request.service = c.service;
  request.now = std::chrono::system_clock::time_point(std::chrono::seconds(c.time));
  const std::string payload_hash = PayloadSha256(c.body);
  request.payload_hash = payload_hash;
  AwsCredentials credentials{c.access_key_id, SecretBuffer::CopyFrom(c.secret_access_key),
                             SecretBuffer::CopyFrom(c.session_token.value_or(""))};
  return SignRequestHeaders(request, credentials);
}

TEST(SigV4HeadersTest, GeneratedRequestsMatchBotocore) {
  RequestGenerator generator;
  std::vector<GeneratedRequest> requests;
  std::vector<SignedRequestCase> cases;
  for (int i = 0; i < kGeneratedCases; ++i) {
    requests.push_back(generator.Next(i));
    cases.push_back(requests.back().botocore);
  }
  const auto reference = aurite::testing::BotocoreAuthorizationHeaders(cases);
  ASSERT_TRUE(reference.error.empty()) << reference.error;
  for (int i = 0; i < kGeneratedCases; ++i) {
    EXPECT_EQ(Sign(requests[i]).authorization, reference.authorizations[i])
        << "case " << i << ": " << cases[i].method << " " << cases[i].url;
  }
}

}  // namespace
}  // namespace aurite::crypto
