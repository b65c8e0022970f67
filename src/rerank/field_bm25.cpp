#include "rerank/field_bm25.h"

#include "query/query_parser.h"
#include "rerank/candidate_scores.h"
#include "sparse/sparse_query.h"

namespace osprey {

std::vector<float> field_bm25(const Collection& collection, const std::string& query_text,
                              Field field, const std::vector<SearchHit>& candidates) {
  ParsedQuery parsed = parse_query(query_text);
  ParsedQuery restricted;
  const FieldMask mask = FieldMask(1u << field);
  for (QueryClause clause : parsed.clauses) {
    if (clause.occur != Occur::kMustNot) {
      clause.fields &= mask;
      if (clause.fields == 0) continue;
    }
    restricted.clauses.push_back(std::move(clause));
  }
  const Bm25Index& index = collection.sparse_index();
  return scores_of_candidates(index, candidates, [&](size_t k, const Bitset* allowed) {
    return search_sparse(index, collection.analyzer(), restricted, k, allowed);
  });
}

}  // namespace osprey
