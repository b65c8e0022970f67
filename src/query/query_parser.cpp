#include "query/query_parser.h"

#include "core/error.h"

namespace osprey {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

ParsedQuery parse_query(std::string_view text) {
  if (text.size() > QueryLimits::kMaxBytes) {
    throw Error(ErrorCode::kLimitExceeded, "the query is " + std::to_string(text.size()) +
                                               " bytes; the limit is " +
                                               std::to_string(QueryLimits::kMaxBytes) + " bytes");
  }
  ParsedQuery query;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && is_space(text[i])) ++i;
    if (i >= n) break;
    QueryClause clause;
    // An operator needs something right after it; a lone "+" or "-" is plain text (and dropped).
    if ((text[i] == '+' || text[i] == '-') && i + 1 < n && !is_space(text[i + 1])) {
      clause.occur = text[i] == '+' ? Occur::kMust : Occur::kMustNot;
      ++i;
    }
    for (auto [prefix, mask] : {std::pair{std::string_view("title:"), FieldMask(1 << kTitle)},
                                std::pair{std::string_view("body:"), FieldMask(1 << kBody)}}) {
      if (text.substr(i, prefix.size()) == prefix && i + prefix.size() < n &&
          !is_space(text[i + prefix.size()])) {
        clause.fields = mask;
        i += prefix.size();
        break;
      }
    }
    if (text[i] == '"') {
      const size_t close = text.find('"', i + 1);
      const size_t end = close == std::string_view::npos ? n : close;
      clause.phrase = true;
      clause.text = std::string(text.substr(i + 1, end - i - 1));
      i = close == std::string_view::npos ? n : close + 1;
    } else {
      const size_t start = i;
      while (i < n && !is_space(text[i]) && text[i] != '"') ++i;
      clause.text = std::string(text.substr(start, i - start));
    }
    const bool lone_operator = !clause.phrase && (clause.text == "+" || clause.text == "-");
    if (clause.text.empty() || lone_operator) continue;
    if (query.clauses.size() == QueryLimits::kMaxClauses) {
      throw Error(ErrorCode::kLimitExceeded,
                  "the query has more than " + std::to_string(QueryLimits::kMaxClauses) +
                      " clauses (words, phrases and operators; the limit of clauses per query)");
    }
    query.clauses.push_back(std::move(clause));
  }
  return query;
}

}  // namespace osprey
