// Splits text into word tokens: maximal runs of letters, digits and combining marks (Unicode
// general categories L*, N*, M*), with an apostrophe kept inside a word ("don't"). CJK characters
// (Han, Kana, Hangul) are written without spaces, so each becomes its own kCjk token for the CJK
// filter to group. Everything else (spaces, punctuation, symbols) separates tokens. Positions are
// consecutive over all emitted tokens; offsets are byte offsets into the text.
#pragma once

#include <string_view>
#include <vector>

#include "analysis/token.h"

namespace osprey {

// `text` must be valid UTF-8 (checked at the API boundary).
std::vector<Token> tokenize_words(std::string_view text);

}  // namespace osprey
