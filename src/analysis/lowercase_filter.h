// Case folding: each code point to its simple lowercase form, and fullwidth ASCII forms
// (U+FF01..U+FF5E, common in Chinese text) to ASCII, so "ＡＢＣ", "ABC" and "abc" match.
#pragma once

#include "analysis/token_filter.h"

namespace osprey {

class LowercaseFilter : public TokenFilter {
 public:
  void apply(std::vector<Token>& tokens) const override;
};

// The folded form of one term (valid UTF-8 in, valid UTF-8 out).
std::string fold_case(const std::string& term);

}  // namespace osprey
