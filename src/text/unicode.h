// Unicode character properties, from tables generated at build time out of the Unicode Character
// Database (scripts/unicode/generate.mjs reads Debian's unicode-data files).
#pragma once

#include <cstdint>

namespace osprey::unicode {

// Same order as CATEGORIES in scripts/unicode/generate.mjs.
enum class GeneralCategory : uint8_t {
  Cn,
  Lu,
  Ll,
  Lt,
  Lm,
  Lo,
  Mn,
  Mc,
  Me,
  Nd,
  Nl,
  No,
  Pc,
  Pd,
  Ps,
  Pe,
  Pi,
  Pf,
  Po,
  Sm,
  Sc,
  Sk,
  So,
  Zs,
  Zl,
  Zp,
  Cc,
  Cf,
  Cs,
  Co
};

GeneralCategory category(char32_t cp);
char32_t to_lower(char32_t cp);  // simple (1:1) lowercase mapping
char32_t to_upper(char32_t cp);  // simple (1:1) uppercase mapping

bool is_whitespace(char32_t cp);   // White_Space property
bool is_ideographic(char32_t cp);  // Ideographic property (Han and friends)
bool is_letter(char32_t cp);       // L*
bool is_mark(char32_t cp);         // M*
bool is_number(char32_t cp);       // N*
bool is_punctuation(char32_t cp);  // P*
bool is_symbol(char32_t cp);       // S*
bool is_control(char32_t cp);      // Cc, Cf

// Scripts written without spaces between words, indexed as character n-grams: Han, Hiragana,
// Katakana, Hangul syllables and jamo, and their compatibility/extension blocks.
bool is_cjk(char32_t cp);

}  // namespace osprey::unicode
