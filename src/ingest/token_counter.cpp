#include "ingest/token_counter.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {

size_t ApproximateTokenCounter::count(std::string_view text) const {
  size_t tokens = 0;
  bool in_word = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {  // ASCII fast path
      ++pos;
      const bool alnum = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
      if (alnum) {
        if (!in_word) ++tokens;
        in_word = true;
      } else {
        in_word = false;
        if (b > ' ' && b < 0x7F) ++tokens;  // punctuation and symbols
      }
      continue;
    }
    const char32_t cp = next_codepoint(text, pos);
    if (unicode::is_cjk(cp)) {
      ++tokens;
      in_word = false;
    } else if (unicode::is_letter(cp) || unicode::is_number(cp) || unicode::is_mark(cp)) {
      if (!in_word) ++tokens;
      in_word = true;
    } else {
      in_word = false;
      if (unicode::is_punctuation(cp) || unicode::is_symbol(cp)) ++tokens;
    }
  }
  return tokens;
}

}  // namespace osprey
