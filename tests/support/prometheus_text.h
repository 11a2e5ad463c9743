// Test support: a strict reader of the Prometheus text exposition format
// 0.0.4, for tests of what /metrics renders. Written here rather than
// taken from a library so that it checks the rules a scraper relies on,
// line by line, and says which line broke one.
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aurite::promtext {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

inline bool IsNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

// Reads a metric or label name at `pos`; "" when there is none.
inline std::string ReadName(std::string_view line, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < line.size() && IsNameChar(line[pos], pos == start)) ++pos;
  return std::string(line.substr(start, pos - start));
}

// The family a sample belongs to: a histogram's _bucket, _sum and _count
// are its own name's.
inline std::string FamilyOf(const std::string& name, const std::set<std::string>& histograms) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string_view s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
        histograms.count(name.substr(0, name.size() - s.size())) != 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

// Parses `text` into `samples`. Every line must be "# HELP name text",
// "# TYPE name counter|gauge|histogram|summary|untyped" (before the
// family's samples, once), or "name{label="value",...} value" with a
// value strtod reads whole; the text ends with a line feed. Returns the
// first problem, naming its line, or nullopt.
inline std::optional<std::string> Parse(std::string_view text, std::vector<Sample>* samples) {
  if (!text.empty() && text.back() != '\n') return "the text does not end with a line feed";
  std::set<std::string> typed, helped, histograms, sampled;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++number;
    const std::string where = "line " + std::to_string(number) + " \"" + std::string(line) + "\"";
    if (line.empty()) return where + ": empty";
    if (line[0] == '#') {
      std::size_t pos = 0;
      const bool help = line.rfind("# HELP ", 0) == 0;
      const bool type = line.rfind("# TYPE ", 0) == 0;
      if (!help && !type) continue;  // a plain comment
      pos = 7;
      const std::string name = ReadName(line, pos);
      if (name.empty() || pos >= line.size() || line[pos] != ' ') return where + ": bad name";
      if (help && !helped.insert(name).second) return where + ": second HELP";
      if (type) {
        const std::string_view kind = line.substr(pos + 1);
        if (kind != "counter" && kind != "gauge" && kind != "histogram" && kind != "summary" &&
            kind != "untyped") {
          return where + ": unknown type";
        }
        if (!typed.insert(name).second) return where + ": second TYPE";
        if (sampled.count(name) != 0) return where + ": TYPE after samples";
        if (kind == "histogram") histograms.insert(name);
      }
      continue;
    }
    Sample sample;
    std::size_t pos = 0;
    sample.name = ReadName(line, pos);
    if (sample.name.empty()) return where + ": no metric name";
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const std::string label = ReadName(line, pos);
        if (label.empty() || pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
          return where + ": bad label";
        }
        pos += 2;
        std::string value;
        while (pos < line.size() && line[pos] != '"') {
          if (line[pos] == '\\') {
            if (++pos >= line.size()) return where + ": escape at the end";
            const char c = line[pos];
            if (c != '\\' && c != '"' && c != 'n') return where + ": bad escape";
            value += c == 'n' ? '\n' : c;
          } else {
            value += line[pos];
          }
          ++pos;
        }
        if (pos >= line.size()) return where + ": unterminated label value";
        ++pos;  // the closing quote
        if (!sample.labels.emplace(label, value).second) return where + ": label twice";
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      if (pos >= line.size()) return where + ": unterminated labels";
      ++pos;  // '}'
    }
    if (pos >= line.size() || line[pos] != ' ') return where + ": no space before the value";
    const std::string value(line.substr(pos + 1));
    char* parsed_end = nullptr;
    sample.value = std::strtod(value.c_str(), &parsed_end);
    if (value.empty() || parsed_end != value.c_str() + value.size()) {
      return where + ": bad value";  // (a timestamp would land here: we write none)
    }
    sampled.insert(FamilyOf(sample.name, histograms));
    if (samples != nullptr) samples->push_back(std::move(sample));
  }
  return std::nullopt;
}

// The value of the sample `name` whose labels include `labels`; nullopt
// when there is none.
inline std::optional<double> Find(const std::vector<Sample>& samples, std::string_view name,
                                  const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    bool match = true;
    for (const auto& [key, value] : labels) {
      auto it = sample.labels.find(key);
      match = match && it != sample.labels.end() && it->second == value;
    }
    if (match) return sample.value;
  }
  return std::nullopt;
}

}  // namespace aurite::promtext
