// Conformance: every row of ../shared/data/tokenizers/<family>/oracle.jsonl (ids produced by the
// Rust reference, `tokenizers` 0.23.2) must come out identical: input_ids, attention_mask,
// token_type_ids and code-point offsets.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"
#include "tokenizers/tokenizer.h"

namespace {

using osprey::test::read_file;
using osprey::test::shared_data;
using osprey::tokenizers::EncodeOptions;
using osprey::tokenizers::Encoding;
using osprey::tokenizers::Tokenizer;

std::unique_ptr<Tokenizer> load_family(const std::string& family) {
  std::string dir = shared_data("tokenizers/" + family + "/");
  std::string config;
  std::ifstream probe(dir + "tokenizer_config.json");
  if (probe.good()) config = read_file(dir + "tokenizer_config.json");
  return Tokenizer::from_json(read_file(dir + "tokenizer.json"), config);
}

template <typename T>
std::string show(const std::vector<T>& v) {
  std::ostringstream os;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  return os.str();
}

void check_family(const std::string& family) {
  auto tokenizer = load_family(family);
  std::ifstream in(shared_data("tokenizers/" + family + "/oracle.jsonl"));
  REQUIRE(in.good());
  std::string line;
  size_t rows = 0, passed = 0, offsets_passed = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto row = nlohmann::json::parse(line);
    ++rows;
    std::string text = row["text"].get<std::string>();
    EncodeOptions options;
    Encoding e;
    if (row.contains("text_pair")) {
      options.max_length = 512;  // the oracle's pair setting: longest_first to 512
      std::string pair = row["text_pair"].get<std::string>();
      std::string_view pv(pair);
      e = tokenizer->encode(text, &pv, options);
    } else {
      e = tokenizer->encode(text, options);
    }
    auto ids = row["input_ids"].get<std::vector<int32_t>>();
    auto mask = row["attention_mask"].get<std::vector<int32_t>>();
    auto types = row["token_type_ids"].get<std::vector<int32_t>>();
    std::vector<std::pair<uint32_t, uint32_t>> offsets;
    for (const auto& o : row["offsets"])
      offsets.emplace_back(o[0].get<uint32_t>(), o[1].get<uint32_t>());
    bool ok = e.ids == ids && e.attention_mask == mask && e.type_ids == types;
    // Rows without offsets (the pair rows) have nothing to compare.
    bool offsets_ok = offsets.empty() ? !e.offsets.empty() || ids.empty() : e.offsets == offsets;
    if (ok) ++passed;
    if (offsets_ok) ++offsets_passed;
    if ((!ok || !offsets_ok) && (rows - passed) + (rows - offsets_passed) <= 6) {
      std::string got_offsets, want_offsets;
      for (auto& o : e.offsets)
        got_offsets += "[" + std::to_string(o.first) + "," + std::to_string(o.second) + "]";
      for (auto& o : offsets)
        want_offsets += "[" + std::to_string(o.first) + "," + std::to_string(o.second) + "]";
      MESSAGE(family << " row " << rows << " (" << row["src"].get<std::string>() << ") text: "
                     << text.substr(0, 300) << "\n  want ids " << show(ids) << "\n  got  ids "
                     << show(e.ids) << "\n  want types " << show(types) << "\n  got  types "
                     << show(e.type_ids) << "\n  want offsets " << want_offsets.substr(0, 600)
                     << "\n  got  offsets " << got_offsets.substr(0, 600));
    }
  }
  MESSAGE(family << ": " << passed << "/" << rows << " rows match (ids, mask, types); offsets "
                 << offsets_passed << "/" << rows);
  CHECK(rows > 0);
  CHECK(passed == rows);
  CHECK(offsets_passed == rows);
}

}  // namespace

TEST_CASE("tokenizer oracle: bert-uncased (WordPiece, lowercase + strip accents)") {
  check_family("bert-uncased");
}
TEST_CASE("tokenizer oracle: cross-encoder (WordPiece pairs, longest_first 512)") {
  check_family("cross-encoder");
}
TEST_CASE("tokenizer oracle: bert-chinese (WordPiece, old format)") {
  check_family("bert-chinese");
}
TEST_CASE("tokenizer oracle: bge-zh (WordPiece)") {
  check_family("bge-zh");
}
TEST_CASE("tokenizer oracle: roberta (byte-level BPE)") {
  check_family("roberta");
}
TEST_CASE("tokenizer oracle: gpt2 (byte-level BPE, old format)") {
  check_family("gpt2");
}
TEST_CASE("tokenizer oracle: t5 (Unigram + Precompiled)") {
  check_family("t5");
}
