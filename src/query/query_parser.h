// The query language of sparse search, parsed into clauses before analysis:
//   wing lift          free terms: documents with any of them, ranked by BM25 (OR)
//   +wing              required: every result contains it
//   -helicopter        excluded: no result contains it
//   "swept wing"       phrase: the words in this order, next to each other
//   title:wing         restricted to a field (title or body); also title:"swept wing", +title:x
// Operators only count at the start of a word ("heat-transfer" is a plain word), a field prefix
// only for the known fields ("ratio:3" is plain text), and an unclosed quote runs to the end of
// the query. Every input parses: syntax the parser cannot use is read as plain text.
#pragma once

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

struct ParsedQuery {
  std::vector<QueryClause> clauses;
};

// `text` must be valid UTF-8.
ParsedQuery parse_query(std::string_view text);

}  // namespace osprey
