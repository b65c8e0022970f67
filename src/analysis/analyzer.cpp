#include "analysis/analyzer.h"

#include "analysis/lowercase_filter.h"
#include "analysis/porter2_stemmer.h"
#include "analysis/stopword_filter.h"
#include "analysis/word_tokenizer.h"
#include "core/error.h"

namespace osprey {
namespace {
// Layout of the saved configuration; readers refuse versions they do not know.
constexpr uint8_t kConfigVersion = 2;
}  // namespace

void AnalyzerConfig::save(ByteWriter& out) const {
  out.u8(kConfigVersion);
  out.u8(uint8_t(language));
  out.u8(lowercase ? 1 : 0);
  out.u8(stemmer ? 1 : 0);
  out.u8(stopwords ? 1 : 0);
  out.u8(uint8_t(cjk));
}

AnalyzerConfig AnalyzerConfig::load(ByteReader& in) {
  const uint8_t version = in.u8();
  if (version != kConfigVersion)
    in.fail("unknown analyzer configuration version " + std::to_string(version));
  AnalyzerConfig config;
  const uint8_t language = in.u8();
  if (language > uint8_t(Language::kEnglish)) in.fail("unknown analyzer language");
  config.language = Language(language);
  config.lowercase = in.u8() != 0;
  config.stemmer = in.u8() != 0;
  config.stopwords = in.u8() != 0;
  const uint8_t cjk = in.u8();
  if (cjk > uint8_t(CjkMode::kUnigrams)) in.fail("unknown CJK mode");
  config.cjk = CjkMode(cjk);
  return config;
}

Language parse_language(const std::string& name) {
  if (name == "en" || name == "english") return Language::kEnglish;
  if (name == "none") return Language::kNone;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown analyzer language '" + name + "': use 'en' or 'none'");
}

CjkMode parse_cjk_mode(const std::string& name) {
  if (name == "bigram") return CjkMode::kBigrams;
  if (name == "unigram+bigram") return CjkMode::kUnigramsBigrams;
  if (name == "unigram") return CjkMode::kUnigrams;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown CJK mode '" + name + "': use 'bigram', 'unigram+bigram' or 'unigram'");
}

const char* language_name(Language language) {
  return language == Language::kEnglish ? "en" : "none";
}

const char* cjk_mode_name(CjkMode mode) {
  switch (mode) {
    case CjkMode::kBigrams:
      return "bigram";
    case CjkMode::kUnigramsBigrams:
      return "unigram+bigram";
    case CjkMode::kUnigrams:
      return "unigram";
  }
  return "?";
}

Analyzer::Analyzer(AnalyzerConfig config) : config_(config) {
  if (config_.lowercase) filters_.push_back(std::make_unique<LowercaseFilter>());
  if (config_.language == Language::kEnglish) {
    // Stopwords before stemming: the list holds surface forms ("was", not "wa").
    if (config_.stopwords)
      filters_.push_back(std::make_unique<StopwordFilter>(english_stopwords()));
    if (config_.stemmer) filters_.push_back(std::make_unique<Porter2StemFilter>());
  }
  filters_.push_back(std::make_unique<CjkFilter>(config_.cjk));
}

Analyzer& Analyzer::operator=(const Analyzer& other) {
  if (this != &other) *this = Analyzer(other.config_);
  return *this;
}

std::vector<Token> Analyzer::analyze(std::string_view text) const {
  std::vector<Token> tokens = tokenize_words(text);
  for (const auto& filter : filters_) filter->apply(tokens);
  return tokens;
}

}  // namespace osprey
