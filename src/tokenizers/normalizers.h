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

// nullptr for a JSON null. Throws Error(kUnsupportedFormat) naming an unknown type.
std::unique_ptr<Normalizer> make_normalizer(const Json& j);

}  // namespace osprey::tokenizers
