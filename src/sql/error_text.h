// Helpers that turn client-library error text into Status messages safe to show.
#pragma once

#include <string>
#include <string_view>

namespace aurite::sql {

// Replaces every occurrence of `secret` in `message` with "****". Drivers
// pass all library error text through this: the libraries should not echo a
// password, and this makes sure of it.
std::string ScrubSecret(std::string message, std::string_view secret);

}  // namespace aurite::sql
