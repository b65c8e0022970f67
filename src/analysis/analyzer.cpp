#include "analysis/analyzer.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {
namespace {

enum class CharClass { kBreak, kWord, kCjk };

CharClass classify(char32_t cp) {
  if (cp < 0x80) {
    bool alnum = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    return alnum ? CharClass::kWord : CharClass::kBreak;
  }
  if (unicode::is_cjk(cp)) return CharClass::kCjk;
  if (unicode::is_letter(cp) || unicode::is_number(cp) || unicode::is_mark(cp)) {
    return CharClass::kWord;
  }
  return CharClass::kBreak;
}

struct Piece {
  char32_t cp;
  uint32_t start, end;
};

}  // namespace

void AnalyzerConfig::save(ByteWriter& out) const { out.u8(lowercase ? 1 : 0); }

AnalyzerConfig AnalyzerConfig::load(ByteReader& in) {
  AnalyzerConfig config;
  config.lowercase = in.u8() != 0;
  return config;
}

std::vector<Token> Analyzer::analyze(std::string_view text) const {
  std::vector<Token> tokens;
  uint32_t position = 0;
  auto fold = [&](char32_t cp) { return config_.lowercase ? unicode::to_lower(cp) : cp; };

  std::string word;
  uint32_t word_start = 0;
  std::vector<Piece> cjk_run;

  auto flush_word = [&](uint32_t end) {
    if (word.empty()) return;
    tokens.push_back({std::move(word), position++, word_start, end});
    word.clear();
  };
  // A run of CJK characters becomes overlapping bigrams; a lone character stays a unigram.
  auto flush_cjk = [&]() {
    if (cjk_run.empty()) return;
    if (cjk_run.size() == 1) {
      std::string term;
      append_utf8(term, cjk_run[0].cp);
      tokens.push_back({std::move(term), position++, cjk_run[0].start, cjk_run[0].end});
    } else {
      for (size_t i = 0; i + 1 < cjk_run.size(); ++i) {
        std::string term;
        append_utf8(term, cjk_run[i].cp);
        append_utf8(term, cjk_run[i + 1].cp);
        tokens.push_back({std::move(term), position++, cjk_run[i].start, cjk_run[i + 1].end});
      }
    }
    cjk_run.clear();
  };

  size_t pos = 0;
  while (pos < text.size()) {
    uint32_t start = uint32_t(pos);
    char32_t cp = next_codepoint(text, pos);
    switch (classify(cp)) {
      case CharClass::kWord:
        flush_cjk();
        if (word.empty()) word_start = start;
        append_utf8(word, fold(cp));
        break;
      case CharClass::kCjk:
        flush_word(start);
        cjk_run.push_back({fold(cp), start, uint32_t(pos)});
        break;
      case CharClass::kBreak:
        flush_word(start);
        flush_cjk();
        break;
    }
  }
  flush_word(uint32_t(text.size()));
  flush_cjk();
  return tokens;
}

}  // namespace osprey
