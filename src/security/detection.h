// Detection: finding secrets in arbitrary text with a fixed set of rules.
//
// Rules run on RE2, whose matching time is linear in the input, so untrusted
// tool output cannot make detection slow. Each rule has a stable id and
// captures the secret part of its match; a Finding reports only the rule id
// and that part's byte span, never the bytes themselves. A captured part that
// is already masked (IsMaskedValue: "****", "[REDACTED]") is not a finding,
// so masked and redacted text is clean.
//
// Every match of a rule contains one of the rule's anchors (short literals,
// compared without regard to ASCII case). One pass over the text finds the
// anchors; each rule's regex then runs only on windows around its anchors:
// from `reach_back` bytes before the anchor to the first whitespace or '"'
// at least kWindowSize bytes after it, grown while a match reaches the
// window's end (PEM blocks: to the end of the text). So a detected secret
// that runs on for more than kWindowSize bytes through spaces inside quotes
// may be cut short; no other match differs from a scan of the whole text.
//
// A Detector is immutable after construction and safe to share between
// threads; SharedDetector() returns the process-wide instance.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "security/masking.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace aurite::security {

struct Finding {
  std::string_view rule_id;  // points at static storage
  ByteSpan span;             // the secret part of the match
};

inline constexpr std::size_t kWindowSize = 4096;

struct DetectionRule {
  std::string_view id;
  std::string_view description;
  // RE2 syntax; the first capturing group that takes part is the secret.
  std::string_view pattern;
  // Lower-case literals of 3+ bytes, one of which every match contains.
  std::vector<std::string_view> anchors;
  // How far before an anchor a match can start.
  std::size_t reach_back = 0;
  // Minimum Shannon entropy (bits per byte) of the captured text; 0 = none.
  double min_entropy = 0;
  // Matches may run to the end of the text (PEM blocks).
  bool to_end = false;
};

// Every rule, in the order findings are reported for equal spans.
const std::vector<DetectionRule>& DetectionRules();

// Shannon entropy of `text` in bits per byte.
double ShannonEntropy(std::string_view text);

// True when `value` is SCREAMING_SNAKE_CASE ("AURITE_MCP_ENCRYPTION_KEY"):
// the name of a variable or constant, which the entropy rule does not
// report, so configuration that points at a secret is not taken for one.
// Random secrets mix cases or carry no underscore.
bool NamesAVariable(std::string_view value);

class Detector {
 public:
  Detector();
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Findings sorted by span start. Overlapping findings from different rules
  // are all reported.
  std::vector<Finding> Detect(std::string_view text) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

const Detector& SharedDetector();

}  // namespace aurite::security
