#include "rerank/field_bm25.h"

#include <unordered_map>

#include "core/bitset.h"
#include "query/query_parser.h"
#include "sparse/sparse_query.h"

namespace osprey {

std::vector<float> field_bm25(const Collection& collection, const std::string& query_text,
                              Field field, const std::vector<SearchHit>& candidates) {
  std::vector<float> out(candidates.size(), 0.0f);
  if (candidates.empty()) return out;
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
  Bitset only(index.slot_capacity());
  for (const SearchHit& c : candidates) {
    if (c.slot < index.slot_capacity()) only.set(c.slot);
  }
  std::unordered_map<uint32_t, float> by_slot;
  for (const ScoredSlot& s :
       search_sparse(index, collection.analyzer(), restricted, candidates.size(), &only)) {
    by_slot[s.slot] = s.score;
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto it = by_slot.find(candidates[i].slot);
    if (it != by_slot.end()) out[i] = it->second;
  }
  return out;
}

}  // namespace osprey
