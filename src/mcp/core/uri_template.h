// Matching URIs against RFC 6570 level-1 templates such as "test://items/{id}".
//
// Contract: each {name} matches one or more characters other than '/'; the
// literal parts must match exactly. Returns the variables, or nullopt.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace aurite::mcp {

std::optional<std::map<std::string, std::string>> MatchUriTemplate(std::string_view uri_template,
                                                                   std::string_view uri);

}  // namespace aurite::mcp
