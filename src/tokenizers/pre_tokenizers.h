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
  // Cuts every non-fixed piece of `in` into pieces of `out` (fixed pieces pass through). `in` is
  // consumed: a pre-tokenizer that only cuts hands its text over to `out` instead of copying it.
  virtual void pre_tokenize(Pieces& in, Pieces& out) const;

 protected:
  // Cuts text[begin, end) into pieces appended to `out`. When splits_only(), `text` is `out.text`
  // itself and the pieces become spans of it.
  virtual void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const = 0;
  // Whether split() only cuts, never rewrites characters.
  virtual bool splits_only() const { return false; }
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j);  // nullptr for null

}  // namespace osprey::tokenizers
