// Helpers that turn client-library error text into Status messages safe to show.
#pragma once

#include <string>
#include <string_view>

namespace aurite::sql {

// Replaces every occurrence of `secret` in `message` with "****". Drivers
// pass all library error text through this: the libraries should not echo a
// password, and this makes sure of it.
std::string ScrubSecret(std::string message, std::string_view secret);

// Replaces every run of at least `min_run` bytes of `message` that also
// occurs in `secret` with "****": for error text that may quote a part of a
// statement holding the secret (MariaDB's "near '…'" shows 80 bytes from the
// error, which can cut a password in two). Longest runs first, scanning left
// to right. `min_run` must be at least 1.
std::string ScrubSecretFragments(std::string message, std::string_view secret, std::size_t min_run);

}  // namespace aurite::sql
