// Pre-tokenizers (second pipeline stage): cut normalized text into pieces that the model encodes
// one by one. BertPreTokenizer, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Punctuation,
// Digits, Split, CharDelimiterSplit, Sequence.
#pragma once

#include <memory>

#include "tokenizers/json_fields.h"
#include "tokenizers/normalized_text.h"

namespace osprey::tokenizers {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Cuts every non-fixed piece of `in` into pieces appended to `out` (fixed pieces are copied).
  void pre_tokenize(const Pieces& in, Pieces& out) const;

 protected:
  // Cuts text[begin, end) into pieces appended to `out`.
  virtual void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const = 0;
  friend class SequencePreTokenizer;
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j);  // nullptr for null

}  // namespace osprey::tokenizers
