// Drops stopwords (function words that carry little meaning for ranking). Positions of the
// remaining tokens are kept, so a phrase query still requires the gap a stopword left.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "analysis/token_filter.h"

namespace osprey {

class StopwordFilter : public TokenFilter {
 public:
  explicit StopwordFilter(const std::unordered_set<std::string_view>& words) : words_(words) {}
  void apply(std::vector<Token>& tokens) const override;

 private:
  const std::unordered_set<std::string_view>& words_;
};

// English function words (lowercase): articles, pronouns, auxiliaries, prepositions, conjunctions.
const std::unordered_set<std::string_view>& english_stopwords();

}  // namespace osprey
