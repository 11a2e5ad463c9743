// WipingJson: nlohmann::json whose every string and container lives in
// memory that is cleansed when released, for JSON documents that carry a
// secret (a Secrets Manager answer, the JSON inside a secret).
//
// The parser's token buffer is a string of the same type, so the copies it
// makes while decoding escapes are wiped too. What it cannot cover: the
// text of a parse error, which nlohmann builds in a std::string (around the
// token it stopped at) even when exceptions are off. Parse with
// allow_exceptions = false and never quote its errors; the aurite binary's
// wipe-on-free operator delete (base/wipe_on_free.cc) wipes that string.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/wiping_allocator.h"

namespace aurite::secrets {

using WipedString = std::basic_string<char, std::char_traits<char>, crypto::WipingAllocator<char>>;

using WipingJson = nlohmann::basic_json<std::map, std::vector, WipedString, bool, std::int64_t,
                                        std::uint64_t, double, crypto::WipingAllocator>;

// Parses `text`; a discarded value (is_discarded()) when it is not JSON.
inline WipingJson ParseWipingJson(std::string_view text) {
  return WipingJson::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace aurite::secrets
