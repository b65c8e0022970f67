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
  // is normalized. `original` is consumed (without added tokens in it, its buffers become `out`'s).
  void extract_and_normalize(NormalizedText& original, const Normalizer* normalizer,
                             Pieces& out) const;

  const AddedToken* find(int32_t id) const;
  int32_t token_to_id(const std::string& content) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  // The tokens of one kind (raw or normalized) as a trie over code points: the longest token at a
  // position in one walk, at most kMaxPieceBytes deep.
  struct Matcher {
    std::unordered_map<uint64_t, uint32_t> children;           // (node << 21 | character) -> node
    std::vector<int32_t> token = std::vector<int32_t>(1, -1);  // per node: index into tokens_
    // Bit (c & 1023) set when some token starts with a character c: skips the trie for most text.
    std::vector<uint64_t> first_filter = std::vector<uint64_t>(16, 0);
    bool may_start(char32_t c) const { return (first_filter[(c >> 6) & 15] >> (c & 63)) & 1; }
    bool empty() const { return token.size() == 1; }
    void insert(const std::u32string& pattern, int32_t index);
    // Index of the longest token at t[i, n) and its length, or -1.
    int32_t longest(const char32_t* t, size_t i, size_t n, size_t& length) const;
  };
  struct Hit {
    size_t start, stop;
    int32_t id;
  };
  // The accepted tokens of `matcher` in text[from, to), left to right.
  void find_hits(const NormalizedText& text, size_t from, size_t to, const Matcher& matcher,
                 std::vector<Hit>& hits) const;
  // Normalizes text[b, e) into the end of out.text, then cuts it at normalized tokens.
  void emit_rest(const NormalizedText& text, size_t b, size_t e, const Normalizer* normalizer,
                 Pieces& out) const;
  // Pieces of out.text[from, to): the normalized tokens in it are fixed pieces.
  void add_normalized(Pieces& out, size_t from, size_t to) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<int32_t, size_t> by_id_;
  std::unordered_map<std::string, int32_t> by_content_;
  Matcher raw_, normalized_;
};

}  // namespace osprey::tokenizers
