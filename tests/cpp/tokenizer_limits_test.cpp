// No tokenizer.json and no text can break the tokenizers: one regression test per finding of the
// fuzzing pass (and their neighbours). Sizes are ones that took seconds, gigabytes or the stack
// before the fixes; the tests assert results and error codes, never timings.
#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "test_util.h"
#include "text/normalization.h"
#include "text/utf8.h"
#include "tokenizers/byte_level.h"
#include "tokenizers/limits.h"
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

const Tokenizer& family(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> loaded;
  auto& t = loaded[name];
  if (!t) t = Tokenizer::from_json(family_json(name));
  return *t;
}

std::vector<Match> find(const std::string& regex, const std::u32string& text) {
  std::vector<Match> out;
  compile_regex(regex)->find_all(text.data(), text.size(), out);
  return out;
}

// The error (code and message) of loading `json`.
struct Failure {
  bool thrown = false;
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};
template <typename F>
Failure failure_of(F&& f) {
  Failure r;
  try {
    f();
  } catch (const osprey::Error& e) {
    r = {true, e.code(), e.what()};
  }
  return r;
}
Failure load_failure(const std::string& json, const std::string& config = "") {
  return failure_of([&] { Tokenizer::from_json(json, config); });
}
Failure regex_failure(const std::string& regex) {
  return failure_of([&] { compile_regex(regex); });
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A WordLevel tokenizer with a configurable pipeline (and extra top-level fields).
std::string word_level(const std::string& pre_tokenizer, const std::string& extra = "",
                       const std::string& normalizer = "null") {
  return R"({"normalizer":)" + normalizer + R"(,"pre_tokenizer":)" + pre_tokenizer + extra +
         R"(,"model":{"type":"WordLevel","unk_token":"[UNK]","vocab":{"[UNK]":0,"a":1,"b":2}}})";
}

}  // namespace

// ---- 1. Regex engine ------------------------------------------------------------------------

TEST_CASE("limits: regex nested quantifiers are linear ((a+)+b was exponential)") {
  const size_t n = 1 << 20;  // 27 bytes took 5 s
  CHECK(find("(a+)+b", std::u32string(n, 'a')).empty());
  auto m = find("(a+)+b", std::u32string(n, 'a') + U"b");
  REQUIRE(m.size() == 1);
  CHECK(m[0].begin == 0);
  CHECK(m[0].end == n + 1);
}

TEST_CASE("limits: regex common patterns are linear (\\p{L}+\\d was quadratic)") {
  const size_t n = 1 << 20;  // 20 KB took 2.6 s
  CHECK(find("\\p{L}+\\d", std::u32string(n, 'a')).empty());
  auto m = find("\\p{L}+\\d", std::u32string(n, 'x') + U"7");
  REQUIRE(m.size() == 1);
  CHECK(m[0].end == n + 1);
  // A higher-priority alternative alive to the end of the text at every position: every search
  // would rescan the rest (the Pike VM's own quadratic case); the liveness pass keeps it linear.
  auto each = find("a+b|a", std::u32string(n, 'a'));
  REQUIRE(each.size() == n);
  CHECK(each[12345].begin == 12345);
  CHECK(each[12345].end == 12346);
  CHECK(find("(?:a+b)?", std::u32string(n, 'a')).empty());
  // A general lookahead: one backward pass, not a scan per position.
  CHECK(find("(?=a*b)a", std::u32string(n, 'a')).empty());
  CHECK(find("(?=a*b)a", std::u32string(n, 'a') + U"b").size() == n);
}

TEST_CASE("limits: regex matching does not recurse per character ((?:ab)+ overflowed in WASM)") {
  std::u32string text;
  while (text.size() < (2u << 20)) text += U"ab";
  auto m = find("(?:ab)+", text);
  REQUIRE(m.size() == 1);
  CHECK(m[0].end == text.size());
  // \s+(?!\S) (GPT-2 style): a 1M-space run leaves its last space to the next word.
  std::u32string spaces(1 << 20, ' ');
  auto s = find("\\s+(?!\\S)|\\s+", spaces + U"x");
  REQUIRE(s.size() == 2);
  CHECK(s[0].end == spaces.size() - 1);
  CHECK(s[1].end == spaces.size());
}

TEST_CASE("limits: regex patterns beyond the limits are refused, naming the limit") {
  // 100k nested groups overflowed the parser's stack.
  Failure deep = regex_failure(std::string(30000, '(') + "a" + std::string(30000, ')'));
  CHECK(deep.code == ErrorCode::kLimitExceeded);
  CHECK(contains(deep.message,
                 "nesting deeper than the limit of " + std::to_string(kMaxRegexNesting)));
  Failure stacked = regex_failure("a" + std::string(30000, '*'));
  CHECK(stacked.code == ErrorCode::kLimitExceeded);
  CHECK(contains(stacked.message, "nesting"));
  // Nesting up to the limit is fine.
  std::string ok = "a";
  for (int i = 0; i + 1 < kMaxRegexNesting; ++i) ok = "(?:" + ok + ")";
  CHECK(find(ok, U"aa").size() == 2);
  // The repetition count overflowed an int (signed overflow).
  Failure overflow = regex_failure("a{99999999999999999999}");
  CHECK(overflow.code == ErrorCode::kLimitExceeded);
  CHECK(contains(overflow.message, "repetition count {99999999999999999999} exceeds the limit of " +
                                       std::to_string(kMaxRegexRepeat)));
  CHECK(regex_failure("a{2,1}").code == ErrorCode::kUnsupportedFormat);
  CHECK(find("a{2,3}", U"aaaaaaa").size() == 2);
  Failure program = regex_failure("(?:a{1000}){1000}");
  CHECK(program.code == ErrorCode::kLimitExceeded);
  CHECK(contains(program.message, std::to_string(kMaxRegexProgram) + " instructions"));
  Failure bytes = regex_failure(std::string(kMaxRegexBytes + 1, 'a'));
  CHECK(bytes.code == ErrorCode::kLimitExceeded);
  CHECK(contains(bytes.message, "limit of " + std::to_string(kMaxRegexBytes) + " bytes"));
  std::string looks;
  for (size_t i = 0; i <= kMaxRegexLookaheads; ++i) looks += "(?!a" + std::to_string(i) + ")";
  Failure many = regex_failure(looks);
  CHECK(many.code == ErrorCode::kLimitExceeded);
  CHECK(contains(many.message, "lookaheads"));
  CHECK(regex_failure("\\x{110000}").code == ErrorCode::kUnsupportedFormat);
  CHECK(regex_failure("\\x{41").code == ErrorCode::kUnsupportedFormat);
}

TEST_CASE("limits: the regexes of one tokenizer.json share an instruction budget") {
  // Many patterns, each within kMaxRegexProgram, would multiply the work per character.
  std::string split =
      R"({"type":"Split","pattern":{"Regex":"[ab]{1000}[ab]{1000}[ab]{1000}"},"behavior":"Isolated"})";
  Failure f = load_failure(word_level(R"({"type":"Sequence","pretokenizers":[)" + split + "," +
                                      split + "," + split + "]}"));
  CHECK(f.code == ErrorCode::kLimitExceeded);
  CHECK(contains(f.message, std::to_string(kMaxRegexProgramTotal) + " compiled instructions"));
  auto two = Tokenizer::from_json(
      word_level(R"({"type":"Sequence","pretokenizers":[)" + split + "," + split + "]}"));
  CHECK(two->encode(std::string(6000, 'a')).size() == 2);
}

TEST_CASE("limits: regex semantics of real tokenizer patterns") {
  // Llama 3 / cl100k: alternation order, case-insensitive contractions, {1,3}, lookahead.
  const std::string llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
      "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  std::u32string text = U"I'LL pay 12345 dollars!!\n\n  ok";
  std::vector<std::u32string> parts;
  for (const Match& m : find(llama3, text)) parts.push_back(text.substr(m.begin, m.end - m.begin));
  CHECK(parts == std::vector<std::u32string>{U"I", U"'LL", U" pay", U" ", U"123", U"45",
                                             U" dollars", U"!!\n\n", U" ", U" ok"});
  // [^\S\n] is whitespace other than a line feed (it used to match nothing).
  auto m = find("[^\\S\\n]+", U"a \t\nb");
  REQUIRE(m.size() == 1);
  CHECK(m[0].begin == 1);
  CHECK(m[0].end == 3);
}

TEST_CASE("limits: a Split pre-tokenizer with a hostile regex over a 1 MB text") {
  auto t = Tokenizer::from_json(
      word_level(R"({"type":"Split","pattern":{"Regex":"(a+)+b|a"},"behavior":"Isolated"})"));
  Encoding e = t->encode(std::string(1 << 20, 'a'));
  CHECK(e.size() == (1u << 20));
  CHECK(e.ids[777] == 1);
}

TEST_CASE("limits: literal patterns are matched in linear time") {
  // A 10k-character String pattern over 1M characters was 10^10 comparisons.
  std::u32string literal(10000, 'a');
  literal += U"b";
  auto pattern = literal_pattern(literal);
  std::u32string text(1 << 20, 'a');
  std::vector<Match> out;
  pattern->find_all(text.data(), text.size(), out);
  CHECK(out.empty());
  text += literal;
  pattern->find_all(text.data(), text.size(), out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].begin == (1u << 20));
  out.clear();
  literal_pattern(U"aa")->find_all(U"aaaaa", 5, out);  // non-overlapping, left to right
  CHECK(out.size() == 2);
}

// ---- 2. tokenizer.json limits ---------------------------------------------------------------

TEST_CASE("limits: a huge vocab id is refused before allocating (58 bytes made 1.5 GB)") {
  std::string json = R"({"model":{"type":"WordLevel","vocab":{"a":50000000}}})";
  Failure f = load_failure(json);
  CHECK(f.code == ErrorCode::kLimitExceeded);
  CHECK(contains(f.message, "vocab id of 'a'"));
  CHECK(contains(f.message, "above the limit of 1025"));  // 2 x 1 entry + 1024, exclusive
  CHECK(load_failure(R"({"model":{"type":"WordLevel","vocab":{"a":4294967296}}})").code ==
        ErrorCode::kLimitExceeded);
  CHECK(load_failure(R"({"model":{"type":"WordLevel","vocab":{"a":-1}}})").code ==
        ErrorCode::kInvalidJson);
  // Gaps are fine while ids stay proportional to the entries.
  auto t = Tokenizer::from_json(
      R"({"model":{"type":"WordLevel","unk_token":"a","vocab":{"a":0,"b":1000}}})");
  CHECK(t->token_to_id("b") == 1000);
}

TEST_CASE("limits: padding and truncation lengths are limited (Fixed 1e8 made 2.5 GB)") {
  Failure fixed =
      load_failure(word_level("null", R"(,"padding":{"strategy":{"Fixed":100000000}})"));
  CHECK(fixed.code == ErrorCode::kLimitExceeded);
  CHECK(contains(fixed.message, "field 'Fixed'"));
  CHECK(contains(fixed.message, std::to_string(kMaxSequenceLength)));
  CHECK(load_failure(word_level("null", R"(,"padding":{"pad_to_multiple_of":1e300})")).code ==
        ErrorCode::kLimitExceeded);
  CHECK(load_failure(word_level("null", R"(,"padding":{"pad_id":1e30})")).code ==
        ErrorCode::kLimitExceeded);
  CHECK(load_failure(word_level("null", R"(,"padding":{"pad_type_id":-1})")).code ==
        ErrorCode::kInvalidJson);
  CHECK(load_failure(word_level("null", R"(,"truncation":{"max_length":1.5})")).code ==
        ErrorCode::kInvalidJson);
  Failure trunc = load_failure(word_level("null", R"(,"truncation":{"max_length":1e300})"));
  CHECK(trunc.code == ErrorCode::kLimitExceeded);
  CHECK(contains(trunc.message, "field 'max_length'"));
  // Lengths within the limits load, and a float that is a whole number is a whole number.
  auto t = Tokenizer::from_json(word_level(
      "null", R"(,"padding":{"strategy":{"Fixed":16.0}},"truncation":{"max_length":8})"));
  CHECK(t->default_options().pad_length == 16);
  CHECK(t->encode("a", t->default_options()).size() == 8);
}

TEST_CASE("limits: encode options are limited too") {
  const Tokenizer& bert = family("bert-uncased");
  EncodeOptions o;
  o.padding = PaddingStrategy::kMaxLength;
  o.pad_length = 100'000'000;
  Failure f = failure_of([&] { bert.encode("hi", o); });
  CHECK(f.code == ErrorCode::kLimitExceeded);
  CHECK(contains(f.message, "pad_length"));
  o.pad_length = 0;
  o.max_length = kMaxSequenceLength + 1;
  CHECK_OSPREY_ERROR(bert.encode("hi", o), ErrorCode::kLimitExceeded);
  o.max_length = 0;
  o.pad_to_multiple_of = SIZE_MAX;  // rounding up overflowed
  CHECK_OSPREY_ERROR(bert.encode("hi", o), ErrorCode::kLimitExceeded);
  // A padded batch: rows x columns is limited.
  EncodeOptions batch;
  batch.padding = PaddingStrategy::kMaxLength;
  batch.max_length = kMaxSequenceLength;
  std::vector<std::string> texts(kMaxBatchCells / kMaxSequenceLength + 1, "hi");
  Failure cells = failure_of([&] { bert.encode_batch(texts, nullptr, batch); });
  CHECK(cells.code == ErrorCode::kLimitExceeded);
  CHECK(contains(cells.message, std::to_string(kMaxBatchCells) + " cells"));
}

TEST_CASE("limits: other ids and sizes of tokenizer.json") {
  // Added tokens, post-processor ids, Unigram unk_id, WordPiece max_input_chars_per_word.
  CHECK(load_failure(word_level("null", R"(,"added_tokens":[{"id":1099511627776,"content":"x"}])"))
            .code == ErrorCode::kLimitExceeded);
  Failure template_id = load_failure(word_level(
      "null",
      R"(,"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"x","type_id":0}}],"special_tokens":{"x":{"id":"x","ids":[1099511627776]}}})"));
  CHECK(template_id.code == ErrorCode::kLimitExceeded);
  CHECK(contains(template_id.message, std::to_string(kMaxTokenId)));
  CHECK(load_failure(
            word_level(
                "null",
                R"(,"post_processor":{"type":"BertProcessing","cls":["a",1e40],"sep":["b",2]})"))
            .code == ErrorCode::kInvalidJson);  // not an integer
  CHECK(
      load_failure(
          word_level(
              "null",
              R"(,"post_processor":{"type":"TemplateProcessing","single":[{"Sequence":{"id":"A","type_id":1e30}}]})"))
          .code == ErrorCode::kLimitExceeded);
  Failure unk = load_failure(R"({"model":{"type":"Unigram","unk_id":1e30,"vocab":[["a",-1.0]]}})");
  CHECK(unk.code == ErrorCode::kLimitExceeded);  // was a float-to-int conversion (UB)
  CHECK(contains(unk.message, "field 'unk_id'"));
  Failure chars = load_failure(
      R"({"model":{"type":"WordPiece","max_input_chars_per_word":1e30,"vocab":{"[UNK]":0}}})");
  CHECK(chars.code == ErrorCode::kLimitExceeded);
  CHECK(contains(chars.message, "max_input_chars_per_word"));
  // Trie-walked vocabularies and added tokens: entries up to kMaxPieceBytes.
  std::string long_piece(kMaxPieceBytes + 1, 'a');
  Failure piece = load_failure(R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,")" + long_piece +
                               R"(":1}}})");
  CHECK(piece.code == ErrorCode::kLimitExceeded);
  CHECK(contains(piece.message, std::to_string(kMaxPieceBytes) + " bytes"));
  CHECK(load_failure(
            word_level("null", R"(,"added_tokens":[{"id":3,"content":")" + long_piece + R"("}])"))
            .code == ErrorCode::kLimitExceeded);
}

TEST_CASE("limits: JSON nested too deep is refused before parsing") {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Failure f = load_failure(word_level("null", ",\"extra\":" + deep));
  CHECK(f.code == ErrorCode::kLimitExceeded);
  CHECK(contains(f.message, "nested deeper than the limit of " + std::to_string(kMaxJsonDepth)));
  Failure config = load_failure(word_level("null"), "{\"a\":" + deep + "}");
  CHECK(config.code == ErrorCode::kLimitExceeded);
  CHECK(contains(config.message, "tokenizer_config.json"));
  // Brackets inside strings do not count.
  CHECK_NOTHROW(
      Tokenizer::from_json(word_level("null", ",\"extra\":\"" + std::string(1000, '[') + "\"")));
}

// ---- 3. Long words --------------------------------------------------------------------------

TEST_CASE("limits: WordPiece honours max_input_chars_per_word (a 50 MB word took 2.9 GB)") {
  const Tokenizer& bert = family("bert-uncased");
  const int32_t unk = bert.token_to_id("[UNK]");
  Encoding e = bert.encode(std::string(20u << 20, 'x'));
  CHECK(e.ids == std::vector<int32_t>{101, unk, 102});
  CHECK(e.offsets[1] == std::pair<uint32_t, uint32_t>(0, 20u << 20));
  // As HF: a word of more than max_input_chars_per_word characters (not bytes) is one [UNK].
  std::string json = family_json("bert-uncased");
  auto j = nlohmann::json::parse(json);
  j["model"]["max_input_chars_per_word"] = 5;
  j["padding"] = nullptr;
  j["truncation"] = nullptr;
  auto five = Tokenizer::from_json(j.dump());
  CHECK(five->encode("hello").ids.size() == 3);
  CHECK(five->encode("hellos").ids == std::vector<int32_t>{101, unk, 102});
  CHECK(five->encode("ééééé").ids.size() > 2);  // 5 characters, 10 bytes
}

TEST_CASE("limits: Unigram bounds its lattice (5 MB took 872 MB)") {
  const Tokenizer& t5 = family("t5");
  const size_t n = 5u << 20;
  Encoding e = t5.encode(std::string(n, 'a'));
  // "▁", then 'a' by 'a' (the same as for a short run), then </s>.
  REQUIRE(e.size() == n + 2);
  CHECK(e.ids.front() == 3);
  CHECK(e.ids.back() == 1);
  CHECK(std::count(e.ids.begin() + 1, e.ids.end() - 1, 9) == std::ptrdiff_t(n));
  CHECK(e.offsets[n] == std::pair<uint32_t, uint32_t>(uint32_t(n - 1), uint32_t(n)));
  // Within a window the segmentation is exact: a long mixed word starts as its prefix does.
  std::string word;
  while (word.size() < 3 * kUnigramWindowBytes) word += "Tokenization";
  Encoding whole = t5.encode(word), prefix = t5.encode(word.substr(0, 1200));
  CHECK(std::equal(prefix.ids.begin(), prefix.ids.end() - 8, whole.ids.begin()));
}

// ---- 4. Undefined behaviour -----------------------------------------------------------------

TEST_CASE("limits: ByteLevel decode of cut UTF-8 is from_utf8_lossy (read past the end)") {
  const Tokenizer& gpt2 = family("gpt2");
  auto id_of_byte = [&](int b) {
    std::string s;
    osprey::append_utf8(s, byte_to_char()[b]);
    return gpt2.token_to_id(s);
  };
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(gpt2.decode({id_of_byte(0x80)}, false) == fffd);                    // lone continuation
  CHECK(gpt2.decode({id_of_byte(0xE4), id_of_byte(0xB8)}, false) == fffd);  // cut 3-byte char
  CHECK(gpt2.decode({id_of_byte(0xE4), id_of_byte(0xB8), id_of_byte(0x80)}, false) ==
        "\xE4\xB8\x80");
  CHECK(gpt2.decode({id_of_byte(0xC0), id_of_byte(0x80)}, false) == fffd + fffd);
  CHECK(gpt2.decode({id_of_byte(0xF0), id_of_byte(0x9F), gpt2.token_to_id("a")}, false) ==
        fffd + "a");
}

// ---- 5. Normalization -----------------------------------------------------------------------

TEST_CASE("limits: canonical ordering of long runs of marks (80 KB took 4.3 s)") {
  using osprey::unicode::NormalizationForm;
  using osprey::unicode::normalize;
  const size_t pairs = 200000;
  std::u32string marks = U"a";
  for (size_t i = 0; i < pairs; ++i) marks += U"\u0301\u0323";  // classes 230, 220
  std::u32string nfd = normalize(marks, NormalizationForm::NFD);
  REQUIRE(nfd.size() == 2 * pairs + 1);
  CHECK(nfd[1] == 0x0323);  // stable sort: every 220 before every 230
  CHECK(nfd[pairs] == 0x0323);
  CHECK(nfd[pairs + 1] == 0x0301);
  std::u32string nfc = normalize(marks, NormalizationForm::NFC);
  CHECK(nfc[0] == 0x1EA1);  // a + dot below composes first
  CHECK(nfc.size() == 2 * pairs);
  // Through BertNormalizer's accent stripping (NFD, then marks dropped).
  std::string text = "x";
  for (size_t i = 0; i < pairs; ++i) text += "\xCC\x81\xCC\xA3";
  CHECK(family("bert-uncased").encode(text).ids ==
        std::vector<int32_t>{101, family("bert-uncased").token_to_id("x"), 102});
}

TEST_CASE("limits: normalizers that lengthen the text are limited") {
  // Replace every character by 1000: 10^9 characters.
  std::string content(1000, 'b');
  auto t = Tokenizer::from_json(
      word_level(R"({"type":"WhitespaceSplit"})",
                 R"(,"added_tokens":[{"id":0,"content":"[UNK]","normalized":false}])",
                 R"({"type":"Replace","pattern":{"String":"a"},"content":")" + content + R"("})"));
  Failure f = failure_of([&] { t->encode(std::string(1 << 20, 'a')); });
  CHECK(f.code == ErrorCode::kLimitExceeded);
  CHECK(contains(f.message, "at most " + std::to_string(kMaxNormalizedChars)));
  CHECK(t->encode("a").ids == std::vector<int32_t>{0});
  // Relative to the input too: 4000 characters may grow to 32 x 4000 + 65536, not to 4 million.
  Failure relative = failure_of([&] { t->encode(std::string(4000, 'a')); });
  CHECK(relative.code == ErrorCode::kLimitExceeded);
  CHECK(contains(relative.message, "limit of " + std::to_string(32 * 4000 + 65536)));
  CHECK(t->encode(std::string(60, 'a')).ids == std::vector<int32_t>{0});  // 60000 characters
  // The parts between added tokens share the text's limit: 200 x 60 characters, each part within
  // it alone, would make 12 million.
  std::string parts;
  for (int i = 0; i < 200; ++i) parts += std::string(60, 'a') + "[UNK]";
  Failure shared = failure_of([&] { t->encode(parts); });
  CHECK(shared.code == ErrorCode::kLimitExceeded);
  // NFKD: U+FDFA decomposes into 18 characters.
  auto nfkd =
      Tokenizer::from_json(word_level(R"({"type":"WhitespaceSplit"})", "", R"({"type":"NFKD"})"));
  std::string ligatures;
  while (ligatures.size() < 12u << 20) ligatures += "\xEF\xB7\xBA";
  CHECK_OSPREY_ERROR(nfkd->encode(ligatures), ErrorCode::kLimitExceeded);
}

TEST_CASE("limits: many added tokens sharing a prefix are matched by one trie walk") {
  // 300 tokens "a", "aa b"... the old matcher compared every candidate at every position.
  nlohmann::json added = nlohmann::json::array();
  for (int k = 1; k <= 300; ++k) {
    added.push_back({{"id", 2 + k}, {"content", std::string(k, 'a') + "b"}, {"special", true}});
  }
  added.push_back({{"id", 1}, {"content", "a"}, {"special", true}});
  auto t = Tokenizer::from_json(word_level("null", ",\"added_tokens\":" + added.dump()));
  std::string text(50000, 'a');
  Encoding e = t->encode(text);
  CHECK(e.size() == text.size());  // every 'a' is the added token "a"
  text += "b";
  e = t->encode(text);
  CHECK(e.ids.back() == 2 + 300);  // the longest token at the earliest position
  CHECK(e.size() == text.size() - 300);
}
