// A Hugging Face tokenizer (tokenizer.json) in C++: added tokens -> normalizer -> pre-tokenizer ->
// model -> post-processor, then truncation and padding. Bit-exact with the Rust reference on the
// families in ../shared/data/tokenizers (see tests/cpp/tokenizer_oracle_test.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizers/added_vocabulary.h"
#include "tokenizers/encoding.h"
#include "tokenizers/model.h"
#include "tokenizers/normalizers.h"
#include "tokenizers/post_processors.h"
#include "tokenizers/pre_tokenizers.h"

namespace osprey::tokenizers {

// Flat, row-major tensors of a padded batch (rows x cols).
struct BatchEncoding {
  size_t rows = 0, cols = 0;
  std::vector<int32_t> input_ids, attention_mask, token_type_ids;
};

class Tokenizer {
 public:
  // Longest text accepted, in bytes of UTF-8 (a clear error beyond, not an out-of-memory). The
  // other limits are in limits.h.
  static constexpr size_t kMaxTextBytes = 64u << 20;

  // `json`: tokenizer.json; `config_json`: tokenizer_config.json or empty. Throws Error
  // (kInvalidJson for malformed files, kUnsupportedFormat naming an unknown component,
  // kLimitExceeded for a value beyond a limit of limits.h).
  static std::unique_ptr<Tokenizer> from_json(std::string_view json,
                                              std::string_view config_json = {});

  // `pair` may be null. Throws Error(kInvalidUtf8) for invalid text, Error(kLimitExceeded) for a
  // text or an option beyond its limit.
  Encoding encode(std::string_view text, const std::string_view* pair,
                  const EncodeOptions& options) const;
  Encoding encode(std::string_view text, const EncodeOptions& options = {}) const {
    return encode(text, nullptr, options);
  }
  // Pads every row to the longest (or to max_length with PaddingStrategy::kMaxLength).
  BatchEncoding encode_batch(const std::vector<std::string>& texts,
                             const std::vector<std::string>* pairs,
                             const EncodeOptions& options) const;

  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const;

  int32_t token_to_id(const std::string& token) const;
  const std::string* id_to_token(int32_t id) const;
  size_t vocab_size() const;
  int32_t pad_id() const { return pad_id_; }
  // Truncation/padding that tokenizer.json and tokenizer_config.json ask for (model_max_length).
  const EncodeOptions& default_options() const { return defaults_; }
  size_t model_max_length() const { return model_max_length_; }

 private:
  Tokenizer() = default;
  void load(const Json& j, const Json* config);
  void encode_sequence(std::string_view text, int32_t type_id, Encoding& out) const;
  void finish(Encoding& a, Encoding* b, const EncodeOptions& options, Encoding& out) const;
  void load_decoder(const Json& j);

  AddedVocabulary added_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  // What decode() does (tokenizer.json's decoder; in a Sequence, its first known step).
  enum class Decoder { kJoin, kWordPiece, kByteLevel, kMetaspace } decoder_ = Decoder::kJoin;
  std::string decoder_prefix_ = "##";  // WordPiece
  EncodeOptions defaults_;
  size_t model_max_length_ = 0;
  int32_t pad_id_ = 0, pad_type_id_ = 0;
};

}  // namespace osprey::tokenizers
