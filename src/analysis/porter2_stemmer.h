// The Porter2 ("Snowball English") stemmer, implemented from Martin Porter's published description
// of the algorithm (snowballstem.org/algorithms/english/stemmer.html): "consistently",
// "consisted" and "consists" all become "consist". Words with characters other than a-z and the
// apostrophe are returned unchanged.
#pragma once

#include <string>

#include "analysis/token_filter.h"

namespace osprey {

std::string porter2_stem(const std::string& word);

class Porter2StemFilter : public TokenFilter {
 public:
  void apply(std::vector<Token>& tokens) const override;
};

}  // namespace osprey
