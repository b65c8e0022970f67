#include "ingest/tokenizer_counter.h"

namespace osprey {

TokenizerCounter::TokenizerCounter(std::shared_ptr<const tokenizers::Tokenizer> tokenizer,
                                   std::string name, size_t max_length)
    : tokenizer_(std::move(tokenizer)), name_(std::move(name)) {
  tokenizers::EncodeOptions with_specials;
  with_specials.add_special_tokens = true;
  special_tokens_ = tokenizer_->encode("", with_specials).size();
  // Configs without a limit say model_max_length = 1e30: not a limit.
  const size_t model_max = tokenizer_->model_max_length();
  max_length_ = max_length ? max_length : (model_max > 0 && model_max <= 1000000 ? model_max : 0);
}

size_t TokenizerCounter::count(std::string_view text) const {
  tokenizers::EncodeOptions options;
  options.add_special_tokens = false;
  return tokenizer_->encode(text, options).size();
}

}  // namespace osprey
