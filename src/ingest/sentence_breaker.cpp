#include "ingest/sentence_breaker.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {
namespace {

// Terminators that end a sentence even with no space after them (CJK full-width forms).
bool is_fullwidth_terminator(char32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF61 || cp == 0xFE12 ||
         cp == 0xFE56 || cp == 0xFE57;
}

bool is_terminator(char32_t cp) {
  switch (cp) {
    case '.':
    case '!':
    case '?':
    case 0x203C:
    case 0x203D:
    case 0x2047:
    case 0x2048:
    case 0x2049:  // ‼ ‽ ⁇ ⁈ ⁉
    case 0x0589:  // Armenian
    case 0x061F:
    case 0x06D4:  // Arabic ؟ ۔
    case 0x0964:
    case 0x0965:  // Devanagari । ॥
    case 0x2026:  // …
    case 0xFF0E:  // ．
      return true;
    default:
      return is_fullwidth_terminator(cp);
  }
}

// Closing punctuation that stays with the sentence it ends: ." .) 。」
bool is_closer(char32_t cp) {
  if (cp == '"' || cp == '\'') return true;
  auto c = unicode::category(cp);
  return c == unicode::GeneralCategory::Pe || c == unicode::GeneralCategory::Pf;
}

}  // namespace

void sentence_starts(std::string_view text, uint32_t begin, uint32_t end,
                     std::vector<uint32_t>& starts) {
  const std::string_view span = text.substr(0, end);
  size_t pos = begin;
  while (pos < end) {
    const unsigned char b = static_cast<unsigned char>(span[pos]);
    // Fast skip of ASCII that cannot end a sentence.
    if (b < 0x80 && b != '.' && b != '!' && b != '?') {
      ++pos;
      continue;
    }
    char32_t cp = next_codepoint(span, pos);
    if (!is_terminator(cp)) continue;
    bool fullwidth = is_fullwidth_terminator(cp);
    bool only_full_stops = cp == '.' || cp == 0xFF0E;
    // Runs of terminators ("?!", "...") and closers (.") belong to the sentence.
    size_t q = pos;
    while (q < end) {
      size_t next = q;
      char32_t c = next_codepoint(span, next);
      if (is_terminator(c)) {
        fullwidth = fullwidth || is_fullwidth_terminator(c);
        only_full_stops = only_full_stops && (c == '.' || c == 0xFF0E);
      } else if (!is_closer(c)) {
        break;
      }
      q = next;
    }
    pos = q;
    if (q >= end) break;
    size_t r = q;
    bool spaced = false;
    while (r < end) {
      size_t next = r;
      char32_t c = next_codepoint(span, next);
      if (!unicode::is_whitespace(c)) break;
      spaced = true;
      r = next;
    }
    if (r >= end) break;
    if (!spaced && !fullwidth) continue;  // "3.14", "e.g.x", "U.S.A"
    if (only_full_stops && !fullwidth) {
      size_t next = r;
      char32_t c = next_codepoint(span, next);
      if (unicode::category(c) == unicode::GeneralCategory::Ll || unicode::is_number(c)) continue;
    }
    starts.push_back(uint32_t(r));
    pos = r;
  }
}

}  // namespace osprey
