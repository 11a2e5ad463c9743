// WipeRecentStack: overwrites the stack just below the caller's frame.
//
// Code we do not own keeps copies of what it handles in its own stack
// frames: nlohmann::json's serializer formats strings through a 512-byte
// array on the stack, so a JSON message carrying a secret leaves pieces of
// it in a dead frame until the thread happens to reuse that depth. Calling
// this right after such a call returns overwrites those dead frames (the
// same idea as libsodium's sodium_stackzero).
#pragma once

#include <cstddef>

namespace aurite {

// How much of the stack WipeRecentStack overwrites: more than nlohmann's
// serializer and the calls it makes use.
inline constexpr std::size_t kRecentStackBytes = 16 * 1024;

// Zeroes kRecentStackBytes of stack below the caller's frame. Call it from
// the frame that made the call whose locals must go, after that call
// returns; frames above the caller are not touched.
void WipeRecentStack();

}  // namespace aurite
