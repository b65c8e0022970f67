// Extended grapheme clusters (UAX #29, Unicode 15.0 rules).
#pragma once

#include <cstddef>

namespace osprey::unicode {

// End (exclusive) of the grapheme cluster that starts at s[start]; start < n.
size_t grapheme_end(const char32_t* s, size_t n, size_t start);

}  // namespace osprey::unicode
