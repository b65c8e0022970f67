#include "analysis/stopword_filter.h"

#include <algorithm>

namespace osprey {

void StopwordFilter::apply(std::vector<Token>& tokens) const {
  tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                              [&](const Token& t) {
                                return t.kind == TokenKind::kWord && words_.count(t.term) > 0;
                              }),
               tokens.end());
}

const std::unordered_set<std::string_view>& english_stopwords() {
  static const std::unordered_set<std::string_view> words = {
      "a",      "about",  "above", "after",  "again",    "against",    "all",  "am",
      "an",     "and",    "any",   "are",    "as",       "at",         "be",   "because",
      "been",   "before", "being", "below",  "between",  "both",       "but",  "by",
      "can",    "could",  "did",   "do",     "does",     "doing",      "down", "during",
      "each",   "few",    "for",   "from",   "further",  "had",        "has",  "have",
      "having", "he",     "her",   "here",   "hers",     "herself",    "him",  "himself",
      "his",    "how",    "i",     "if",     "in",       "into",       "is",   "it",
      "its",    "itself", "just",  "me",     "more",     "most",       "my",   "myself",
      "no",     "nor",    "not",   "of",     "off",      "on",         "once", "only",
      "or",     "other",  "ought", "our",    "ours",     "ourselves",  "out",  "over",
      "own",    "same",   "she",   "should", "so",       "some",       "such", "than",
      "that",   "the",    "their", "theirs", "them",     "themselves", "then", "there",
      "these",  "they",   "this",  "those",  "through",  "to",         "too",  "under",
      "until",  "up",     "very",  "was",    "we",       "were",       "what", "when",
      "where",  "which",  "while", "who",    "whom",     "why",        "will", "with",
      "would",  "you",    "your",  "yours",  "yourself", "yourselves"};
  return words;
}

}  // namespace osprey
