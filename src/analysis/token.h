// A term produced by analysis, with where it came from in the original text.
#pragma once

#include <cstdint>
#include <string>

namespace osprey {

enum class TokenKind : uint8_t {
  kWord,     // a run of letters, digits and marks (Latin, Cyrillic, Arabic, ...)
  kCjk,      // one Han/Kana/Hangul character, before the CJK filter groups them into n-grams
  kCjkGram,  // a CJK n-gram made by the CJK filter
};

struct Token {
  std::string term;   // normalized form that is indexed and searched
  uint32_t position;  // ordinal among the field's tokens (phrase queries)
  uint32_t start;     // byte offset of the source text in the field (highlighting)
  uint32_t end;       // byte offset one past the source text
  TokenKind kind = TokenKind::kWord;
};

}  // namespace osprey
