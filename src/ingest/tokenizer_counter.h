// TokenCounter over a Hugging Face tokenizer (src/tokenizers): passages and prompts measured in
// exactly the tokens the model will see, with its special tokens and maximum length.
#pragma once

#include <memory>
#include <string>

#include "ingest/token_counter.h"
#include "tokenizers/tokenizer.h"

namespace osprey {

class TokenizerCounter final : public TokenCounter {
 public:
  // `max_length`: 0 takes the tokenizer's model_max_length (when it is a real limit).
  TokenizerCounter(std::shared_ptr<const tokenizers::Tokenizer> tokenizer, std::string name,
                   size_t max_length = 0);

  size_t count(std::string_view text) const override;
  size_t special_tokens() const override { return special_tokens_; }
  size_t max_length() const override { return max_length_; }
  std::string name() const override { return "hf:" + name_; }

 private:
  std::shared_ptr<const tokenizers::Tokenizer> tokenizer_;
  std::string name_;
  size_t special_tokens_ = 0;
  size_t max_length_ = 0;
};

}  // namespace osprey
