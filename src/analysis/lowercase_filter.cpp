#include "analysis/lowercase_filter.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {

std::string fold_case(const std::string& term) {
  bool ascii_lower = true;
  for (unsigned char c : term) {
    if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
      ascii_lower = false;
      break;
    }
  }
  if (ascii_lower) return term;  // the common case: nothing to do
  std::string out;
  out.reserve(term.size());
  size_t pos = 0;
  while (pos < term.size()) {
    char32_t cp = next_codepoint(term, pos);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;  // fullwidth ASCII
    append_utf8(out, unicode::to_lower(cp));
  }
  return out;
}

void LowercaseFilter::apply(std::vector<Token>& tokens) const {
  for (Token& t : tokens) {
    // ASCII terms (most of them) fold in place, without a new string.
    bool ascii = true;
    for (char c : t.term) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (!ascii) {
      t.term = fold_case(t.term);
      continue;
    }
    for (char& c : t.term) {
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    }
  }
}

}  // namespace osprey
