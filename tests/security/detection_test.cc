// Tests of the detection rules: each rule finds its kind of secret, reports
// the secret's span, and leaves look-alikes alone.
#include "security/detection.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>

namespace aurite::security {
namespace {

struct DetectCase {
  const char* name;
  std::string text;
  std::string rule_id;
  std::string secret;  // the exact text the finding's span must cover
};

// Secret-shaped values are assembled at run time from obviously fake parts,
// so no real-looking credential sits in the source for scanners to flag.
std::string Fake(std::string_view prefix, std::string_view body) {
  return std::string(prefix) + std::string(body);
}
std::string FakeAwsKeyId(char last) { return Fake("AKIA", "FAKEFAKEFAKE000") + last; }
std::string FakePem(std::string_view kind) {
  std::string label = std::string(kind) + "PRIVATE KEY-----";
  return "-----BEGIN " + label + "\nMIIEow\n-----END " + label;
}

std::vector<DetectCase> PositiveCases() {
  return {
      {"uri_password", "dsn: postgres://app:s3cr3t%40x@db:5432/app", "connection-string-password",
       "s3cr3t%40x"},
      {"uri_password_in_json", R"({"url":"mysql://u:pa\"ss@h/db"})", "connection-string-password",
       R"(pa\"ss)"},
      {"password_equals", "password=hunter22", "password-assignment", "hunter22"},
      {"pwd_in_ado", "Server=h;UID=sa;PWD=Winter2024!;", "password-assignment", "Winter2024!"},
      {"json_password", R"({"user":"u","password":"p@ss w0rd"})", "password-assignment",
       "p@ss w0rd"},
      {"yaml_password", "db_password: 'Tr0ub4dor&3'", "password-assignment", "Tr0ub4dor&3"},
      {"env_password", "PGPASSWORD=correct-horse", "password-assignment", "correct-horse"},
      {"aws_access_key", "aws_access_key_id = " + FakeAwsKeyId('0'), "aws-access-key-id",
       FakeAwsKeyId('0')},
      {"aws_secret_key", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
       "aws-secret-access-key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
      {"github_pat_classic", "token ghp_" + std::string(36, 'a') + " end", "github-token",
       "ghp_" + std::string(36, 'a')},
      {"github_pat_fine", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
       "github-token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"},
      {"slack_bot", "SLACK=" + Fake("xox", "b-0000000000-fakefakefa"), "slack-token",
       Fake("xox", "b-0000000000-fakefakefa")},
      {"slack_webhook", "post to https://hooks.slack.com/services/T000/B000/XXXX now",
       "slack-token", "https://hooks.slack.com/services/T000/B000/XXXX"},
      {"stripe_live", "key: " + Fake("sk_live_", "FAKEfake0000FAKEfake0000"), "stripe-key",
       Fake("sk_live_", "FAKEfake0000FAKEfake0000")},
      {"google_api_key", Fake("AIza", "FakeFakeFakeFakeFakeFakeFakeFake000"), "google-api-key",
       Fake("AIza", "FakeFakeFakeFakeFakeFakeFakeFake000")},
      {"jwt",
       "Authorization: Bearer "
       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
       "jwt",
       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"},
      {"pem_key", "x\n" + FakePem("RSA ") + "\ny", "pem-private-key", FakePem("RSA ")},
      {"pem_key_truncated", Fake("-----BEGIN ", "PRIVATE KEY-----\nMIIEvQ"), "pem-private-key",
       Fake("-----BEGIN ", "PRIVATE KEY-----\nMIIEvQ")},
      {"vault_token", "VAULT_TOKEN=" + Fake("hvs.", "FAKEfakeFAKEfakeFAKEfake00"), "vault-token",
       Fake("hvs.", "FAKEfakeFAKEfakeFAKEfake00")},
      {"aurite_token", "use aurite_tk_" + std::string(43, 'Q') + " please", "aurite-access-token",
       "aurite_tk_" + std::string(43, 'Q')},
      {"high_entropy", "client_secret = \"Zx8kQ2vL9mN4pR7tW1yB\"", "high-entropy-assignment",
       "Zx8kQ2vL9mN4pR7tW1yB"},
  };
}

// Test names show the case name, not the bytes of the canary.
void PrintTo(const DetectCase& c, std::ostream* out) { *out << c.name; }

class DetectionPositiveTest : public ::testing::TestWithParam<DetectCase> {};

TEST_P(DetectionPositiveTest, FindsTheSecretWithItsRuleAndSpan) {
  const DetectCase& c = GetParam();
  std::vector<Finding> findings = SharedDetector().Detect(c.text);
  bool found = false;
  for (const Finding& f : findings) {
    if (f.rule_id != c.rule_id) continue;
    found = true;
    EXPECT_EQ(c.text.substr(f.span.begin, f.span.end - f.span.begin), c.secret);
  }
  EXPECT_TRUE(found) << "rule " << c.rule_id << " did not fire";
}

INSTANTIATE_TEST_SUITE_P(Rules, DetectionPositiveTest, ::testing::ValuesIn(PositiveCases()),
                         [](const ::testing::TestParamInfo<DetectCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(DetectionTest, EveryRuleHasAPositiveCase) {
  std::vector<DetectCase> cases = PositiveCases();
  for (const DetectionRule& rule : DetectionRules()) {
    bool covered = std::any_of(cases.begin(), cases.end(),
                               [&](const DetectCase& c) { return c.rule_id == rule.id; });
    EXPECT_TRUE(covered) << rule.id;
  }
}

TEST(DetectionTest, OrdinaryTextHasNoFindings) {
  for (const char* text :
       {"SELECT id, name FROM users WHERE id = 42", "the password field is required",
        "https://example.com/docs?page=2", "token_count: 1234", "api_version=2024-01-01",
        "postgres://app@db/app", "AKIA is a prefix", "secret_name = aaaaaaaaaaaaaaaaaaaa"}) {
    EXPECT_TRUE(SharedDetector().Detect(text).empty()) << text;
  }
}

// Masked forms ("****" from masking, "[REDACTED]" from the redactor) stand
// for a secret that is already gone: they are no findings, in every shape
// the rules know.
TEST(DetectionTest, MaskedValuesAreNoFindings) {
  for (const char* text :
       {"postgresql://user:****@host/db", "postgresql://user:[REDACTED]@host/db",
        "mysql://u:***@h/db", "password=****", "PWD=********;", R"({"password": "****"})",
        R"({"password":"[REDACTED]"})", "db_password: '****'", "host=h password=**** dbname=d",
        "api_key=[REDACTED]", R"({"masked":"postgresql://app:****@db:5432/sales"})"}) {
    EXPECT_TRUE(SharedDetector().Detect(text).empty()) << text;
  }
}

// A real password that contains asterisks, or mixes a mask with anything
// else, is still found.
TEST(DetectionTest, PasswordsWithAsterisksAreStillFound) {
  for (const char* text :
       {"postgresql://user:****x@host/db", "postgresql://user:a****@host/db", "password=p****",
        "password=*****1", "PWD=**;**", R"({"password": "[REDACTED]x"})",
        "password=\u2217\u2217\u2217\u2217", "password=∗∗∗∗", "password=**"}) {
    EXPECT_FALSE(SharedDetector().Detect(text).empty()) << text;
  }
}

TEST(DetectionTest, LowEntropyValuesDoNotTriggerTheEntropyRule) {
  std::vector<Finding> findings = SharedDetector().Detect("api_key=abababababababababab");
  for (const Finding& f : findings) EXPECT_NE(f.rule_id, "high-entropy-assignment");
}

// Configuration that names the variable holding a secret is not a secret.
TEST(DetectionTest, VariableNamesDoNotTriggerTheEntropyRule) {
  for (const char* text :
       {R"("key_env": "AURITE_MCP_ENCRYPTION_KEY")", "token_variable=GITHUB_TOKEN_FOR_CI_2024"}) {
    for (const Finding& f : SharedDetector().Detect(text)) {
      EXPECT_NE(f.rule_id, "high-entropy-assignment") << text;
    }
  }
  // Mixed case or no underscore: still reported.
  for (const char* text : {"api_key=Zx8kQ2vL9mN4pR7t_W1yB", "api_key=ZX8KQ2VL9MN4PR7TW1YB"}) {
    bool found = false;
    for (const Finding& f : SharedDetector().Detect(text)) {
      found = found || f.rule_id == "high-entropy-assignment";
    }
    EXPECT_TRUE(found) << text;
  }
}

TEST(DetectionTest, FindsEveryOccurrenceInOrder) {
  std::string text = "a " + FakeAwsKeyId('0') + " b " + FakeAwsKeyId('1') + " c";
  std::vector<Finding> findings = SharedDetector().Detect(text);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].span.begin, 2u);
  EXPECT_EQ(findings[1].span.begin, 25u);
}

// Every finding each rule's regex yields over the whole text: what windowed
// detection must reproduce.
std::vector<std::pair<std::string, ByteSpan>> WholeTextFindings(const std::string& text) {
  std::vector<std::pair<std::string, ByteSpan>> found;
  for (const DetectionRule& rule : DetectionRules()) {
    RE2 re(rule.pattern);
    std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
    std::size_t pos = 0;
    while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, groups.data(),
                                          static_cast<int>(groups.size()))) {
      std::size_t end = static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size();
      for (std::size_t g = 1; g < groups.size(); ++g) {
        if (groups[g].data() == nullptr || groups[g].empty()) continue;
        if (IsMaskedValue(groups[g])) break;
        if (rule.min_entropy > 0 &&
            (ShannonEntropy(groups[g]) < rule.min_entropy || NamesAVariable(groups[g]))) {
          break;
        }
        std::size_t begin = static_cast<std::size_t>(groups[g].data() - text.data());
        found.emplace_back(std::string(rule.id), ByteSpan{begin, begin + groups[g].size()});
        break;
      }
      pos = end > pos ? end : pos + 1;
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.begin, a.second.end, a.first) <
           std::tie(b.second.begin, b.second.end, b.first);
  });
  return found;
}

std::vector<std::pair<std::string, ByteSpan>> Flatten(const std::vector<Finding>& findings) {
  std::vector<std::pair<std::string, ByteSpan>> flat;
  for (const Finding& f : findings) flat.emplace_back(std::string(f.rule_id), f.span);
  return flat;
}

TEST(DetectionTest, WindowedDetectionMatchesAWholeTextScan) {
  std::mt19937 random(12345);
  std::string filler_chars = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789\"':=,;{}[]@/_-.\n";
  std::string text;
  std::vector<DetectCase> cases = PositiveCases();
  for (int round = 0; round < 400; ++round) {
    int filler = static_cast<int>(random() % 300);
    for (int i = 0; i < filler; ++i) text += filler_chars[random() % filler_chars.size()];
    text += cases[random() % cases.size()].text;
  }
  EXPECT_EQ(Flatten(SharedDetector().Detect(text)), WholeTextFindings(text));
}

TEST(DetectionTest, SecretsLongerThanTheWindowAreFoundWhole) {
  std::string value(3 * kWindowSize, 'x');
  value[100] = 'Q';
  std::string text = "{\"a\":1,\"dsn\":\"password=" + value + "\"}";
  std::vector<Finding> findings = SharedDetector().Detect(text);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(text.substr(findings[0].span.begin, findings[0].span.end - findings[0].span.begin),
            value);
}

TEST(DetectionTest, AnchorsAreMatchedWithoutRegardToCase) {
  std::vector<Finding> findings = SharedDetector().Detect("PASSWORD=Hunter22 PwD=abcdef");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule_id, "password-assignment");
  EXPECT_EQ(findings[1].rule_id, "password-assignment");
}

TEST(DetectionTest, ThreeByteAnchorsFollowedByOneByteAreSeen) {
  // A three-byte anchor is found through the four-byte window that starts with it.
  std::vector<Finding> findings = SharedDetector().Detect("pwd=x");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].span, (ByteSpan{4, 5}));
}

TEST(DetectionTest, ShannonEntropyMatchesKnownValues) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2);
}

}  // namespace
}  // namespace aurite::security
