#include "text/text_properties.h"

#include <algorithm>
#include <iterator>

namespace osprey::unicode {
namespace {

struct CombiningClassRun {
  char32_t first, last;
  uint8_t ccc;
};
struct Decomposition {
  char32_t cp;
  uint16_t canonical_offset, canonical_length, compat_offset, compat_length;
};
struct Composition {
  char32_t first, second, composite;
};
struct SpecialLower {
  char32_t cp;
  char32_t lower[3];
};
struct GraphemeBreakRun {
  char32_t first, last;
  uint8_t value;
};
struct CodepointRange {
  char32_t first, last;
};

#include "text_tables.inc"

template <typename T, size_t N>
const T* find_run(const T (&runs)[N], char32_t cp) {
  auto it = std::upper_bound(std::begin(runs), std::end(runs), cp,
                             [](char32_t c, const T& r) { return c < r.first; });
  if (it == std::begin(runs)) return nullptr;
  --it;
  return cp <= it->last ? &*it : nullptr;
}

}  // namespace

uint8_t combining_class(char32_t cp) {
  if (cp < 0x300) return 0;
  auto* run = find_run(kCombiningClass, cp);
  return run ? run->ccc : 0;
}

int decomposition(char32_t cp, bool compatibility, const char32_t** out) {
  if (cp < 0xA0) return 0;
  auto it = std::lower_bound(std::begin(kDecompositions), std::end(kDecompositions), cp,
                             [](const Decomposition& d, char32_t c) { return d.cp < c; });
  if (it == std::end(kDecompositions) || it->cp != cp) return 0;
  uint16_t offset = compatibility ? it->compat_offset : it->canonical_offset;
  uint16_t length = compatibility ? it->compat_length : it->canonical_length;
  if (length == 1 && kDecompositionData[offset] == cp) return 0;
  *out = kDecompositionData + offset;
  return length;
}

char32_t compose_pair(char32_t first, char32_t second) {
  auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions), first,
                             [](const Composition& c, char32_t f) { return c.first < f; });
  for (; it != std::end(kCompositions) && it->first == first; ++it) {
    if (it->second == second) return it->composite;
  }
  return 0;
}

int special_lowercase(char32_t cp, char32_t out[3]) {
  if (cp < 0x80) return 0;
  for (const auto& s : kSpecialLower) {
    if (s.cp == cp) {
      int n = 0;
      for (char32_t c : s.lower) {
        if (c) out[n++] = c;
      }
      return n;
    }
  }
  return 0;
}

GraphemeBreak grapheme_break(char32_t cp) {
  auto* run = find_run(kGraphemeBreak, cp);
  return run ? GraphemeBreak(run->value) : GraphemeBreak::Other;
}

bool is_extended_pictographic(char32_t cp) {
  return cp >= 0xA9 && find_run(kExtendedPictographic, cp) != nullptr;
}

bool is_alphabetic(char32_t cp) {
  if (cp < 0x80) return (cp | 32) >= 'a' && (cp | 32) <= 'z';
  return find_run(kAlphabetic, cp) != nullptr;
}

}  // namespace osprey::unicode
