// BM25 of the query over one field (title or body) of given candidates: the "bm25_title" and
// "bm25_body" rerank features. A title match often says more than a body match; the ranker
// learns how much.
#pragma once

#include <string>
#include <vector>

#include "collection/collection.h"

namespace osprey {

// One value per candidate (0 where no query term occurs in that field). The query is parsed as in
// search (query/query_parser.h); clauses restricted to the other field are dropped, exclusions
// still apply.
std::vector<float> field_bm25(const Collection& collection, const std::string& query_text,
                              Field field, const std::vector<SearchHit>& candidates);

}  // namespace osprey
