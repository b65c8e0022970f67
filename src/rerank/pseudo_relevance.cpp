#include "rerank/pseudo_relevance.h"

#include <algorithm>
#include <unordered_map>

#include "rerank/candidate_scores.h"

namespace osprey {

std::vector<float> prf_scores(const Collection& collection,
                              const std::vector<SearchHit>& candidates, const PrfOptions& options) {
  const std::vector<float> zeros(candidates.size(), 0.0f);
  const size_t m = std::min(options.feedback_docs, candidates.size());
  if (m == 0 || options.terms == 0) return zeros;
  const Bm25Index& index = collection.sparse_index();

  // Term weight: sum over the feedback documents of (document weight) x (term frequency / length)
  // x idf. Documents weigh by their recall score relative to the best (uniformly when the scores
  // are not positive, e.g. a fused list of equal ranks).
  const float top_score = candidates[0].score;
  std::unordered_map<std::string, double> weights;
  for (size_t i = 0; i < m; ++i) {
    const double doc_weight =
        top_score > 0 && candidates[i].score > 0 ? double(candidates[i].score) / top_score : 1.0;
    const StoredDocument& doc = collection.document(candidates[i].slot);
    std::unordered_map<std::string, uint32_t> tf;
    size_t length = 0;
    for (const std::string* text : {&doc.title, &doc.body}) {
      for (Token& t : collection.analyzer().analyze(*text)) {
        ++tf[std::move(t.term)];
        ++length;
      }
    }
    for (const auto& [term, count] : tf) {
      const double idf = index.idf(index.document_frequency(term));
      weights[term] += doc_weight * double(count) / double(length) * idf;
    }
  }
  if (weights.empty()) return zeros;

  std::vector<std::pair<std::string, double>> ranked(weights.begin(), weights.end());
  const size_t keep = std::min(options.terms, ranked.size());
  // Ties broken by term so the expansion (and the feature) is deterministic.
  std::partial_sort(ranked.begin(), ranked.begin() + long(keep), ranked.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  const double best = ranked[0].second;
  std::vector<TermQuery> query;
  for (size_t i = 0; i < keep; ++i) {
    TermQuery t;
    t.term = ranked[i].first;
    t.weight = float(ranked[i].second / best);
    query.push_back(std::move(t));
  }

  return scores_of_candidates(index, candidates, [&](size_t k, const Bitset* allowed) {
    return index.search(query, k, allowed);
  });
}

}  // namespace osprey
