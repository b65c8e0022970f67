// Tokenizer behaviour beyond the oracle files: bad input, truncation, padding, batches, format
// inference, the regex matcher and normalization forms.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"
#include "text/normalization.h"
#include "text/utf8.h"
#include "tokenizers/regex_matcher.h"
#include "tokenizers/tokenizer.h"

namespace {

using osprey::ErrorCode;
using osprey::test::read_file;
using osprey::test::shared_data;
using namespace osprey::tokenizers;

std::string family_json(const std::string& family) {
  return read_file(shared_data("tokenizers/" + family + "/tokenizer.json"));
}

const Tokenizer& bert() {
  static auto t = Tokenizer::from_json(family_json("bert-uncased"));
  return *t;
}

std::string error_message(const std::string& json) {
  try {
    Tokenizer::from_json(json);
  } catch (const osprey::Error& e) {
    return e.what();
  }
  return "";
}

// A small WordLevel tokenizer in the current format, with a configurable pipeline.
std::string word_level_json(const std::string& normalizer, const std::string& pre_tokenizer) {
  return R"({"version":"1.0","added_tokens":[{"id":0,"content":"[UNK]","special":true,"normalized":false}],
    "normalizer":)" +
         normalizer + R"(,"pre_tokenizer":)" + pre_tokenizer + R"(,
    "post_processor":null,"decoder":null,
    "model":{"type":"WordLevel","unk_token":"[UNK]","vocab":{"[UNK]":0,"hello":1,"world":2,"!":3,"123":4,"1":5,"2":6,"3":7,"cafe":8,"café":9}}})";
}

std::vector<int32_t> ids_of(const Tokenizer& t, const std::string& text) {
  return t.encode(text).ids;
}

}  // namespace

TEST_CASE("tokenizer: malformed tokenizer.json is a clear error") {
  CHECK_OSPREY_ERROR(Tokenizer::from_json("{not json"), ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(Tokenizer::from_json("[1,2]"), ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(Tokenizer::from_json("{}"), ErrorCode::kInvalidJson);  // no model
  CHECK_OSPREY_ERROR(Tokenizer::from_json(R"({"model":{"type":"WordPiece","vocab":[1,2]}})"),
                     ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(
      Tokenizer::from_json(R"({"model":{"type":"BPE","vocab":{"a":0},"merges":["a b"]}})"),
      ErrorCode::kInvalidJson);  // merge of unknown tokens
  CHECK_OSPREY_ERROR(Tokenizer::from_json(R"({"model":{"type":"Unigram","vocab":[["a"]]}})"),
                     ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(Tokenizer::from_json(word_level_json(
                         R"({"type":"Precompiled","precompiled_charsmap":"!!"})", "null")),
                     ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(Tokenizer::from_json(family_json("bert-uncased"), "{oops"),
                     ErrorCode::kInvalidJson);
}

TEST_CASE("tokenizer: unsupported components are named in the error") {
  CHECK(error_message(R"({"model":{"type":"Mystery","vocab":{}}})").find("'Mystery'") !=
        std::string::npos);
  CHECK(error_message(word_level_json(R"({"type":"FancyNorm"})", "null"))
            .find("normalizer 'FancyNorm'") != std::string::npos);
  CHECK(error_message(word_level_json("null", R"({"type":"UnicodeScripts"})"))
            .find("pre-tokenizer 'UnicodeScripts'") != std::string::npos);
  CHECK(error_message(
            word_level_json(
                "null", R"({"type":"Split","pattern":{"Regex":"(?<=a)b"},"behavior":"Isolated"})"))
            .find("unsupported regex") != std::string::npos);
  CHECK_OSPREY_ERROR(Tokenizer::from_json(word_level_json("null", R"({"type":"UnicodeScripts"})")),
                     ErrorCode::kUnsupportedFormat);
}

TEST_CASE("tokenizer: invalid UTF-8 text is refused") {
  CHECK_OSPREY_ERROR(bert().encode("abc\xff"), ErrorCode::kInvalidUtf8);
  CHECK_OSPREY_ERROR(bert().encode("\xed\xa0\x80"), ErrorCode::kInvalidUtf8);  // surrogate
  std::string_view pair("\xc0\xaf");
  CHECK_OSPREY_ERROR(bert().encode("fine", &pair, EncodeOptions{}), ErrorCode::kInvalidUtf8);
  std::vector<std::string> texts{"ok", "bad\x80"};
  CHECK_OSPREY_ERROR(bert().encode_batch(texts, nullptr, EncodeOptions{}), ErrorCode::kInvalidUtf8);
}

TEST_CASE("tokenizer: a 10 MB text encodes, truncated or whole") {
  std::string big;
  while (big.size() < 10u << 20) big += "Ünïcödé wörds and CJK 中文 mixed, 12345! ";
  EncodeOptions truncated;
  truncated.max_length = 512;
  Encoding e = bert().encode(big, truncated);
  CHECK(e.size() == 512);
  CHECK(e.ids.front() == 101);
  CHECK(e.ids.back() == 102);
  // Identical to the head of the untruncated encoding.
  Encoding whole = bert().encode(big);
  CHECK(whole.size() > 1'000'000);
  CHECK(std::equal(e.ids.begin(), e.ids.end() - 1, whole.ids.begin()));
  CHECK(whole.offsets[whole.size() - 2].second <= big.size());
}

TEST_CASE("tokenizer: truncation keeps special tokens, pairs longest_first") {
  EncodeOptions o;
  o.max_length = 8;
  Encoding e = bert().encode("one two three four five six seven eight nine ten", o);
  CHECK(e.size() == 8);
  CHECK(e.ids.front() == 101);
  CHECK(e.ids.back() == 102);
  std::string_view pair("alpha beta gamma delta epsilon zeta eta theta");
  o.max_length = 11;
  Encoding p = bert().encode("a b c d e f g h i j", &pair, o);
  CHECK(p.size() == 11);  // [CLS] 4 [SEP] 4 [SEP]: both halves cut to (11 - 3) / 2
  CHECK(std::count(p.ids.begin(), p.ids.end(), 102) == 2);
  CHECK(std::count(p.type_ids.begin(), p.type_ids.end(), 1) == 5);
  // Only the longer one is cut when the shorter fits.
  std::string_view long_pair("w w w w w w w w w w w w w w w w w w w w");
  Encoding q = bert().encode("short", &long_pair, o);
  CHECK(q.size() == 11);
  CHECK(q.ids[1] == bert().token_to_id("short"));
  CHECK(q.ids[2] == 102);
  o.max_length = 2;  // no room after the special tokens of a pair
  CHECK_OSPREY_ERROR(bert().encode("a", &pair, o), ErrorCode::kInvalidArgument);
  o.max_length = 6;
  o.truncation = TruncationStrategy::kOnlySecond;
  CHECK_OSPREY_ERROR(bert().encode("a b c d e f g", &pair, o), ErrorCode::kInvalidArgument);
}

TEST_CASE("tokenizer: batch encoding pads into flat tensors") {
  std::vector<std::string> texts{"hello world", "a much longer sentence than the first one", ""};
  EncodeOptions o;
  o.padding = PaddingStrategy::kLongest;
  BatchEncoding b = bert().encode_batch(texts, nullptr, o);
  REQUIRE(b.rows == 3);
  Encoding longest = bert().encode(texts[1]);
  CHECK(b.cols == longest.size());
  REQUIRE(b.input_ids.size() == b.rows * b.cols);
  CHECK(std::vector<int32_t>(b.input_ids.begin() + b.cols, b.input_ids.begin() + 2 * b.cols) ==
        longest.ids);
  Encoding first = bert().encode(texts[0]);
  for (size_t c = 0; c < b.cols; ++c) {
    bool real = c < first.size();
    CHECK(b.attention_mask[c] == (real ? 1 : 0));
    CHECK(b.input_ids[c] == (real ? first.ids[c] : bert().pad_id()));
  }
  CHECK(b.input_ids[2 * b.cols] == 101);
  CHECK(b.input_ids[2 * b.cols + 1] == 102);
  o.padding = PaddingStrategy::kMaxLength;
  o.max_length = 16;
  b = bert().encode_batch(texts, nullptr, o);
  CHECK(b.cols == 16);
  std::vector<std::string> pairs{"x"};
  CHECK_OSPREY_ERROR(bert().encode_batch(texts, &pairs, o), ErrorCode::kInvalidArgument);
  o.pad_to_multiple_of = 8;
  o.padding = PaddingStrategy::kLongest;
  o.max_length = 0;
  b = bert().encode_batch(texts, nullptr, o);
  CHECK(b.cols % 8 == 0);
}

TEST_CASE("tokenizer: older files without model.type are inferred") {
  auto gpt2 = Tokenizer::from_json(family_json("gpt2"));  // BPE: has merges, no type
  CHECK(gpt2->encode("Hello world").ids == std::vector<int32_t>{15496, 995});
  auto chinese = Tokenizer::from_json(family_json("bert-chinese"));  // WordPiece
  CHECK(chinese->encode("中文").ids.size() == 4);
  auto word_level =
      Tokenizer::from_json(R"({"model":{"vocab":{"hello":0,"[UNK]":1},"unk_token":"[UNK]"},
    "pre_tokenizer":{"type":"WhitespaceSplit"}})");
  CHECK(word_level->encode("hello there").ids == std::vector<int32_t>{0, 1});
}

TEST_CASE("tokenizer: tokenizer_config.json overrides lowercasing") {
  auto cased = Tokenizer::from_json(family_json("bert-uncased"), R"({"do_lower_case": false})");
  CHECK(cased->encode("Hello").ids != bert().encode("Hello").ids);
  auto config = read_file(shared_data("tokenizers/bert-uncased/tokenizer_config.json"));
  auto configured = Tokenizer::from_json(family_json("bert-uncased"), config);
  CHECK(configured->encode("Hello").ids == bert().encode("Hello").ids);
  CHECK(configured->model_max_length() == 256);
}

TEST_CASE("tokenizer: WordLevel pipelines (normalizers, pre-tokenizers)") {
  auto t = Tokenizer::from_json(word_level_json(
      R"({"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"}]})",
      R"({"type":"Sequence","pretokenizers":[{"type":"Whitespace"},{"type":"Digits","individual_digits":true}]})"));
  CHECK(ids_of(*t, "HELLO world!123") == std::vector<int32_t>{1, 2, 3, 5, 6, 7});
  CHECK(ids_of(*t, "ｈｅｌｌｏ") == std::vector<int32_t>{1});  // NFKC folds fullwidth
  auto nfd =
      Tokenizer::from_json(word_level_json(R"({"type":"NFD"})", R"({"type":"WhitespaceSplit"})"));
  auto nfc =
      Tokenizer::from_json(word_level_json(R"({"type":"NFC"})", R"({"type":"WhitespaceSplit"})"));
  CHECK(ids_of(*nfc, "cafe\xcc\x81") == std::vector<int32_t>{9});  // e + combining acute -> é
  CHECK(ids_of(*nfd, "café") == std::vector<int32_t>{0});
  auto strip = Tokenizer::from_json(word_level_json(
      R"({"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Replace","pattern":{"String":"!"},"content":" ! "},{"type":"Strip"}]})",
      R"({"type":"WhitespaceSplit"})"));
  CHECK(ids_of(*strip, "  café!  ") == std::vector<int32_t>{8, 3});
  auto split = Tokenizer::from_json(word_level_json(
      "null",
      R"({"type":"Split","pattern":{"Regex":"\\p{N}{1,3}"},"behavior":"Isolated","invert":false})"));
  CHECK(ids_of(*split, "1231") == std::vector<int32_t>{4, 5});
}

TEST_CASE("tokenizer: GPT-2 fast path equals the general regex matcher") {
  auto fast = compile_regex(kGpt2Pattern);
  auto general = compile_regex(std::string("(?:") + kGpt2Pattern + ")");
  std::ifstream in(shared_data("tokenizers/gpt2/oracle.jsonl"));
  std::string line;
  size_t rows = 0, same = 0;
  while (std::getline(in, line)) {
    auto row = nlohmann::json::parse(line);
    std::string text = row["text"].get<std::string>();
    std::u32string u;
    for (size_t pos = 0; pos < text.size();) u.push_back(osprey::next_codepoint(text, pos));
    std::vector<Match> a, b;
    fast->find_all(u.data(), u.size(), a);
    general->find_all(u.data(), u.size(), b);
    ++rows;
    bool equal = a.size() == b.size();
    for (size_t i = 0; equal && i < a.size(); ++i)
      equal = a[i].begin == b[i].begin && a[i].end == b[i].end;
    if (equal) ++same;
  }
  CHECK(rows == 1510);
  CHECK(same == rows);
}

TEST_CASE("tokenizer: regex matcher constructs") {
  auto matches = [](const std::string& regex, const std::u32string& text) {
    std::vector<Match> out;
    compile_regex(regex)->find_all(text.data(), text.size(), out);
    std::vector<std::u32string> parts;
    for (auto& m : out) parts.push_back(text.substr(m.begin, m.end - m.begin));
    return parts;
  };
  using V = std::vector<std::u32string>;
  CHECK(matches("(?i:'s|'t)|\\p{L}+", U"IT'S ok") == V{U"IT", U"'S", U"ok"});
  CHECK(matches("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}", U"a 12345 b") ==
        V{U"a", U"123", U"45", U" b"});
  CHECK(matches("\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", U"a  \n\nb  c") == V{U"  \n\n", U" ", U" "});
  CHECK(matches("x+?y", U"xxy") == V{U"xxy"});
  CHECK(matches("[a-c]{2}", U"abcab") == V{U"ab", U"ca"});
  CHECK_OSPREY_ERROR(compile_regex("(?<name>a)"), ErrorCode::kUnsupportedFormat);
  CHECK_OSPREY_ERROR(compile_regex("[abc"), ErrorCode::kUnsupportedFormat);
}

TEST_CASE("normalization forms") {
  using osprey::unicode::NormalizationForm;
  using osprey::unicode::normalize;
  CHECK(normalize(U"\u00e9", NormalizationForm::NFD) == U"e\u0301");
  CHECK(normalize(U"e\u0301", NormalizationForm::NFC) == U"\u00e9");
  CHECK(normalize(U"\ufb01", NormalizationForm::NFKC) == U"fi");
  CHECK(normalize(U"\ufb01", NormalizationForm::NFC) == U"\ufb01");
  CHECK(normalize(U"\uac00", NormalizationForm::NFD) == U"\u1100\u1161");
  CHECK(normalize(U"\u1100\u1161\u11a8", NormalizationForm::NFC) == U"\uac01");
  CHECK(normalize(U"a\u0323\u0302", NormalizationForm::NFD) == U"a\u0323\u0302");
  CHECK(normalize(U"a\u0302\u0323", NormalizationForm::NFD) == U"a\u0323\u0302");  // reordered
  CHECK(normalize(U"\u1e0b\u0323", NormalizationForm::NFC) == U"\u1e0d\u0307");
  CHECK(normalize(U"\u2460", NormalizationForm::NFKD) == U"1");
}

TEST_CASE("tokenizer: decode") {
  auto gpt2 = Tokenizer::from_json(family_json("gpt2"));
  std::string text = "Hello wörld 中文 😀 tabs\tand\nnewlines";
  CHECK(gpt2->decode(gpt2->encode(text).ids, false) == text);
  CHECK(bert().decode(bert().encode("Hello unaffable world").ids, true) == "hello unaffable world");
  auto t5 = Tokenizer::from_json(family_json("t5"));
  CHECK(t5->decode(t5->encode("Hello world").ids, true) == "Hello world");
}
