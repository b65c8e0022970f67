#include <doctest/doctest.h>

#include "analysis/analyzer.h"
#include "analysis/word_tokenizer.h"
#include "test_util.h"

using namespace osprey;

namespace {

std::vector<std::string> terms(const Analyzer& a, std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : a.analyze(text)) out.push_back(t.term);
  return out;
}

AnalyzerConfig plain() {
  AnalyzerConfig c;
  c.language = Language::kNone;
  return c;
}

}  // namespace

TEST_CASE("analysis: words, case folding, apostrophes and offsets") {
  Analyzer a(plain());
  auto tokens = a.analyze("Don't  STOP, Überraschung 3D-printing!");
  REQUIRE(tokens.size() == 5);
  CHECK(tokens[0].term == "don't");
  CHECK(tokens[1].term == "stop");
  CHECK(tokens[2].term == "überraschung");
  CHECK(tokens[3].term == "3d");
  CHECK(tokens[4].term == "printing");
  CHECK(tokens[4].position == 4);
  CHECK(tokens[1].start == 7);
  CHECK(tokens[1].end == 11);
  CHECK(terms(a, "ＡＢＣ１２３") == std::vector<std::string>{"abc123"});  // fullwidth forms
  CHECK(terms(a, "'quoted' rock'n'roll").size() == 2);
  CHECK(a.analyze("").empty());
  CHECK(a.analyze("  ...!?  ").empty());
}

TEST_CASE("analysis: English stopwords and stemming keep positions") {
  Analyzer a;  // English by default
  auto tokens = a.analyze("The flows of heated gases");
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[0].term == "flow");
  CHECK(tokens[0].position == 1);
  CHECK(tokens[1].term == "heat");
  CHECK(tokens[1].position == 3);
  CHECK(tokens[2].term == "gase");
  AnalyzerConfig no_stem;
  no_stem.stemmer = false;
  CHECK(terms(Analyzer(no_stem), "The flows") == std::vector<std::string>{"flows"});
  AnalyzerConfig no_stop;
  no_stop.stopwords = false;
  CHECK(terms(Analyzer(no_stop), "The flows") == std::vector<std::string>{"the", "flow"});
}

TEST_CASE("analysis: CJK n-grams in each mode, mixed with Latin text") {
  AnalyzerConfig bigrams = plain();
  bigrams.cjk = CjkMode::kBigrams;
  CHECK(terms(Analyzer(bigrams), "中华人民") == std::vector<std::string>{"中华", "华人", "人民"});
  // A character without CJK neighbours stays a unigram.
  CHECK(terms(Analyzer(bigrams), "用 Linux 的") == std::vector<std::string>{"用", "linux", "的"});
  AnalyzerConfig both = plain();
  both.cjk = CjkMode::kUnigramsBigrams;
  auto tokens = Analyzer(both).analyze("机翼abc升力");
  std::vector<std::string> expected = {"机", "机翼", "翼", "abc", "升", "升力", "力"};
  REQUIRE(tokens.size() == expected.size());
  for (size_t i = 0; i < tokens.size(); ++i) CHECK(tokens[i].term == expected[i]);
  CHECK(tokens[1].position == tokens[0].position);  // a bigram sits at its first character
  CHECK(tokens[1].start == 0);
  CHECK(tokens[1].end == 6);
  CHECK(tokens[3].position == 2);
  AnalyzerConfig unigrams = plain();
  unigrams.cjk = CjkMode::kUnigrams;
  CHECK(terms(Analyzer(unigrams), "日本語です") ==
        std::vector<std::string>{"日", "本", "語", "で", "す"});
  // Punctuation between CJK characters breaks the bigram chain.
  CHECK(terms(Analyzer(bigrams), "中华，人民") == std::vector<std::string>{"中华", "人民"});
}

TEST_CASE("analysis: configuration round-trips and bad bytes are refused") {
  AnalyzerConfig c;
  c.language = Language::kNone;
  c.stemmer = false;
  c.cjk = CjkMode::kUnigrams;
  ByteWriter w;
  c.save(w);
  ByteReader r(w.bytes().data(), w.size(), "test");
  CHECK(AnalyzerConfig::load(r) == c);
  CHECK(r.done());
  std::vector<uint8_t> bad = w.bytes();
  bad[1] = 9;  // unknown language
  ByteReader rb(bad.data(), bad.size(), "test");
  CHECK_OSPREY_ERROR(AnalyzerConfig::load(rb), ErrorCode::kCorruptData);
  bad = w.bytes();
  bad[0] = 1;  // an older layout
  ByteReader rv(bad.data(), bad.size(), "test");
  CHECK_OSPREY_ERROR(AnalyzerConfig::load(rv), ErrorCode::kCorruptData);
  CHECK_OSPREY_ERROR(parse_language("fr"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(parse_cjk_mode("trigram"), ErrorCode::kInvalidArgument);
  CHECK(parse_cjk_mode(cjk_mode_name(CjkMode::kBigrams)) == CjkMode::kBigrams);
}

TEST_CASE("analysis: long and odd inputs") {
  Analyzer a;
  std::string long_word(100000, 'a');
  auto tokens = a.analyze(long_word);
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].term.size() == 100000);
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "word" + std::to_string(i) + " ";
  CHECK(a.analyze(many).size() == 10000);
  CHECK(a.analyze("\xF0\x9F\x98\x80 emoji \xF0\x9F\x98\x80").size() == 1);  // symbols separate
  CHECK(tokenize_words("a\u0301b").size() == 1);  // combining marks stay in the word
}
