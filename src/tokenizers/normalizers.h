// Normalizers (first pipeline stage): BertNormalizer, NFC/NFD/NFKC/NFKD, Lowercase, StripAccents,
// Replace, Prepend, Strip, Precompiled, Sequence. Each rewrites a NormalizedText, keeping
// alignments.
#pragma once

#include <memory>

#include "tokenizers/json_fields.h"
#include "tokenizers/normalized_text.h"

namespace osprey::tokenizers {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedText& text) const = 0;
  // tokenizer_config.json settings that override the file (do_lower_case, strip_accents).
  virtual void apply_config(const Json& /*config*/) {}
};

// How long normalizers may make a text (limits.h): while a scope is alive, normalizers on this
// thread throw Error(kLimitExceeded) rather than produce more than normalized_limit(input_chars)
// characters, checked before they allocate.
size_t normalized_limit(size_t input_chars);
class NormalizedLimitScope {
 public:
  explicit NormalizedLimitScope(size_t input_chars);
  ~NormalizedLimitScope();
  NormalizedLimitScope(const NormalizedLimitScope&) = delete;
  NormalizedLimitScope& operator=(const NormalizedLimitScope&) = delete;

 private:
  size_t saved_;
};

// Charges `chars` normalized characters to the current scope, which the next normalizations of
// that scope (the other parts of the same text) can then no longer use.
void consume_normalized_budget(size_t chars);

// nullptr for a JSON null. Throws Error(kUnsupportedFormat) naming an unknown type.
std::unique_ptr<Normalizer> make_normalizer(const Json& j);

}  // namespace osprey::tokenizers
