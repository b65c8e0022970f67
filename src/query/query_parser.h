// The query language of sparse search, parsed into clauses before analysis:
//   wing lift          free terms: documents with any of them, ranked by BM25 (OR)
//   +wing              required: every result contains it
//   -helicopter        excluded: no result contains it
//   "swept wing"       phrase: the words in this order, next to each other
//   title:wing         restricted to a field (title or body); also title:"swept wing", +title:x
// Operators only count at the start of a word ("heat-transfer" is a plain word), a field prefix
// only for the known fields ("ratio:3" is plain text), and an unclosed quote runs to the end of
// the query. Every input parses: syntax the parser cannot use is read as plain text.
// Limits (LIMIT_EXCEEDED, checked before any clause is run): a query is at most kMaxBytes of text
// and kMaxClauses clauses, and its clauses analyze to at most kMaxTerms terms in all (checked by
// search_sparse, which analyzes them). Identical clauses are run once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sparse/bm25_index.h"

namespace osprey {

enum class Occur : uint8_t { kShould, kMust, kMustNot };

struct QueryClause {
  Occur occur = Occur::kShould;
  FieldMask fields = kAllFields;
  bool phrase = false;  // quoted: the words must be adjacent and in order
  std::string text;     // raw text, analyzed later with the collection's analyzer
};

struct QueryLimits {
  static constexpr size_t kMaxBytes = 1u << 20;  // as Limits::kQueryBytes of a collection
  static constexpr size_t kMaxClauses = 1024;
  static constexpr size_t kMaxTerms = 4096;
};

struct ParsedQuery {
  std::vector<QueryClause> clauses;
};

// `text` must be valid UTF-8. Throws Error(kLimitExceeded) past kMaxBytes or kMaxClauses.
ParsedQuery parse_query(std::string_view text);

}  // namespace osprey
