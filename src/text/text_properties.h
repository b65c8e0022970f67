// Character properties beyond unicode.h, used by normalization and grapheme segmentation. Tables
// are generated at build time by scripts/unicode/text_tables.mjs from Debian's unicode-data files.
#pragma once

#include <cstdint>

namespace osprey::unicode {

// Grapheme_Cluster_Break values (same order as GB in scripts/unicode/text_tables.mjs).
enum class GraphemeBreak : uint8_t {
  Other,
  CR,
  LF,
  Control,
  Extend,
  ZWJ,
  RegionalIndicator,
  Prepend,
  SpacingMark,
  L,
  V,
  T,
  LV,
  LVT
};

uint8_t combining_class(char32_t cp);  // Canonical_Combining_Class, 0 for starters
// Full decomposition of `cp` (canonical, or compatibility when `compatibility`), Hangul excluded.
// Returns the number of code points written at *out (0 if `cp` does not decompose); at most 18.
int decomposition(char32_t cp, bool compatibility, const char32_t** out);
// Primary composite of a canonical pair, or 0 (Hangul excluded).
char32_t compose_pair(char32_t first, char32_t second);
// Multi-character lowercase (unconditional SpecialCasing); returns count written to out[3], 0 if
// none.
int special_lowercase(char32_t cp, char32_t out[3]);
GraphemeBreak grapheme_break(char32_t cp);
bool is_extended_pictographic(char32_t cp);
bool is_alphabetic(char32_t cp);  // Alphabetic derived property

}  // namespace osprey::unicode
