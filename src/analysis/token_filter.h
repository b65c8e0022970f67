// One stage of an analysis chain (as in Lucene): takes the token stream and rewrites it in place,
// e.g. lowercases, drops stopwords, stems or groups CJK characters into n-grams. Filters keep the
// original positions and offsets so that phrase queries and highlighting still line up.
#pragma once

#include <vector>

#include "analysis/token.h"

namespace osprey {

class TokenFilter {
 public:
  virtual ~TokenFilter() = default;
  virtual void apply(std::vector<Token>& tokens) const = 0;
};

}  // namespace osprey
