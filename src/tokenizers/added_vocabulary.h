// Added (and special) tokens: matched in the text before the model sees it, as HF does - tokens
// with normalized=false on the original text, the others on the normalized text - honouring
// single_word, lstrip and rstrip.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizers/json_fields.h"
#include "tokenizers/normalized_text.h"

namespace osprey::tokenizers {

class Normalizer;

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool special = false, single_word = false, lstrip = false, rstrip = false, normalized = true;
};

class AddedVocabulary {
 public:
  // Reads tokenizer.json's "added_tokens" array.
  void load(const Json& added_tokens);
  // Builds the matchers (normalized tokens are matched in their normalized form).
  void prepare(const Normalizer* normalizer);

  // Cuts `original` (identity alignments) into pieces: added tokens become fixed pieces, the rest
  // is normalized.
  void extract_and_normalize(const NormalizedText& original, const Normalizer* normalizer,
                             Pieces& out) const;

  const AddedToken* find(int32_t id) const;
  int32_t token_to_id(const std::string& content) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  struct Matcher {
    // First character -> candidate tokens (index into tokens_, pattern), longest first.
    std::unordered_map<char32_t, std::vector<std::pair<size_t, std::u32string>>> by_first;
    // Bit (c & 1023) set when some token starts with a character c: skips the map for most text.
    std::vector<uint64_t> first_filter = std::vector<uint64_t>(16, 0);
    bool may_start(char32_t c) const { return (first_filter[(c >> 6) & 15] >> (c & 63)) & 1; }
    bool empty() const { return by_first.empty(); }
  };
  void split(const NormalizedText& text, const Matcher& matcher, Pieces& out, bool normalize_rest,
             const Normalizer* normalizer) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, size_t> by_id_;
  Matcher raw_, normalized_;
};

}  // namespace osprey::tokenizers
