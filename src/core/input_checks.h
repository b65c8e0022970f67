// Checks of untrusted input that must run before it is processed: how deeply JSON text nests
// (nlohmann::json's dump, copy and comparison recurse, so a value must never be built from text
// nested deeper than its consumer allows), and short excerpts of input for error messages (a
// message never carries more than a few dozen bytes of what the user gave).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace osprey {

// The deepest nesting of objects and arrays in JSON text, found by one linear scan (brackets
// inside strings do not count). Stops early: a result above `limit` means "deeper than limit".
// Text that is not JSON gets some number; parsing it fails afterwards.
size_t json_depth(std::string_view text, size_t limit);

// At most `max_bytes` of `text`, cut at a character boundary, "..." appended when cut; bytes that
// are not valid UTF-8 are shown as '?'. For quoting user input in messages.
std::string excerpt(std::string_view text, size_t max_bytes = 40);

}  // namespace osprey
