#include "ingest/document_search.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "text/utf8.h"

namespace osprey {

DocumentAggregation parse_document_aggregation(const std::string& name) {
  if (name == "max" || name.empty()) return DocumentAggregation::kMax;
  if (name == "sum") return DocumentAggregation::kSum;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown aggregation '" + name + "': use 'max' or 'sum'");
}

std::vector<PassageHit> search_passages(const Collection& collection, SearchRequest request) {
  // Only passages: they are the documents whose metadata has a docId written by ingestion.
  const std::string only_passages = R"({"docId":{"$exists":true}})";
  request.filter_json = request.filter_json.empty()
                            ? only_passages
                            : R"({"$and":[)" + request.filter_json + "," + only_passages + "]}";
  std::vector<PassageHit> out;
  const DocumentIndex& index = collection.ingested();
  for (const SearchHit& hit : collection.search(request)) {
    auto owner = index.owner(collection.document(hit.slot).id);
    if (owner) {
      out.push_back({hit.slot, hit.score, *owner, hit.sparse_score, hit.dense_score,
                     hit.sparse_rank, hit.dense_rank});
    }
  }
  return out;
}

std::vector<DocumentHit> search_documents(const Collection& collection,
                                          const DocumentSearchOptions& options) {
  SearchRequest request = options.request;
  const size_t k = request.k;
  if (k > Limits::kTopK) throw Error(ErrorCode::kLimitExceeded, "k must be at most 100000");
  request.k = std::min(Limits::kTopK,
                       options.candidates ? options.candidates : std::max<size_t>(10 * k, 100));
  const auto passages = search_passages(collection, request);
  if (k == 0) return {};

  std::vector<DocumentHit> documents;
  std::unordered_map<const DocumentRecord*, size_t> position;
  for (const PassageHit& hit : passages) {
    auto [it, fresh] = position.emplace(hit.owner.document, documents.size());
    if (fresh) documents.push_back({*hit.owner.document_id, hit.owner.document->title, 0.0, {}});
    DocumentHit& doc = documents[it->second];
    doc.score = options.aggregation == DocumentAggregation::kMax
                    ? std::max(doc.score, double(hit.score))
                    : doc.score + hit.score;
    if (doc.passages.size() < options.passages_per_document) doc.passages.push_back(hit);
  }
  std::stable_sort(documents.begin(), documents.end(),
                   [](const DocumentHit& a, const DocumentHit& b) { return a.score > b.score; });
  if (documents.size() > k) documents.resize(k);
  return documents;
}

std::string passage_snippet_html(const Analyzer& analyzer, std::string_view text,
                                 const std::vector<std::string>& query_terms, size_t max_chars) {
  std::unordered_set<std::string_view> wanted(query_terms.begin(), query_terms.end());
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (const Token& t : analyzer.analyze(text)) {
    if (!wanted.count(t.term)) continue;
    if (!spans.empty() && t.start <= spans.back().second) {
      spans.back().second = std::max(spans.back().second, t.end);
    } else {
      spans.emplace_back(t.start, t.end);
    }
  }
  // Window: from a little before the first match, whole code points, about max_chars of them.
  size_t begin = 0;
  if (!spans.empty() && spans.front().first > 0) {
    size_t lead = 0, pos = spans.front().first;
    while (pos > 0 && lead < max_chars / 4) {
      --pos;
      if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) ++lead;
    }
    while (pos > 0 && pos < spans.front().first && text[pos - 1] != ' ' && text[pos] != ' ' &&
           lead < max_chars / 4 + 12) {  // back to a word start when near
      --pos;
      if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) ++lead;
    }
    begin = pos;
  }
  size_t end = begin, chars = 0;
  while (end < text.size() && chars < max_chars) {
    next_codepoint(text, end);
    ++chars;
  }
  // A match is never cut: a reader would see "fi" highlighted for "filter".
  for (const auto& [s, e] : spans) {
    if (s < end && e > end) end = e;
  }
  // Forward to a word end when near, like the start.
  for (size_t extra = 0; end < text.size() && text[end] != ' ' && text[end] != '\n' && extra < 12;
       ++extra) {
    next_codepoint(text, end);
  }
  std::string out;
  if (begin > 0) out += "\xE2\x80\xA6";
  auto escape = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      switch (text[i]) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        default:
          out += text[i];
      }
    }
  };
  size_t pos = begin;
  for (const auto& [s, e] : spans) {
    if (e <= begin) continue;
    if (s >= end) break;
    const size_t from = std::max<size_t>(s, begin), to = std::min<size_t>(e, end);
    escape(pos, from);
    out += "<mark>";
    escape(from, to);
    out += "</mark>";
    pos = to;
  }
  escape(pos, end);
  if (end < text.size()) out += "\xE2\x80\xA6";
  return out;
}

}  // namespace osprey
