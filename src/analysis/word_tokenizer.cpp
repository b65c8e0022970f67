#include "analysis/word_tokenizer.h"

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {
namespace {

enum class CharClass { kBreak, kWord, kCjk, kApostrophe };

CharClass classify(char32_t cp) {
  if (cp < 0x80) {
    bool alnum = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (alnum) return CharClass::kWord;
    return cp == '\'' ? CharClass::kApostrophe : CharClass::kBreak;
  }
  if (cp == 0x2019) return CharClass::kApostrophe;  // right single quotation mark
  if (unicode::is_cjk(cp)) return CharClass::kCjk;
  if (unicode::is_letter(cp) || unicode::is_number(cp) || unicode::is_mark(cp)) {
    return CharClass::kWord;
  }
  return CharClass::kBreak;
}

}  // namespace

std::vector<Token> tokenize_words(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 6 + 1);  // about one word per six bytes of English text
  uint32_t position = 0;
  size_t word_start = 0, word_end = 0;
  bool in_word = false;

  auto flush_word = [&]() {
    if (!in_word) return;
    tokens.push_back({std::string(text.substr(word_start, word_end - word_start)), position++,
                      uint32_t(word_start), uint32_t(word_end), TokenKind::kWord});
    in_word = false;
  };

  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t cp = next_codepoint(text, pos);
    switch (classify(cp)) {
      case CharClass::kWord:
        if (!in_word) word_start = start;
        in_word = true;
        word_end = pos;
        break;
      case CharClass::kApostrophe: {
        // Inside a word only when a word character follows ("don't", "o'clock").
        size_t after = pos;
        bool joins = in_word && word_end == start && after < text.size() &&
                     classify(next_codepoint(text, after)) == CharClass::kWord;
        if (joins) {
          word_end = pos;
        } else {
          flush_word();
        }
        break;
      }
      case CharClass::kCjk:
        flush_word();
        tokens.push_back({std::string(text.substr(start, pos - start)), position++, uint32_t(start),
                          uint32_t(pos), TokenKind::kCjk});
        break;
      case CharClass::kBreak:
        flush_word();
        break;
    }
  }
  flush_word();
  return tokens;
}

}  // namespace osprey
