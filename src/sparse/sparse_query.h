// Runs a parsed query (query/query_parser.h) on the BM25 index: analyzes each clause with the
// collection's analyzer, turns required and excluded clauses and phrases into document sets, and
// ranks with the index's pruned top-k search.
//   score(d) = sum of BM25F(t, d) over the query's terms t that d contains (a repeated term counts
//   again); a phrase's terms score only in documents where the phrase occurs.
//   Results: documents that match every required clause and no excluded clause, and that contain
//   at least one scored term. A query with nothing to score (empty, only stopwords or
//   punctuation, only exclusions) returns no results.
#pragma once

#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "core/bitset.h"
#include "core/scored.h"
#include "query/query_parser.h"
#include "sparse/bm25_index.h"

namespace osprey {

std::vector<ScoredSlot> search_sparse(const Bm25Index& index, const Analyzer& analyzer,
                                      const ParsedQuery& query, size_t k, const Bitset* allowed);

// The analyzed terms a result may contain (every clause but the excluded ones): what snippets and
// highlighting mark.
std::vector<std::string> matched_terms(const Analyzer& analyzer, const ParsedQuery& query);

}  // namespace osprey
