#include <doctest/doctest.h>

#include <algorithm>

#include "collection/collection.h"
#include "query/query_parser.h"
#include "query/snippet.h"
#include "sparse/sparse_query.h"
#include "test_util.h"

using namespace osprey;

namespace {

Collection fixture() {
  Collection c(CollectionOptions{});
  auto d = [](std::string id, std::string title, std::string body) {
    return DocumentInput{std::move(id), std::move(title), std::move(body), "", std::nullopt};
  };
  c.add({d("swept", "Swept wings", "The lift of a swept wing in a slipstream at low speed."),
         d("heat", "Heat transfer", "Heat transfer in boundary layers at high speed."),
         d("layer", "Boundary layers", "Separation of the boundary layer on a wing."),
         d("wingswept", "Wing design", "A wing that is swept back reduces drag."),
         d("zh", "机翼", "机翼的升力与滑流。中文 and English mixed text."),
         d("helicopter", "Helicopter rotor", "Rotor blade flutter and the wing of a helicopter.")});
  return c;
}

std::vector<std::string> search_ids(const Collection& c, const std::string& text, size_t k = 10) {
  SearchRequest r;
  r.text = text;
  r.k = k;
  r.mode = SearchMode::kSparse;
  std::vector<std::string> out;
  for (const auto& h : c.search(r)) out.push_back(c.document(h.slot).id);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("query parser: clauses, operators, fields and quotes") {
  auto q = parse_query(
      "wing +lift -\"high speed\" title:heat +body:\"swept wing\" heat-transfer ratio:3");
  REQUIRE(q.clauses.size() == 7);
  CHECK(q.clauses[0].text == "wing");
  CHECK(q.clauses[0].occur == Occur::kShould);
  CHECK(q.clauses[1].occur == Occur::kMust);
  CHECK(q.clauses[2].occur == Occur::kMustNot);
  CHECK(q.clauses[2].phrase);
  CHECK(q.clauses[2].text == "high speed");
  CHECK(q.clauses[3].fields == (1 << kTitle));
  CHECK(q.clauses[4].fields == (1 << kBody));
  CHECK(q.clauses[4].phrase);
  CHECK(q.clauses[4].occur == Occur::kMust);
  CHECK(q.clauses[5].text == "heat-transfer");
  CHECK(q.clauses[6].text == "ratio:3");
  CHECK(q.clauses[6].fields == kAllFields);
  // Unbalanced quotes run to the end; lone operators and empty quotes are dropped.
  auto open = parse_query("wing \"swept back");
  REQUIRE(open.clauses.size() == 2);
  CHECK(open.clauses[1].phrase);
  CHECK(open.clauses[1].text == "swept back");
  CHECK(parse_query(" + - \"\" ").clauses.empty());
  CHECK(parse_query("").clauses.empty());
  CHECK(parse_query("\"").clauses.empty());
  CHECK(parse_query("title:").clauses.size() == 1);  // plain text "title:"
}

TEST_CASE("sparse search: required, excluded, phrases and fields") {
  Collection c = fixture();
  CHECK(sorted(search_ids(c, "+swept wing")) == std::vector<std::string>{"swept", "wingswept"});
  CHECK(search_ids(c, "\"swept wing\"") == std::vector<std::string>{"swept"});
  auto no_helicopter = search_ids(c, "wing -helicopter");
  CHECK(std::find(no_helicopter.begin(), no_helicopter.end(), "helicopter") == no_helicopter.end());
  CHECK(no_helicopter.size() == 3);
  CHECK(sorted(search_ids(c, "title:wing")) == std::vector<std::string>{"swept", "wingswept"});
  CHECK(sorted(search_ids(c, "title:\"boundary layers\" heat")) ==
        std::vector<std::string>{"heat", "layer"});
  CHECK(search_ids(c, "+\"boundary layer\" -heat") == std::vector<std::string>{"layer"});
  CHECK(search_ids(c, "-wing").empty());  // nothing to score
  CHECK(search_ids(c, "+wing +nonexistent").empty());
  // Chinese text as free n-grams, as a required phrase, and mixed with Latin words.
  CHECK(search_ids(c, "升力是什么") == std::vector<std::string>{"zh"});
  CHECK(search_ids(c, "+机翼升力").empty());  // not adjacent in the document
  CHECK(search_ids(c, "+\"机翼的升力\" english") == std::vector<std::string>{"zh"});
  // Stemming applies to queries too.
  CHECK(search_ids(c, "separating layered").front() == "layer");
}

TEST_CASE("sparse search: bad and degenerate queries") {
  Collection c = fixture();
  CHECK(search_ids(c, "the of and").empty());  // only stopwords
  CHECK(search_ids(c, "?!,.;:()[]").empty());  // only punctuation
  CHECK(search_ids(c, "\"wing").size() == 4);  // unbalanced quote: a phrase to the end
  CHECK(search_ids(c, "wing\"\"\"speed\"").size() >= 1);
  SearchRequest empty;
  empty.mode = SearchMode::kSparse;
  CHECK_OSPREY_ERROR(c.search(empty), ErrorCode::kEmptyQuery);
  SearchRequest invalid;
  invalid.text = "wing \xC3\x28";
  CHECK_OSPREY_ERROR(c.search(invalid), ErrorCode::kInvalidUtf8);
  // As many clauses as a query may have: a correct ranking (the exhaustive path), not a crash;
  // one more is refused.
  std::string huge;
  for (size_t i = 0; i + 1 < QueryLimits::kMaxClauses; ++i)
    huge += "term" + std::to_string(i) + " ";
  huge += "helicopter";
  CHECK(search_ids(c, huge) == std::vector<std::string>{"helicopter"});
  CHECK_OSPREY_ERROR(search_ids(c, huge + " wing"), ErrorCode::kLimitExceeded);
  std::string many_phrases;
  for (int i = 0; i < 1000; ++i) many_phrases += "+\"swept wing\" ";
  CHECK(search_ids(c, many_phrases).size() == 1);
  std::string quotes(5000, '"');
  CHECK(search_ids(c, quotes).empty());
}

TEST_CASE("sparse search: analyzer options are stored with the collection") {
  CollectionOptions options;
  options.analyzer.language = Language::kNone;
  options.analyzer.cjk = CjkMode::kBigrams;
  Collection c(options);
  c.add({DocumentInput{"a", "", "running flows", "", std::nullopt}});
  CHECK(search_ids(c, "run").empty());  // no stemming
  CHECK(search_ids(c, "running").size() == 1);
  auto bytes = c.serialize();
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  CHECK(loaded.analyzer().config() == options.analyzer);
  CHECK(search_ids(loaded, "running").size() == 1);
  // Version 1 collections (no positions) are refused with a clear error.
  bytes[8] = 1;
  CHECK_OSPREY_ERROR(Collection::deserialize(bytes.data(), bytes.size()),
                     ErrorCode::kUnsupportedFormat);
}

TEST_CASE("snippets: best passage with marked terms and UTF-16 offsets") {
  Analyzer a;
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Filler sentence number " + std::to_string(i) + ". ";
  text += "The swept wing reduces drag at high speed. ";
  for (int i = 0; i < 30; ++i) text += "More filler text here. ";
  auto terms = matched_terms(a, parse_query("swept wings -filler"));
  CHECK(terms == std::vector<std::string>{"swept", "wing"});
  Snippet s = best_passage(a, text, terms, 80);
  CHECK(s.text.find("swept wing") != std::string::npos);
  CHECK(s.text.rfind("\u2026", 0) == 0);  // cut text is marked
  REQUIRE(s.highlights.size() == 2);
  // Offsets are UTF-16: every character before the highlight here is one code unit, the
  // ellipsis included.
  std::string before = s.text.substr(0, s.text.find("swept"));
  CHECK(s.highlights[0].start == before.size() - 2);  // "…" is 3 bytes, 1 code unit
  CHECK(s.highlights[0].end - s.highlights[0].start == std::string("swept").size());
  CHECK(s.highlights[1].start == s.highlights[0].end + 1);

  Snippet zh = best_passage(a, "😀机翼的升力与滑流。", matched_terms(a, parse_query("升力")), 50);
  REQUIRE(zh.highlights.size() == 1);
  CHECK(zh.highlights[0].start == 5);  // the emoji is two UTF-16 code units
  CHECK(zh.highlights[0].end == 7);
  Snippet none = best_passage(a, "short text", {"absent"}, 50);
  CHECK(none.text == "short text");
  CHECK(none.highlights.empty());
  CHECK(best_passage(a, "", {"x"}, 50).text.empty());
}
