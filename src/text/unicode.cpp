#include "text/unicode.h"

#include <algorithm>
#include <iterator>

namespace osprey::unicode {
namespace {

struct CategoryRun {
  char32_t first, last;
  uint8_t category;
};
struct CaseMapping {
  char32_t from, to;
};
struct CodepointRange {
  char32_t first, last;
};

#include "unicode_tables.inc"

template <size_t N>
bool in_ranges(const CodepointRange (&ranges)[N], char32_t cp) {
  auto it = std::upper_bound(std::begin(ranges), std::end(ranges), cp,
                             [](char32_t c, const CodepointRange& r) { return c < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

template <size_t N>
char32_t map_case(const CaseMapping (&table)[N], char32_t cp) {
  auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                             [](const CaseMapping& m, char32_t c) { return m.from < c; });
  return (it != std::end(table) && it->from == cp) ? it->to : cp;
}

}  // namespace

namespace {

// Direct table for the first blocks (Latin through CJK punctuation): the hot path of tokenizers.
constexpr char32_t kFastCategoryLimit = 0x3100;
const uint8_t* fast_categories() {
  static const auto table = [] {
    static uint8_t t[kFastCategoryLimit];
    for (char32_t cp = 0; cp < kFastCategoryLimit; ++cp) {
      auto it = std::upper_bound(std::begin(kCategoryRuns), std::end(kCategoryRuns), cp,
                                 [](char32_t c, const CategoryRun& r) { return c < r.first; });
      t[cp] = std::prev(it)->category;
    }
    return t;
  }();
  return table;
}

}  // namespace

GeneralCategory category(char32_t cp) {
  if (cp < kFastCategoryLimit) return GeneralCategory(fast_categories()[cp]);
  if (cp > 0x10FFFF) return GeneralCategory::Cn;
  auto it = std::upper_bound(std::begin(kCategoryRuns), std::end(kCategoryRuns), cp,
                             [](char32_t c, const CategoryRun& r) { return c < r.first; });
  return GeneralCategory(std::prev(it)->category);
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  return map_case(kLowercase, cp);
}

char32_t to_upper(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  return map_case(kUppercase, cp);
}

bool is_whitespace(char32_t cp) {
  return in_ranges(kWhiteSpace, cp);
}
bool is_ideographic(char32_t cp) {
  return in_ranges(kIdeographic, cp);
}

bool is_letter(char32_t cp) {
  auto c = category(cp);
  return c >= GeneralCategory::Lu && c <= GeneralCategory::Lo;
}
bool is_mark(char32_t cp) {
  auto c = category(cp);
  return c >= GeneralCategory::Mn && c <= GeneralCategory::Me;
}
bool is_number(char32_t cp) {
  auto c = category(cp);
  return c >= GeneralCategory::Nd && c <= GeneralCategory::No;
}
bool is_punctuation(char32_t cp) {
  auto c = category(cp);
  return c >= GeneralCategory::Pc && c <= GeneralCategory::Po;
}
bool is_symbol(char32_t cp) {
  auto c = category(cp);
  return c >= GeneralCategory::Sm && c <= GeneralCategory::So;
}
bool is_control(char32_t cp) {
  auto c = category(cp);
  return c == GeneralCategory::Cc || c == GeneralCategory::Cf;
}

bool is_cjk(char32_t cp) {
  return is_ideographic(cp) || (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||                        // Katakana phonetic extensions
         (cp >= 0xFF66 && cp <= 0xFF9F) ||                        // halfwidth Katakana
         (cp >= 0x1100 && cp <= 0x11FF) ||                        // Hangul jamo
         (cp >= 0x3130 && cp <= 0x318F) ||                        // Hangul compatibility jamo
         (cp >= 0xAC00 && cp <= 0xD7AF);                          // Hangul syllables
}

}  // namespace osprey::unicode
