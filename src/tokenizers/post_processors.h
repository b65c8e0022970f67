// Post-processors (last pipeline stage): add special tokens around one or two encoded sequences
// and set type ids - BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "tokenizers/encoding.h"
#include "tokenizers/json_fields.h"

namespace osprey::tokenizers {

// The string of a token id (model vocabulary or added token), nullptr if unknown.
using TokenString = std::function<const std::string*(int32_t)>;

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // How many special tokens `process` adds (what truncation must leave room for).
  virtual size_t added_tokens(bool /*pair*/) const { return 0; }
  // Adjusts the offsets of one sequence before merging (ByteLevel's trim_offsets).
  virtual void adjust(Encoding& /*e*/, const TokenString& /*token*/) const {}
  // Joins `a` and `b` (may be null) into `out`, with special tokens if `add_special_tokens`.
  virtual void merge(Encoding& a, Encoding* b, bool add_special_tokens, Encoding& out) const;
};

// nullptr for null. `token_to_id` resolves template special tokens given by name only.
std::unique_ptr<PostProcessor> make_post_processor(
    const Json& j, const std::function<int32_t(const std::string&)>& token_to_id);

// Hugging Face's default when there is no post-processor: concatenation.
void default_merge(Encoding& a, Encoding* b, Encoding& out);

}  // namespace osprey::tokenizers
