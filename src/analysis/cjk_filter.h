// Groups consecutive CJK characters (kCjk tokens from the word tokenizer) into searchable units,
// since Chinese and Japanese are written without spaces: overlapping bigrams ("中华人民" ->
// 中华 华人 人民, as Lucene's CJKBigramFilter), optionally plus each character as a unigram, or
// unigrams only. A bigram takes the position of its first character and a unigram its own, so a
// phrase query of CJK text lines up with the document's tokens in every mode.
#pragma once

#include <cstdint>

#include "analysis/token_filter.h"

namespace osprey {

enum class CjkMode : uint8_t {
  kBigrams = 0,          // bigrams; a character with no CJK neighbour stays a unigram
  kUnigramsBigrams = 1,  // every character and every bigram
  kUnigrams = 2,         // every character
};

class CjkFilter : public TokenFilter {
 public:
  explicit CjkFilter(CjkMode mode) : mode_(mode) {}
  void apply(std::vector<Token>& tokens) const override;

 private:
  CjkMode mode_;
};

}  // namespace osprey
