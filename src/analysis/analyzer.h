// Text analysis for the sparse index: segmentation into words (Unicode-aware; CJK runs become
// overlapping character bigrams) followed by a chain of token filters. The configuration is stored
// with the collection so that documents and queries are always analyzed the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/token.h"
#include "core/byte_io.h"

namespace osprey {

struct AnalyzerConfig {
  bool lowercase = true;

  void save(ByteWriter& out) const;
  static AnalyzerConfig load(ByteReader& in);
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerConfig config = {}) : config_(config) {}

  // `text` must be valid UTF-8 (checked by the caller at the API boundary).
  std::vector<Token> analyze(std::string_view text) const;
  const AnalyzerConfig& config() const { return config_; }

 private:
  AnalyzerConfig config_;
};

}  // namespace osprey
