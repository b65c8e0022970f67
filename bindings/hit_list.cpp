#include "hit_list.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

#include "query/highlight.h"
#include "query/snippet.h"

namespace osprey::bindings {
namespace {

using emscripten::typed_memory_view;
using emscripten::val;

// Per hit, in this order (web/src/hits.js reads the same layout): score, sparse score, dense
// score (NaN: absent), sparse rank, dense rank (0: absent).
constexpr size_t kNumbersPerHit = 5;

// Length in UTF-16 code units (what JS strings count) of valid UTF-8: one per lead byte, two for
// a four-byte sequence (a surrogate pair).
uint32_t utf16_length(std::string_view s) {
  uint32_t n = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;  // valid UTF-8, checked on the way in
    }
  }
  out += '"';
}

void append_spans(std::string& out, const std::vector<Span>& spans) {
  out += '[';
  for (size_t i = 0; i < spans.size(); ++i) {
    if (i) out += ',';
    out += '[' + std::to_string(spans[i].start) + ',' + std::to_string(spans[i].end) + ']';
  }
  out += ']';
}

// The parts of a hit that are JSON-shaped (metadata, snippet, highlights) as one object.
void append_extras(std::string& out, const Collection& c, const StoredDocument& doc,
                   const HitOptions& options) {
  out += '{';
  bool first = true;
  auto key = [&](const char* name) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
  };
  if (options.documents) {
    key("metadata");
    out += doc.metadata.dump();
  }
  if (options.snippet_terms) {
    // The body's best passage; the title when the body has no text.
    const std::string& text = doc.body.empty() ? doc.title : doc.body;
    Snippet snippet =
        best_passage(c.analyzer(), text, *options.snippet_terms, options.snippet_chars);
    key("snippet");
    out += "{\"text\":";
    append_json_string(out, snippet.text);
    out += ",\"highlights\":";
    append_spans(out, snippet.highlights);
    out += '}';
  }
  if (options.terms) {
    key("highlights");
    out += "{\"title\":";
    append_spans(out, match_spans(c.analyzer(), doc.title, *options.terms));
    out += ",\"body\":";
    append_spans(out, match_spans(c.analyzer(), doc.body, *options.terms));
    out += '}';
  }
  out += '}';
}

}  // namespace

val hits_to_js(const Collection& c, const std::vector<SearchHit>& hits, const HitOptions& options) {
  constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
  const bool extras = options.documents || options.snippet_terms || options.terms;
  const size_t strings_per_hit = options.documents ? 3 : 1;  // id [, title, body]
  std::vector<double> numbers;
  numbers.reserve(hits.size() * kNumbersPerHit);
  std::vector<uint32_t> lengths;
  lengths.reserve(hits.size() * strings_per_hit);
  std::string text;
  std::string extras_json;
  if (extras) extras_json += '[';
  for (size_t i = 0; i < hits.size(); ++i) {
    const SearchHit& hit = hits[i];
    const StoredDocument& doc = c.document(hit.slot);
    numbers.push_back(hit.score);
    numbers.push_back(hit.sparse_score ? double(*hit.sparse_score) : kAbsent);
    numbers.push_back(hit.dense_score ? double(*hit.dense_score) : kAbsent);
    numbers.push_back(hit.sparse_rank ? double(*hit.sparse_rank) : 0);
    numbers.push_back(hit.dense_rank ? double(*hit.dense_rank) : 0);
    text += doc.id;
    lengths.push_back(utf16_length(doc.id));
    if (options.documents) {
      text += doc.title;
      lengths.push_back(utf16_length(doc.title));
      text += doc.body;
      lengths.push_back(utf16_length(doc.body));
    }
    if (extras) {
      if (i) extras_json += ',';
      append_extras(extras_json, c, doc, options);
    }
  }
  if (extras) extras_json += ']';
  // The views are read before this call returns (decodeHits copies what it keeps).
  return val::module_property("decodeHits")(
      val(typed_memory_view(numbers.size(), numbers.data())),
      val(typed_memory_view(lengths.size(), lengths.data())),
      val(typed_memory_view(text.size(), reinterpret_cast<const uint8_t*>(text.data()))),
      extras ? val(extras_json) : val::undefined(), val(double(strings_per_hit)));
}

}  // namespace osprey::bindings
