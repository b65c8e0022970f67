// Regression tests of the fuzzing pass: no document, filter, query or metadata can break the core.
// Inputs past a documented limit are refused with LIMIT_EXCEEDED naming the limit; inputs below it
// are processed in (near) linear time, so each large input here takes well under a second (the
// tests check results, not times).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "collection/collection.h"
#include "core/input_checks.h"
#include "ingest/chunker.h"
#include "ingest/ingestor.h"
#include "ingest/parsed_document.h"
#include "query/filter.h"
#include "query/highlight.h"
#include "query/query_parser.h"
#include "query/snippet.h"
#include "store/metadata.h"
#include "test_util.h"
#include "text/utf8.h"

using namespace osprey;

namespace {

// The error `expr` throws (fails the test when it throws none or another type).
template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an osprey::Error");
  return Error(ErrorCode::kInternal, "");
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

bool valid_utf8(std::string_view s) {
  try {
    validate_utf8(s, "text");
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::string block_text(const ParsedDocument& doc, const Block& b) {
  return std::string(doc.text().substr(b.start, b.end - b.start));
}

SearchRequest query(std::string text, size_t k = 10, std::string filter = "") {
  SearchRequest r;
  r.text = std::move(text);
  r.k = k;
  r.filter_json = std::move(filter);
  return r;
}

// 20,000 documents: "quick brown" in the even ones, "brown quick" in the odd ones; metadata n.
const Collection& large_collection() {
  static const Collection c = [] {
    Collection out(CollectionOptions{});
    std::vector<DocumentInput> docs;
    for (int i = 0; i < 20000; ++i) {
      DocumentInput d;
      d.id = "d" + std::to_string(i);
      d.body = std::string(i % 2 ? "brown quick" : "quick brown") + " fox number" +
               std::to_string(i % 100);
      d.metadata_json =
          "{\"n\":" + std::to_string(i) + ",\"tags\":[\"t" + std::to_string(i % 7) + "\"]}";
      docs.push_back(std::move(d));
    }
    out.add(std::move(docs));
    return out;
  }();
  return c;
}

std::string nested_object(size_t depth, const std::string& inner = "1") {
  return repeat("{\"a\":", depth) + inner + std::string(depth, '}');
}

}  // namespace

// --- 1. HTML: linear in unclosed elements -----------------------------------------------------

TEST_CASE("limits: HTML with 80,000 unclosed elements parses correctly in linear time") {
  const std::string html = repeat("<div>x", 80000);  // 480 KB: 26 s before
  const ParsedDocument doc = parse_html(html);
  REQUIRE(doc.blocks.size() == 80000);
  CHECK(block_text(doc, doc.blocks.front()) == "x");
  CHECK(block_text(doc, doc.blocks.back()) == "x");
  CHECK(doc.text().size() == 80000 + 2 * 79999);

  // Inline elements left open, then blocks that look through them for something to close.
  const ParsedDocument spans = parse_html(repeat("<span>", 40000) + repeat("<hr>y", 40000));
  CHECK(spans.blocks.size() == 40000);
  // Stray end tags of elements that are not open.
  const ParsedDocument stray = parse_html(repeat("<b>", 20000) + repeat("</i>z", 20000));
  CHECK(stray.text() == std::string(20000, 'z'));
  // Unclosed paragraphs and list items close each other, however many.
  const ParsedDocument items = parse_html("<ul>" + repeat("<li>item", 30000));
  CHECK(items.blocks.size() == 30000);
}

TEST_CASE("limits: HTML nested deeper than kMaxHtmlDepth is flattened, not lost") {
  const size_t depth = kMaxHtmlDepth + 1000;
  const std::string html = repeat("<div>", depth) + "<p>deep</p><nav>menu</nav>" +
                           repeat("</div>", depth) + "<p>after</p>";
  const ParsedDocument doc = parse_html(html);
  REQUIRE(doc.blocks.size() == 3);
  CHECK(block_text(doc, doc.blocks[0]) == "deep");
  CHECK(block_text(doc, doc.blocks[2]) == "after");
  // Below the limit the structure is kept: the dropped <nav> stays dropped.
  const ParsedDocument shallow =
      parse_html(repeat("<div>", 100) + "<p>in</p><nav>menu</nav>" + repeat("</div>", 100));
  REQUIRE(shallow.blocks.size() == 1);
  CHECK(block_text(shallow, shallow.blocks[0]) == "in");
}

// --- 2. Markdown and HTML: a heading is stored once -------------------------------------------

TEST_CASE("limits: Markdown heading paths are shared, headings capped") {
  // A long level-1 heading above 40,000 sections: 3 GB (bad_alloc) before.
  std::string md = "# " + std::string(100000, 'a') + "\n";
  for (int i = 0; i < 40000; ++i) md += "## s" + std::to_string(i) + "\ntext\n";
  const ParsedDocument doc = parse_markdown(md);
  REQUIRE(doc.sections.size() == 40002);
  size_t heading_bytes = 0;
  for (const Section& s : doc.sections) heading_bytes += s.heading.size();
  CHECK(heading_bytes < md.size());  // linear: each heading once
  CHECK(doc.sections[1].heading == std::string(kMaxHeadingBytes, 'a'));
  const auto path = doc.section_path(40001);
  REQUIRE(path.size() == 2);
  CHECK(path[0].size() == kMaxHeadingBytes);
  CHECK(path[1] == "s39999");
  CHECK(doc.section_path(0).empty());

  const ApproximateTokenCounter counter;
  const auto chunks = chunk_document(doc, counter, ChunkOptions{});
  CHECK(chunks.size() == 40000);
  CHECK(doc.section_path(chunks.back().section).back() == "s39999");

  // Levels nest and pop as before: "# A", "### C", "## B" -> [A, B].
  const ParsedDocument levels = parse_markdown("# A\nx\n### C\ny\n## B\nz\n");
  CHECK(levels.section_path(3) == std::vector<std::string>{"A", "B"});
  // A setext heading made of a huge paragraph is cut too.
  const ParsedDocument setext = parse_markdown(repeat("word ", 100000) + "\n===\nbody\n");
  CHECK(setext.sections.back().heading.size() <= kMaxHeadingBytes);
}

TEST_CASE("limits: HTML headings and titles are capped at a character boundary") {
  const std::string e_acute = "\xC3\xA9";  // 2 bytes
  const std::string html = "<title>" + repeat(e_acute, 5000) + "</title><h1>" +
                           repeat(e_acute, 5000) + "</h1><p>x</p>" +
                           repeat("<h2>h</h2><p>y</p>", 20000);
  const ParsedDocument doc = parse_html(html);
  CHECK(doc.title.size() <= kMaxTitleBytes);
  CHECK(doc.title.size() >= kMaxTitleBytes - 1);
  CHECK(valid_utf8(doc.title));
  REQUIRE(doc.sections.size() == 20002);
  CHECK(doc.sections[1].heading.size() <= kMaxHeadingBytes);
  CHECK(valid_utf8(doc.sections[1].heading));
  CHECK(doc.section_path(20001) == std::vector<std::string>{doc.sections[1].heading, "h"});
  // An <h1> that is never closed does not swallow the document into a heading without bound.
  const ParsedDocument open = parse_html("<h1>" + repeat("word ", 200000));
  CHECK(open.sections.back().heading.size() <= kMaxHeadingBytes);
}

// --- 3. Queries and filters: limits, and linear below them -------------------------------------

TEST_CASE("limits: queries past the clause, term or byte limits are refused up front") {
  const Collection& c = large_collection();
  // 10,000 phrase clauses: 50 s before.
  Error e = error_of([&] { c.search(query(repeat("\"quick brown\" ", 10000))); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(QueryLimits::kMaxClauses)));
  CHECK(contains(e.what(), "clauses"));
  CHECK_OSPREY_ERROR(parse_query(repeat("w ", QueryLimits::kMaxClauses + 1)),
                     ErrorCode::kLimitExceeded);
  CHECK(parse_query(repeat("w ", QueryLimits::kMaxClauses)).clauses.size() ==
        QueryLimits::kMaxClauses);
  // One phrase of 5,000 words: within the clause limit, past the term limit.
  e = error_of([&] { c.search(query("\"" + repeat("quick ", 5000) + "\"")); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(QueryLimits::kMaxTerms)));
  e = error_of([&] { parse_query(std::string(QueryLimits::kMaxBytes + 1, 'a')); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(QueryLimits::kMaxBytes)));
  CHECK(std::string(e.what()).size() < 200);
}

TEST_CASE("limits: many phrase clauses over 20,000 documents rank correctly") {
  const Collection& c = large_collection();
  // 1,000 copies of a phrase: run once, scored as one phrase with a repeated weight.
  const auto once = c.search(query("\"quick brown\"", 20000));
  const auto many = c.search(query(repeat("\"quick brown\" ", 1000), 20000));
  CHECK(once.size() == 10000);
  REQUIRE(many.size() == once.size());
  for (const auto& hit : many) CHECK(hit.slot % 2 == 0);  // only "quick brown", in this order
  // Required and excluded phrases, repeated.
  const auto required = c.search(query(repeat("+\"brown quick\" ", 500) + "fox", 20000));
  CHECK(required.size() == 10000);
  for (const auto& hit : required) CHECK(hit.slot % 2 == 1);
  const auto excluded = c.search(query(repeat("-\"brown quick\" ", 500) + "fox", 20000));
  CHECK(excluded.size() == 10000);
  for (const auto& hit : excluded) CHECK(hit.slot % 2 == 0);
  // 1,024 distinct phrases (the clause limit), half of them required.
  std::string distinct;
  for (int i = 0; i < 1024; ++i) distinct += "\"fox number" + std::to_string(i) + "\" ";
  distinct += "+\"quick brown\"";  // replaces the last one: still 1,024 clauses
  const auto mixed = c.search(query(distinct.substr(distinct.find('"', 1) + 2), 20000));
  CHECK(mixed.size() == 10000);
}

TEST_CASE("limits: filters past the byte, depth or condition limits are refused up front") {
  const Collection& c = large_collection();
  // A 1.2 MB $or: 34 s before.
  std::string big = "{\"$or\":[";
  for (int i = 0; big.size() < 1200000; ++i) {
    big += (i ? ",{\"n\":" : "{\"n\":") + std::to_string(i) + "}";
  }
  big += "]}";
  Error e = error_of([&] { c.search(query("fox", 10, big)); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(Filter::kMaxBytes)));
  CHECK(std::string(e.what()).size() < 200);
  // More conditions than the limit, within the byte limit.
  std::string conditions = "{\"$and\":[";
  for (size_t i = 0; i <= Filter::kMaxConditions; ++i)
    conditions += (i ? ",{\"n\":{\"$gte\":" : "{\"n\":{\"$gte\":") + std::to_string(i) + "}}";
  conditions += "]}";
  e = error_of([&] { Filter::parse(conditions); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(Filter::kMaxConditions)));
}

TEST_CASE("limits: large $or and $in filters over 20,000 documents select correctly") {
  const Collection& c = large_collection();
  // 1,000 equalities on one field ($or of them is a set lookup).
  std::string any = "{\"$or\":[";
  for (int i = 0; i < 1000; ++i) any += (i ? ",{\"n\":" : "{\"n\":") + std::to_string(i * 3) + "}";
  any += "]}";
  auto hits = c.search(query("fox", 20000, any));
  CHECK(hits.size() == 1000);
  for (const auto& h : hits) CHECK(c.document(h.slot).metadata["n"].get<int>() % 3 == 0);
  // Mixed $or: equalities on two fields and a range, merged or not, give the same answer.
  hits = c.search(
      query("fox", 20000, R"({"$or":[{"n":1},{"tags":"t3"},{"n":2.0},{"n":{"$gte":19999}}]})"));
  size_t expected = 0;
  for (int i = 0; i < 20000; ++i) expected += (i == 1 || i == 2 || i % 7 == 3 || i >= 19999);
  CHECK(hits.size() == expected);
  // A $in of 20,000 values (about 120 KB): hashed, and numbers compare by value.
  std::string in = "{\"n\":{\"$in\":[";
  for (int i = 0; i < 20000; ++i) in += (i ? "," : "") + std::to_string(i * 2) + ".0";
  in += "]}}";
  hits = c.search(query("fox", 20000, in));
  CHECK(hits.size() == 10000);
  std::string nin = in;
  nin.replace(nin.find("$in"), 3, "$nin");
  CHECK(c.search(query("fox", 20000, nin)).size() == 10000);
}

// --- 4. Deep nesting: checked before anything recurses -----------------------------------------

TEST_CASE("limits: deeply nested filters are refused with a short message") {
  // 6,000 levels (12 KB): exhausted the WASM stack before.
  const std::string deep_not = repeat("{\"$not\":", 6000) + "{\"a\":1}" + std::string(6000, '}');
  Error e = error_of([&] { Filter::parse(deep_not); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(Filter::kMaxDepth)));
  CHECK(std::string(e.what()).size() < 200);
  // Arrays count as levels too: this bypassed the depth limit, its message dumped the input.
  const std::string deep_arrays =
      "{\"$and\":" + std::string(6000, '[') + "1" + std::string(6000, ']') + "}";
  e = error_of([&] { Filter::parse(deep_arrays); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(std::string(e.what()).size() < 200);
  // Shallow but wrong shapes name the kind of value, never dump it.
  e = error_of([&] { Filter::parse("{\"$or\":[[" + repeat("1,", 50000) + "1]]}"); });
  CHECK(e.code() == ErrorCode::kInvalidJson);
  CHECK(std::string(e.what()).size() < 200);
  e = error_of([&] { Filter::parse("{\"" + std::string(100000, 'f') + "\":[1]}"); });
  CHECK(e.code() == ErrorCode::kInvalidJson);
  CHECK(std::string(e.what()).size() < 200);
  e = error_of([&] { Filter::parse("{\"a\": " + std::string(100000, 'x')); });
  CHECK(e.code() == ErrorCode::kInvalidJson);
  CHECK(std::string(e.what()).size() < 200);
  // An excerpt never cuts a character.
  e = error_of([&] { Filter::parse("{\"a\":" + repeat("\xE6\x9C\xBA", 100)); });
  CHECK(valid_utf8(e.what()));
  // At the limit: accepted, and evaluated.
  auto nots = [](size_t depth) {  // nests `depth` objects
    return repeat("{\"$not\":", depth - 1) + "{\"a\":1}" + std::string(depth - 1, '}');
  };
  const Filter at_limit = Filter::parse(nots(Filter::kMaxDepth));
  CHECK(at_limit.matches(nlohmann::json{{"a", Filter::kMaxDepth % 2 ? 1 : 2}}));
  CHECK_OSPREY_ERROR(Filter::parse(nots(Filter::kMaxDepth + 1)), ErrorCode::kLimitExceeded);
  // Filters built in code (compile) are held to the same depth.
  nlohmann::json spec = {{"a", 1}};
  for (int i = 0; i < 40; ++i) spec = {{"$not", spec}};
  CHECK_OSPREY_ERROR(Filter::compile(spec), ErrorCode::kLimitExceeded);
}

TEST_CASE("limits: add() refuses deep or large metadata, so every collection stays savable") {
  Collection c(CollectionOptions{});
  c.add({DocumentInput{"ok", "", "text", nested_object(MetadataLimits::kMaxDepth), {}}});
  // 10,000 levels (20 KB): accepted before, after which every serialize() failed.
  Error e = error_of([&] {
    c.add({DocumentInput{"deep-doc", "", "text", nested_object(10000), {}}});
  });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), "deep-doc"));
  CHECK(contains(e.what(), std::to_string(MetadataLimits::kMaxDepth)));
  CHECK(std::string(e.what()).size() < 200);
  CHECK_OSPREY_ERROR(
      c.upsert({DocumentInput{"ok", "", "text", nested_object(MetadataLimits::kMaxDepth + 1), {}}}),
      ErrorCode::kLimitExceeded);
  // Deep arrays, and brackets inside strings (which do not nest).
  CHECK_OSPREY_ERROR(
      c.add({DocumentInput{
          "arr", "", "t", "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}", {}}}),
      ErrorCode::kLimitExceeded);
  c.add(
      {DocumentInput{"brackets", "", "t", "{\"s\":\"" + std::string(1000, '[') + "\\\"{\"}", {}}});
  // Size per document.
  const std::string large = "{\"s\":\"" + std::string(MetadataLimits::kMaxBytes, 'x') + "\"}";
  e = error_of([&] { c.add({DocumentInput{"large", "", "t", large, {}}}); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), "large"));
  CHECK(contains(e.what(), std::to_string(MetadataLimits::kMaxBytes)));
  CHECK(c.size() == 2);

  const auto bytes = c.serialize();
  const Collection again = Collection::deserialize(bytes.data(), bytes.size());
  CHECK(again.find("ok")->metadata == c.find("ok")->metadata);
  CHECK(again.find("brackets")->metadata["s"].get<std::string>().size() == 1002);
}

TEST_CASE("limits: ingestion refuses deep metadata and deep JSON records") {
  Collection c(CollectionOptions{});
  SourceDocument doc;
  doc.id = "deep";
  doc.text = "Some text.";
  doc.metadata_json = nested_object(10000);
  Error e = error_of([&] { ingest_documents(c, {doc}, IngestOptions{}, {}); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), "deep"));
  doc.metadata_json = "{\"s\":\"" + std::string(IngestLimits::kMetadataBytes, 'x') + "\"}";
  e = error_of([&] { ingest_documents(c, {doc}, IngestOptions{}, {}); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(IngestLimits::kMetadataBytes)));
  const std::string record = "{\"id\":\"r\",\"text\":\"t\",\"x\":" + nested_object(10000) + "}";
  e = error_of([&] { source_from_json_record(record, JsonFieldMap{}, 0); });
  CHECK(e.code() == ErrorCode::kLimitExceeded);
  CHECK(contains(e.what(), std::to_string(MetadataLimits::kMaxDepth)));
  // The largest metadata ingestion accepts still fits every passage's metadata.
  doc.metadata_json = "{\"s\":\"" + std::string(IngestLimits::kMetadataBytes - 8, 'x') + "\"}";
  doc.format = DocumentFormat::kMarkdown;
  doc.text = "# " + std::string(2000, 'h') + "\n## " + std::string(2000, 'i') + "\nbody\n";
  ingest_documents(c, {doc}, IngestOptions{}, {});
  CHECK(c.size() == 1);
}

TEST_CASE("limits: json_depth scans linearly and ignores strings") {
  CHECK(json_depth("", 32) == 0);
  CHECK(json_depth("{\"a\":[1,{\"b\":2}]}", 32) == 3);
  CHECK(json_depth("\"[[[[\"", 32) == 0);
  CHECK(json_depth("{\"a\\\"[\":1}", 32) == 1);
  CHECK(json_depth(std::string(1000000, '['), 32) == 33);  // stops early
  CHECK(json_depth("]]]]{", 32) == 1);
  CHECK(excerpt("short") == "short");
  CHECK(excerpt(std::string(100, 'a'), 10) == std::string(10, 'a') + "...");
  CHECK(excerpt("\xE6\x9C\xBA\xE6\x9C\xBA", 4) == "\xE6\x9C\xBA...");
  CHECK(excerpt("a\xFF\xFE", 10) == "a??");
}

// --- 5. Text from entities and cuts is valid UTF-8 ---------------------------------------------

TEST_CASE("limits: entities that are no characters decode to U+FFFD") {
  const std::string replacement = "\xEF\xBF\xBD";
  for (const char* entity : {"&#xD800;", "&#xDFFF;", "&#x110000;", "&#0;", "&#99999999;",
                             "&#xFFFFFFFF;", "&#x7FFFFFFF", "&#55296;"}) {
    CAPTURE(entity);
    const ParsedDocument doc = parse_html(std::string("<p>") + entity + "</p>");
    CHECK(std::string(doc.text()) == replacement);
    const ParsedDocument title = parse_html(std::string("<title>") + entity + "</title>");
    CHECK(title.title == replacement);
    const ParsedDocument heading = parse_html(std::string("<h1>") + entity + "</h1>");
    CHECK(heading.sections.back().heading == replacement);
  }
  // Real characters at the edges of the range.
  CHECK(std::string(parse_html("&#x10FFFF;&#xE000;&#xD7FF;").text()) ==
        "\xF4\x8F\xBF\xBF\xEE\x80\x80\xED\x9F\xBF");
  // Eight digits at most: the rest is text.
  CHECK(valid_utf8(parse_html("&#x0000000041;").text()));
}

TEST_CASE("limits: long words are split in linear time, and snippets of huge texts are bounded") {
  // One 300,000-token word, split into pieces of the budget (quadratic before: every prefix of a
  // piece was counted).
  const std::string word(300000, '.');
  const ParsedDocument doc = parse_plain_text(word);
  ChunkOptions options;
  options.max_tokens = 100000;
  options.split_long_words = true;
  const auto chunks = chunk_document(doc, ApproximateTokenCounter{}, options);
  REQUIRE(chunks.size() == 3);
  for (size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i].tokens == 100000);
    CHECK(chunks[i].text_start == i * 100000);
  }
  // Multi-byte characters: pieces end at character boundaries.
  const std::string cjk_word = repeat("\xE2\x80\xA6", 30000);  // "…" x 30,000: punctuation
  options.max_tokens = 7;
  const ParsedDocument cjk = parse_plain_text(cjk_word);
  const auto pieces = chunk_document(cjk, ApproximateTokenCounter{}, options);
  CHECK(pieces.size() == 30000 / 7 + 1);
  for (const auto& p : pieces) {
    CHECK(p.tokens <= 7);
    CHECK(valid_utf8(cjk_word.substr(p.text_start, p.text_end - p.text_start)));
  }

  // A 5 MB body: highlighting and snippets look at its first kMaxAnalyzedBytes only.
  const Analyzer analyzer(AnalyzerConfig{});
  const std::string body = repeat("filler text here ", 300000) + "needle";
  CHECK(match_spans(analyzer, body, {"needl"}).empty());
  CHECK(match_spans(analyzer, "a needle", {"needl"}).size() == 1);
  const Snippet snippet = best_passage(analyzer, body, {"needl"}, 100);
  CHECK(snippet.text.size() < 200);
  CHECK(snippet.highlights.empty());
  CHECK(snippet.text.substr(snippet.text.size() - 3) == "\xE2\x80\xA6");
  CHECK(analyzed_part(repeat("\xE6\x9C\xBA", 400000)).size() <= kMaxAnalyzedBytes);
  CHECK(valid_utf8(analyzed_part(repeat("\xE6\x9C\xBA", 400000))));
}
