#include "sparse/sparse_query.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"

namespace osprey {
namespace {

std::vector<PhraseTerm> phrase_of(const std::vector<Token>& tokens) {
  std::vector<PhraseTerm> phrase;
  const uint32_t first = tokens.front().position;
  for (const Token& t : tokens) phrase.push_back({t.term, t.position - first});
  return phrase;
}

}  // namespace

std::vector<ScoredSlot> search_sparse(const Bm25Index& index, const Analyzer& analyzer,
                                      const ParsedQuery& query, size_t k, const Bitset* allowed) {
  // Every clause is analyzed (and the query's size checked) before any is run.
  std::vector<std::vector<Token>> analyzed;
  analyzed.reserve(query.clauses.size());
  size_t total_terms = 0;
  for (const QueryClause& clause : query.clauses) {
    analyzed.push_back(analyzer.analyze(clause.text));
    total_terms += analyzed.back().size();
    if (total_terms > QueryLimits::kMaxTerms) {
      throw Error(ErrorCode::kLimitExceeded,
                  "the query has more than " + std::to_string(QueryLimits::kMaxTerms) +
                      " terms after analysis (the limit of terms per query)");
    }
  }

  const size_t capacity = std::max(index.slot_capacity(), allowed ? allowed->size() : 0);
  std::deque<Bitset> gates;          // phrase matches that gate their terms' scores
  std::optional<Bitset> admissible;  // allowed, and every required clause, and no excluded one
  auto restrict_to = [&](const Bitset& set, bool keep) {
    if (!admissible) {
      admissible.emplace(capacity);
      for (size_t s = 0; s < capacity; ++s) {
        if (!allowed || allowed->test(s)) admissible->set(s);
      }
    }
    if (keep) {
      admissible->intersect(set);
    } else {
      admissible->subtract(set);
    }
  };
  // A repeated clause matches what it matched the first time: its documents are collected once
  // (a query of many copies of one phrase costs one phrase), by what the clause looks up.
  std::map<std::string, size_t> phrase_gates;  // key -> index into gates
  std::set<std::string> restrictions;          // occur + key of required and excluded clauses
  auto key_of = [](const std::vector<Token>& tokens, FieldMask fields, bool phrase) {
    std::string key(1, char('0' + fields));
    const uint32_t first = tokens.front().position;
    for (const Token& t : tokens) {
      key += t.term;
      key += '\0';
      key += std::to_string(t.position - first);
      key += '\0';
      if (!phrase) break;
    }
    return key;
  };

  // Terms keyed by (term, fields, gate) so that repeats add up to a query term frequency.
  std::map<std::tuple<std::string, FieldMask, size_t>, float> weights;  // gate: index or kNoGate
  constexpr size_t kNoGate = size_t(-1);
  auto score_terms = [&](const std::vector<Token>& tokens, FieldMask fields, size_t gate) {
    for (const Token& t : tokens) {
      const size_t df = index.document_frequency(t.term);
      if (df > 0) weights[{t.term, fields, gate}] += index.idf(df);
    }
  };

  for (size_t c = 0; c < query.clauses.size(); ++c) {
    const QueryClause& clause = query.clauses[c];
    const std::vector<Token>& tokens = analyzed[c];
    if (tokens.empty()) continue;  // only stopwords or punctuation
    // Several tokens from one unquoted word ("e-mail", CJK text) are a phrase only when the word
    // is required or excluded; free words of CJK text rank best as independent n-grams.
    const bool as_phrase = tokens.size() > 1 && (clause.phrase || clause.occur != Occur::kShould);
    auto matches = [&] {
      Bitset found(capacity);
      if (as_phrase) {
        index.collect_phrase(phrase_of(tokens), clause.fields, found);
      } else {
        index.collect(tokens.front().term, clause.fields, found);
      }
      return found;
    };
    const std::string key = key_of(tokens, clause.fields, as_phrase);
    switch (clause.occur) {
      case Occur::kMustNot:
        if (restrictions.insert("-" + key).second) restrict_to(matches(), false);
        break;
      case Occur::kMust:
        if (restrictions.insert("+" + key).second) restrict_to(matches(), true);
        score_terms(tokens, clause.fields, kNoGate);
        break;
      case Occur::kShould:
        if (as_phrase) {
          auto [it, added] = phrase_gates.emplace(key, gates.size());
          if (added) gates.push_back(matches());
          score_terms(tokens, clause.fields, it->second);
        } else {
          score_terms(tokens, clause.fields, kNoGate);
        }
        break;
    }
  }
  std::vector<TermQuery> terms;
  terms.reserve(weights.size());
  for (const auto& [key, weight] : weights) {
    const size_t gate = std::get<2>(key);
    terms.push_back(
        {std::get<0>(key), std::get<1>(key), weight, gate == kNoGate ? nullptr : &gates[gate]});
  }
  return index.search(terms, k, admissible ? &*admissible : allowed);
}

std::vector<std::string> matched_terms(const Analyzer& analyzer, const ParsedQuery& query) {
  std::vector<std::string> terms;
  for (const QueryClause& clause : query.clauses) {
    if (clause.occur == Occur::kMustNot) continue;
    for (Token& t : analyzer.analyze(clause.text)) terms.push_back(std::move(t.term));
  }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

}  // namespace osprey
