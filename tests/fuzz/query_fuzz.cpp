// Queries: any query text runs against a small fixed collection, or is refused with an Osprey
// error (LIMIT_EXCEEDED, INVALID_UTF8, EMPTY_QUERY) whose message is short; the hits' highlights
// and snippets are valid UTF-8 with spans inside their text. A filter chosen by the input's size
// restricts some runs.
#include <cstdlib>
#include <string>
#include <vector>

#include "collection/collection.h"
#include "fuzz_util.h"
#include "query/highlight.h"
#include "query/query_parser.h"
#include "query/snippet.h"
#include "sparse/sparse_query.h"
#include "text/utf8.h"

using namespace osprey;

namespace {

const Collection& collection() {
  static const Collection c = [] {
    Collection out(CollectionOptions{});
    const char* const docs[][4] = {
        {"wing", "Wing lift", "The lift of a swept wing in a slipstream. Swept wings stall late.",
         R"({"lang":"en","year":2001})"},
        {"heat", "Heat transfer", "Heat transfer in boundary layers at high speed: e-mail me.",
         R"({"lang":"en","year":1999,"tags":["flow"]})"},
        {"zh", "机翼", "机翼的升力与滑流。升力是什么？", R"({"lang":"zh","year":2010})"},
        {"layer", "", "Boundary layer separation on a wing, \"quoted\" text and +signs -dashes.",
         R"({"lang":"en","tags":["flow","wing"]})"},
        {"emoji", "Emoji 😀", "Text with 😀 emoji, Ünïcödé and العربية and עברית words.",
         R"({"lang":"mixed"})"},
        {"repeat", "wing wing", "wing wing wing lift lift heat boundary speed swept wing", "{}"},
    };
    std::vector<DocumentInput> inputs;
    for (const auto& d : docs) inputs.push_back({d[0], d[1], d[2], d[3], std::nullopt});
    out.add(std::move(inputs));
    return out;
  }();
  return c;
}

void check_message(const Error& e) {
  if (std::string(e.what()).size() > 400) std::abort();
}

void check_spans(const std::string& text, const std::vector<Span>& spans) {
  size_t units = 0;
  for (size_t pos = 0; pos < text.size();) units += next_codepoint(text, pos) >= 0x10000 ? 2 : 1;
  uint32_t previous = 0;
  for (const Span& s : spans) {
    if (s.start >= s.end || s.end > units || s.start < previous) std::abort();
    previous = s.end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Collection& c = collection();
  SearchRequest request;
  request.text.assign(reinterpret_cast<const char*>(data), size);
  request.k = 1 + size % 7;
  static const char* const kFilters[] = {"", R"({"lang":"en"})",
                                         R"({"$or":[{"year":{"$gte":2005}},{"tags":"flow"}]})"};
  request.filter_json = kFilters[size % 3];
  std::vector<SearchHit> hits;
  try {
    hits = c.search(request);
  } catch (const Error& e) {
    const ErrorCode code = e.code();
    if (code != ErrorCode::kLimitExceeded && code != ErrorCode::kInvalidUtf8 &&
        code != ErrorCode::kEmptyQuery)
      std::abort();
    check_message(e);
    return 0;
  }
  // The query is valid UTF-8 now, within every limit: what the bindings do for each hit.
  const std::vector<std::string> terms = matched_terms(c.analyzer(), parse_query(request.text));
  for (const SearchHit& hit : hits) {
    const StoredDocument& doc = c.document(hit.slot);
    if (!(hit.score > 0)) std::abort();
    check_spans(doc.title, match_spans(c.analyzer(), doc.title, terms));
    check_spans(doc.body, match_spans(c.analyzer(), doc.body, terms));
    const Snippet snippet = best_passage(c.analyzer(), doc.body, terms, 1 + size % 60);
    if (!fuzz::is_utf8(snippet.text)) std::abort();
    check_spans(snippet.text, snippet.highlights);
  }
  return 0;
}
