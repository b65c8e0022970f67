// Text analysis for the sparse index, composed like a Lucene analyzer: the word tokenizer followed
// by a chain of token filters chosen by AnalyzerConfig (case folding, stopwords, stemming, CJK
// n-grams). The configuration is stored with the collection so that documents and queries are
// always analyzed the same way.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/cjk_filter.h"
#include "analysis/token.h"
#include "analysis/token_filter.h"
#include "core/byte_io.h"

namespace osprey {

enum class Language : uint8_t {
  kNone = 0,     // no language-specific filters
  kEnglish = 1,  // English stopwords and the Porter2 stemmer (each can be turned off)
};

struct AnalyzerConfig {
  Language language = Language::kEnglish;
  bool lowercase = true;
  bool stemmer = true;    // only with language English
  bool stopwords = true;  // only with language English
  CjkMode cjk = CjkMode::kUnigramsBigrams;

  bool operator==(const AnalyzerConfig& o) const {
    return language == o.language && lowercase == o.lowercase && stemmer == o.stemmer &&
           stopwords == o.stopwords && cjk == o.cjk;
  }
  void save(ByteWriter& out) const;
  static AnalyzerConfig load(ByteReader& in);
};

Language parse_language(const std::string& name);  // "en" | "none"
CjkMode parse_cjk_mode(const std::string& name);   // "bigram" | "unigram+bigram" | "unigram"
const char* language_name(Language language);
const char* cjk_mode_name(CjkMode mode);

class Analyzer {
 public:
  explicit Analyzer(AnalyzerConfig config = {});
  Analyzer(const Analyzer& other) : Analyzer(other.config_) {}
  Analyzer& operator=(const Analyzer& other);
  Analyzer(Analyzer&&) noexcept = default;
  Analyzer& operator=(Analyzer&&) noexcept = default;

  // `text` must be valid UTF-8 (checked by the caller at the API boundary).
  std::vector<Token> analyze(std::string_view text) const;
  const AnalyzerConfig& config() const { return config_; }

 private:
  AnalyzerConfig config_;
  std::vector<std::unique_ptr<TokenFilter>> filters_;
};

}  // namespace osprey
