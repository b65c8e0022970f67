#include "analysis/cjk_filter.h"

namespace osprey {

void CjkFilter::apply(std::vector<Token>& tokens) const {
  std::vector<Token> out;
  out.reserve(tokens.size() * (mode_ == CjkMode::kUnigramsBigrams ? 2 : 1));
  // Two CJK characters are neighbours when nothing separates them in the text.
  auto adjacent = [&](size_t i, size_t j) {
    return j < tokens.size() && tokens[j].kind == TokenKind::kCjk &&
           tokens[i].end == tokens[j].start;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    Token& t = tokens[i];
    if (t.kind != TokenKind::kCjk) {
      out.push_back(std::move(t));
      continue;
    }
    const bool has_next = adjacent(i, i + 1);
    const bool has_previous =
        i > 0 && tokens[i - 1].kind == TokenKind::kCjk && tokens[i - 1].end == t.start;
    const bool unigram = mode_ != CjkMode::kBigrams || (!has_next && !has_previous);
    if (unigram) out.push_back({t.term, t.position, t.start, t.end, TokenKind::kCjkGram});
    if (has_next && mode_ != CjkMode::kUnigrams) {
      out.push_back({t.term + tokens[i + 1].term, t.position, t.start, tokens[i + 1].end,
                     TokenKind::kCjkGram});
    }
  }
  tokens = std::move(out);
}

}  // namespace osprey
