// The detection rules and their RE2-based matcher.
#include "security/detection.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <tuple>

namespace aurite::security {

const std::vector<DetectionRule>& DetectionRules() {
  static const std::vector<DetectionRule> rules = {
      {.id = "connection-string-password",
       .description = "a URI with an inline password (scheme://user:password@host)",
       .pattern = R"((?i)\b[a-z][a-z0-9+.\-]*://[^\s:/@"]*:((?:[^\s"\\]|\\[^\s])+)@)",
       .anchors = {"://"},
       .reach_back = 256},
      {.id = "password-assignment",
       .description = "password=, pwd=, \"password\": and similar assignments",
       .pattern =
           R"re((?i)[a-z0-9_.\-]*(?:password|passwd|pwd)\\?"?\s*[:=]\s*(?:\\?"((?:[^"\\\n]|\\[^"])+)\\?"|'((?:[^'\\\n]|\\.)+)'|([^\s;&,'"<>]+)))re",
       .anchors = {"pass", "pwd"}},
      {.id = "aws-access-key-id",
       .description = "AWS access key ids (AKIA…, ASIA…)",
       .pattern = R"(\b((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16})\b)",
       .anchors = {"akia", "asia", "abia", "acca", "aroa", "aida"}},
      {.id = "aws-secret-access-key",
       .description = "AWS secret access keys assigned to a named variable",
       .pattern = R"((?i)aws_?secret_?access_?key\\?"?\s*[:=]\s*\\?["']?([A-Za-z0-9/+=]{40}))",
       .anchors = {"secret"},
       .reach_back = 4},
      {.id = "github-token",
       .description = "GitHub personal, OAuth, app and refresh tokens",
       .pattern =
           R"(\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))",
       .anchors = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
      {.id = "slack-token",
       .description = "Slack bot, user and app tokens, and webhook URLs",
       .pattern =
           R"(\b(xox[abposr]-[A-Za-z0-9\-]{10,250}|https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+))",
       .anchors = {"xox", "hooks.slack.com"},
       .reach_back = 8},
      {.id = "stripe-key",
       .description = "Stripe secret and restricted keys",
       .pattern = R"(\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}))",
       .anchors = {"sk_live_", "sk_test_", "rk_live_", "rk_test_"}},
      {.id = "google-api-key",
       .description = "Google API keys",
       .pattern = R"(\b(AIza[0-9A-Za-z_\-]{35}))",
       .anchors = {"aiza"}},
      {.id = "jwt",
       .description = "JSON Web Tokens",
       .pattern = R"(\b(eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*))",
       .anchors = {"eyj"}},
      {.id = "pem-private-key",
       .description = "PEM private key blocks (also when truncated)",
       .pattern =
           R"((-----BEGIN[A-Z0-9 ]* PRIVATE KEY-----(?s:.*?)(?:-----END[A-Z0-9 ]* PRIVATE KEY-----|$)))",
       .anchors = {"-----begin"},
       .to_end = true},
      {.id = "vault-token",
       .description = "HashiCorp Vault service, batch and recovery tokens",
       .pattern = R"(\b(hv[sbr]\.[A-Za-z0-9_\-]{24,}))",
       .anchors = {"hvs.", "hvb.", "hvr."}},
      {.id = "aurite-access-token",
       .description = "Aurite access tokens",
       .pattern = R"((aurite_tk_[A-Za-z0-9_\-]{43}))",
       .anchors = {"aurite_tk_"}},
      {.id = "high-entropy-assignment",
       .description =
           "a high-entropy value assigned to a name containing secret, token, key, auth or api",
       .pattern =
           R"((?i)[a-z0-9_.\-]*(?:secret|token|key|auth|credential|api)[a-z0-9_.\-]*\\?"?\s*[:=]\s*\\?["']?([A-Za-z0-9+/_=.~\-]{16,}))",
       .anchors = {"secret", "token", "key", "auth", "credential", "api"},
       .min_entropy = 3.3},
  };
  return rules;
}

double ShannonEntropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<std::size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0;
  for (std::size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / static_cast<double>(text.size());
    entropy -= p * std::log2(p);
  }
  return entropy;
}

bool NamesAVariable(std::string_view value) {
  if (value.empty() || value.front() < 'A' || value.front() > 'Z') return false;
  bool has_underscore = false;
  for (char c : value) {
    if (c == '_') {
      has_underscore = true;
    } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return has_underscore;
}

namespace {

constexpr unsigned kRuleFilterBits = 16;

std::uint32_t Load4(const char* p) {
  std::uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Folds ASCII upper case onto lower case for the filter (other bytes move
// too, identically on both sides, which only adds false positives).
std::uint32_t HashFolded(std::uint32_t word) {
  return ((word | 0x20202020u) * 2654435761u) >> (32 - kRuleFilterBits);
}

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

// The first whitespace or '"' at or after `pos`, or the end of the text.
std::size_t NextStop(std::string_view text, std::size_t pos) {
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"') return pos;
  }
  return text.size();
}

// The rules are compiled into the binary: a rule that does not compile is a
// programming error found by the first test run, not a runtime condition.
[[noreturn]] void RuleDoesNotCompile(std::string_view id) {
  std::cerr << "aurite: internal error: detection rule '" << id << "' does not compile\n";
  std::abort();
}

// The first capturing group that took part in the match.
const re2::StringPiece* SecretGroup(const std::vector<re2::StringPiece>& groups) {
  for (std::size_t i = 1; i < groups.size(); ++i) {
    if (groups[i].data() != nullptr) return &groups[i];
  }
  return nullptr;
}

// Runs `re` over `window` of `text`, growing the window while a match
// reaches its end.
void FindInWindow(const RE2& re, const DetectionRule& rule, std::string_view text, ByteSpan window,
                  std::vector<Finding>& findings) {
  std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
  std::size_t pos = window.begin;
  while (pos <= window.end && re.Match(text, pos, window.end, RE2::UNANCHORED, groups.data(),
                                       static_cast<int>(groups.size()))) {
    const re2::StringPiece& whole = groups[0];
    std::size_t whole_end = static_cast<std::size_t>(whole.data() - text.data()) + whole.size();
    if (whole_end == window.end && window.end < text.size()) {
      window.end = NextStop(text, std::min(text.size(), window.end + kWindowSize));
      continue;
    }
    const re2::StringPiece* secret = SecretGroup(groups);
    // An already masked value ("****", "[REDACTED]") hides the secret it stood for.
    if (secret != nullptr && !secret->empty() && !IsMaskedValue(*secret) &&
        (rule.min_entropy == 0 ||
         (ShannonEntropy(*secret) >= rule.min_entropy && !NamesAVariable(*secret)))) {
      std::size_t begin = static_cast<std::size_t>(secret->data() - text.data());
      findings.push_back({rule.id, {begin, begin + secret->size()}});
    }
    pos = whole_end > pos ? whole_end : pos + 1;
  }
}

}  // namespace

struct Detector::Compiled {
  struct Anchor {
    std::string_view text;  // lower case
    std::size_t rule;
  };
  struct Candidate {
    std::uint32_t hash;
    std::uint32_t anchor;
  };

  std::vector<std::unique_ptr<RE2>> regexes;
  std::vector<Anchor> anchors;
  std::vector<std::uint64_t> filter;  // 2^kRuleFilterBits bits
  std::vector<Candidate> candidates;  // sorted by hash

  void AddToFilter(std::uint32_t word, std::uint32_t anchor) {
    std::uint32_t hash = HashFolded(word);
    filter[hash / 64] |= std::uint64_t{1} << (hash % 64);
    candidates.push_back({hash, anchor});
  }

  // Registers the anchor under every four-byte window it can start: itself
  // when it has four bytes or more, followed by each possible byte otherwise.
  void IndexAnchor(std::uint32_t index) {
    std::string_view text = anchors[index].text;
    if (text.size() >= 4) {
      AddToFilter(Load4(text.data()), index);
      return;
    }
    for (int next = 0; next < 256; ++next) {
      char word[4] = {text[0], text[1], text[2], static_cast<char>(next)};
      AddToFilter(Load4(word), index);
    }
  }

  void AddWindow(std::vector<std::vector<ByteSpan>>& windows, std::string_view text,
                 std::size_t pos, const Anchor& anchor) const {
    const DetectionRule& rule = DetectionRules()[anchor.rule];
    std::size_t begin = pos - std::min(pos, rule.reach_back);
    std::size_t end =
        rule.to_end ? text.size() : NextStop(text, std::min(text.size(), pos + kWindowSize));
    windows[anchor.rule].push_back({begin, end});
  }

  void CheckPosition(std::vector<std::vector<ByteSpan>>& windows, std::string_view text,
                     std::size_t pos, std::uint32_t hash) const {
    auto range =
        std::equal_range(candidates.begin(), candidates.end(), Candidate{hash, 0},
                         [](const Candidate& a, const Candidate& b) { return a.hash < b.hash; });
    for (auto it = range.first; it != range.second; ++it) {
      const Anchor& anchor = anchors[it->anchor];
      if (EqualsIgnoringCase(text.substr(pos, anchor.text.size()), anchor.text)) {
        AddWindow(windows, text, pos, anchor);
      }
    }
  }

  // Windows around every anchor occurrence, per rule, merged.
  std::vector<std::vector<ByteSpan>> FindWindows(std::string_view text) const {
    std::vector<std::vector<ByteSpan>> windows(regexes.size());
    // Every rule needs at least one byte after its anchor, so an anchor that
    // starts in the last three bytes starts no match.
    for (std::size_t pos = 0; pos + 4 <= text.size(); ++pos) {
      std::uint32_t hash = HashFolded(Load4(text.data() + pos));
      if ((filter[hash / 64] & (std::uint64_t{1} << (hash % 64))) == 0) continue;
      CheckPosition(windows, text, pos, hash);
    }
    for (std::vector<ByteSpan>& spans : windows) spans = MergeSpans(std::move(spans));
    return windows;
  }
};

Detector::Detector() : compiled_(std::make_unique<Compiled>()) {
  RE2::Options options;
  options.set_log_errors(false);
  compiled_->filter.assign((std::size_t{1} << kRuleFilterBits) / 64, 0);
  const std::vector<DetectionRule>& rules = DetectionRules();
  for (std::size_t r = 0; r < rules.size(); ++r) {
    auto re = std::make_unique<RE2>(rules[r].pattern, options);
    if (!re->ok()) RuleDoesNotCompile(rules[r].id);
    compiled_->regexes.push_back(std::move(re));
    for (std::string_view anchor : rules[r].anchors) {
      compiled_->anchors.push_back({anchor, r});
      compiled_->IndexAnchor(static_cast<std::uint32_t>(compiled_->anchors.size() - 1));
    }
  }
  std::sort(
      compiled_->candidates.begin(), compiled_->candidates.end(),
      [](const Compiled::Candidate& a, const Compiled::Candidate& b) { return a.hash < b.hash; });
}

Detector::~Detector() = default;

std::vector<Finding> Detector::Detect(std::string_view text) const {
  std::vector<Finding> findings;
  std::vector<std::vector<ByteSpan>> windows = compiled_->FindWindows(text);
  const std::vector<DetectionRule>& rules = DetectionRules();
  for (std::size_t r = 0; r < rules.size(); ++r) {
    for (const ByteSpan& window : windows[r]) {
      FindInWindow(*compiled_->regexes[r], rules[r], text, window, findings);
    }
  }
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    return std::tie(a.span.begin, a.span.end, a.rule_id) <
           std::tie(b.span.begin, b.span.end, b.rule_id);
  });
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) {
                               return a.rule_id == b.rule_id && a.span == b.span;
                             }),
                 findings.end());
  return findings;
}

const Detector& SharedDetector() {
  static const Detector detector;
  return detector;
}

}  // namespace aurite::security
