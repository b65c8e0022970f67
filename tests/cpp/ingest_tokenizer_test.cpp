// Chunking and context measured in a real Hugging Face tokenizer's tokens (bert-uncased with its
// 256 limit, bert-chinese, gpt2): no passage is longer than the model can read.
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "ingest/context_builder.h"
#include "ingest/ingestor.h"
#include "ingest/tokenizer_counter.h"
#include "test_util.h"

using namespace osprey;

namespace {

using test::read_file;

std::shared_ptr<const tokenizers::Tokenizer> load(const std::string& family) {
  const std::string dir = test::shared_data("tokenizers/" + family + "/");
  std::ifstream probe(dir + "tokenizer_config.json");
  std::string config = probe.good() ? read_file(dir + "tokenizer_config.json") : "";
  return tokenizers::Tokenizer::from_json(read_file(dir + "tokenizer.json"), config);
}

std::vector<SourceDocument> corpus(const std::string& name, size_t n) {
  std::ifstream in(test::shared_data("ir/" + name + "/corpus.jsonl"));
  std::vector<SourceDocument> docs;
  std::string line;
  JsonFieldMap fields;
  for (size_t i = 0; i < n && std::getline(in, line); ++i) {
    docs.push_back(source_from_json_record(line, fields, i));
  }
  return docs;
}

}  // namespace

TEST_CASE("ingest: passages fit a Hugging Face tokenizer's budget and the model's length") {
  for (const std::string family : {"bert-uncased", "gpt2", "bert-chinese"}) {
    auto tokenizer = load(family);
    TokenizerCounter counter(tokenizer, family);
    const auto docs = corpus(family == "bert-chinese" ? "cmrc2018-zh" : "cran", 60);
    for (size_t max_tokens : {size_t(48), size_t(100000)}) {
      Collection c(CollectionOptions{});
      IngestOptions options;
      options.chunk.max_tokens = max_tokens;
      options.chunk.overlap = max_tokens > 1000 ? 32 : 8;
      options.chunk.split_long_words = true;
      options.counter = &counter;
      ingest_documents(c, docs, options);
      const size_t limit = std::min(
          max_tokens,
          counter.max_length() ? counter.max_length() - counter.special_tokens() : max_tokens);
      size_t passages = 0;
      for (const auto& doc : docs) {
        for (const auto& p : c.ingested().find(doc.id)->passages) {
          const StoredDocument* stored = c.find(p.id);
          REQUIRE(stored);
          tokenizers::EncodeOptions with_specials;
          const size_t model_tokens = tokenizer->encode(stored->body, with_specials).size();
          CHECK(model_tokens <= limit + counter.special_tokens());
          if (counter.max_length()) CHECK(model_tokens <= counter.max_length());
          CHECK(doc.text.substr(p.source_start, p.source_end - p.source_start) == stored->body);
          ++passages;
        }
      }
      CHECK(passages >= docs.size());
      if (family == "bert-uncased") {
        CHECK(counter.max_length() == 256);  // model_max_length of all-MiniLM-L6-v2's config
        CHECK(counter.special_tokens() == 2);
      }
      ContextOptions context;
      context.request.text = family == "bert-chinese" ? "北京" : "boundary layer heat transfer";
      context.token_budget = 300;
      context.counter = &counter;
      Context ctx = build_context(c, context);
      CHECK(ctx.tokens <= 300);
      CHECK(counter.count(ctx.prompt) == ctx.tokens);
    }
  }
}
