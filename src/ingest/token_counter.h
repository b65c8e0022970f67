// How passages and prompts are measured: in the tokens of the model that will read them. The
// chunker and the context builder only ever ask a TokenCounter, so any tokenizer (the approximate
// default, a Hugging Face tokenizer, a JS callback) plugs in without changing them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace osprey {

class TokenCounter {
 public:
  virtual ~TokenCounter() = default;
  // Tokens of `text` (valid UTF-8) without the special tokens a model adds around a sequence.
  virtual size_t count(std::string_view text) const = 0;
  // Special tokens the model adds to every sequence ([CLS] and [SEP] for BERT): a passage of n
  // counted tokens takes n + special_tokens() positions of the model.
  virtual size_t special_tokens() const { return 0; }
  // The model's maximum sequence length including special tokens; 0 when unknown.
  virtual size_t max_length() const { return 0; }
  virtual std::string name() const = 0;
};

// The default when no tokenizer is given: one token per word (a run of letters, digits and marks),
// per CJK character and per punctuation or symbol character; whitespace is free. Subword
// tokenizers produce more tokens than this on rare words, so give the real tokenizer whenever the
// budget must hold exactly for a model.
class ApproximateTokenCounter final : public TokenCounter {
 public:
  size_t count(std::string_view text) const override;
  std::string name() const override { return "approximate"; }
};

}  // namespace osprey
