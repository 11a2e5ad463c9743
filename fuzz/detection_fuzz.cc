// Fuzzes secret detection (src/security/detection) on arbitrary text.
//
// Properties: findings are sorted, lie inside the text, name a known rule
// and never report a masked value (IsMaskedValue); and nothing is missed
// for the speed-up: every secret a plain scan of the whole text finds with
// the same rules (the rule's regex run over all of it with RE2, the
// entropy and masked-value tests applied as the Detector applies them) lies
// inside a span the Detector reports. Inputs stay under kWindowSize, where
// the Detector's windows make no exception (detection.h).
#include <re2/re2.h>

#include <memory>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "security/detection.h"

namespace {

using aurite::fuzz::Check;
namespace security = aurite::security;

const std::vector<std::unique_ptr<re2::RE2>>& Regexes() {
  static const auto regexes = [] {
    std::vector<std::unique_ptr<re2::RE2>> out;
    for (const auto& rule : security::DetectionRules()) {
      out.push_back(std::make_unique<re2::RE2>(rule.pattern));
      Check(out.back()->ok(), "every rule compiles");
    }
    return out;
  }();
  return regexes;
}

// The secrets the rules find scanning the whole text from its start.
std::vector<security::ByteSpan> PlainScan(std::string_view text) {
  std::vector<security::ByteSpan> found;
  const auto& rules = security::DetectionRules();
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const re2::RE2& re = *Regexes()[r];
    std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
    std::size_t pos = 0;
    while (pos <= text.size() && re.Match(text, pos, text.size(), re2::RE2::UNANCHORED,
                                          groups.data(), static_cast<int>(groups.size()))) {
      const std::size_t end =
          static_cast<std::size_t>(groups[0].data() - text.data()) + groups[0].size();
      const re2::StringPiece* secret = nullptr;
      for (std::size_t g = 1; g < groups.size() && secret == nullptr; ++g) {
        if (groups[g].data() != nullptr) secret = &groups[g];
      }
      if (secret != nullptr && !secret->empty() && !security::IsMaskedValue(*secret) &&
          (rules[r].min_entropy == 0 ||
           (security::ShannonEntropy(*secret) >= rules[r].min_entropy &&
            !security::NamesAVariable(*secret)))) {
        const auto begin = static_cast<std::size_t>(secret->data() - text.data());
        found.push_back({begin, begin + secret->size()});
      }
      pos = end > pos ? end : pos + 1;
    }
  }
  return found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= security::kWindowSize) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto findings = security::SharedDetector().Detect(text);
  const auto& rules = security::DetectionRules();
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& span = findings[i].span;
    Check(span.begin < span.end && span.end <= text.size(), "a finding lies in the text");
    if (i > 0) Check(findings[i - 1].span.begin <= span.begin, "findings are sorted");
    Check(!security::IsMaskedValue(text.substr(span.begin, span.end - span.begin)),
          "a masked value is never a finding");
    bool known = false;
    for (const auto& rule : rules) known = known || rule.id == findings[i].rule_id;
    Check(known, "a finding names a rule");
  }
  for (const auto& expected : PlainScan(text)) {
    bool covered = false;
    for (const auto& finding : findings) {
      covered =
          covered || (finding.span.begin <= expected.begin && expected.end <= finding.span.end);
    }
    Check(covered, "the Detector finds what a plain scan of the whole text finds");
  }
  return 0;
}
