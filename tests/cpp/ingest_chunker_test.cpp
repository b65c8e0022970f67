// Chunking: passages fit the token budget, cut at paragraph, sentence or word boundaries, keep
// code blocks whole, carry their section, and their offsets point back to the exact source.
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "ingest/chunker.h"
#include "ingest/sentence_breaker.h"
#include "test_util.h"
#include "text/unicode.h"
#include "text/utf8.h"

using namespace osprey;

namespace {

std::string slice(std::string_view s, uint32_t start, uint32_t end) {
  return std::string(s.substr(start, end - start));
}

std::vector<std::string> sentences(const std::string& text) {
  std::vector<uint32_t> starts;
  sentence_starts(text, 0, uint32_t(text.size()), starts);
  std::vector<std::string> out;
  uint32_t s = 0;
  for (uint32_t b : starts) {
    out.push_back(slice(text, s, b));
    s = b;
  }
  out.push_back(slice(text, s, uint32_t(text.size())));
  return out;
}

bool is_word_char(char32_t cp) {
  return !unicode::is_cjk(cp) &&
         (unicode::is_letter(cp) || unicode::is_number(cp) || unicode::is_mark(cp));
}

// The code points on both sides of a cut: a cut inside a word has letters on both.
bool cut_inside_word(std::string_view text, uint32_t at) {
  if (at == 0 || at >= text.size()) return false;
  size_t before = at - 1;
  while (before > 0 && (static_cast<unsigned char>(text[before]) & 0xC0) == 0x80) --before;
  size_t p = before;
  char32_t left = next_codepoint(text, p);
  p = at;
  char32_t right = next_codepoint(text, p);
  return is_word_char(left) && is_word_char(right);
}

// The "text" fields of the first `n` records of a BEIR corpus, as paragraphs.
std::string corpus_text(const std::string& name, size_t n) {
  std::ifstream in(test::shared_data("ir/" + name + "/corpus.jsonl"));
  std::string line, out;
  for (size_t i = 0; i < n && std::getline(in, line); ++i) {
    auto j = nlohmann::json::parse(line);
    out += j["text"].get<std::string>();
    out += "\n\n";
  }
  return out;
}

void check_chunks(const ParsedDocument& doc, const std::vector<Chunk>& chunks,
                  const TokenCounter& counter, size_t budget) {
  const std::string_view text = doc.text();
  for (const Chunk& c : chunks) {
    const std::string passage = slice(text, c.text_start, c.text_end);
    CHECK(c.text_end > c.text_start);
    CHECK(counter.count(passage) <= budget);
    CHECK(c.tokens == counter.count(passage));
    CHECK_FALSE(cut_inside_word(text, c.text_start));
    CHECK_FALSE(cut_inside_word(text, c.text_end));
    if (!doc.derived()) {
      CHECK(c.source_start == c.text_start);
      CHECK(slice(doc.source(), c.source_start, c.source_end) == passage);
    }
  }
}

}  // namespace

TEST_CASE("ingest: sentence breaks follow terminators, closers and spaces") {
  CHECK(sentences("Hello there. How are you? Fine!") ==
        std::vector<std::string>{"Hello there. ", "How are you? ", "Fine!"});
  // No break inside numbers, abbreviations followed by lowercase, or "U.S.A".
  CHECK(sentences("Pi is 3.14 roughly. e.g. this stays. The U.S.A is big.") ==
        std::vector<std::string>{"Pi is 3.14 roughly. e.g. this stays. ", "The U.S.A is big."});
  // Closing quotes and brackets stay with their sentence.
  CHECK(sentences("He said \"stop.\" Then he left.") ==
        std::vector<std::string>{"He said \"stop.\" ", "Then he left."});
  // Chinese and Japanese terminators need no space.
  CHECK(sentences("今天天气很好。我们去公园吧！你去吗？好的") ==
        std::vector<std::string>{"今天天气很好。", "我们去公园吧！", "你去吗？", "好的"});
  CHECK(sentences("東京は大きい。「本当？」と彼は聞いた。").size() == 3);
}

TEST_CASE("ingest: chunks of a real corpus fit the budget and cut between words") {
  const std::string text = corpus_text("cran", 200);
  REQUIRE(text.size() > 100000);
  ApproximateTokenCounter counter;
  for (size_t budget : {16, 64, 200}) {
    for (size_t overlap : {size_t(0), budget / 4}) {
      ChunkOptions options;
      options.max_tokens = budget;
      options.overlap = overlap;
      ParsedDocument doc = parse_plain_text(text);
      auto chunks = chunk_document(doc, counter, options);
      REQUIRE(chunks.size() > 10);
      check_chunks(doc, chunks, counter, budget);
      // Every word of the text is in some passage: passages cover every non-space byte.
      uint32_t covered = 0;
      for (const Chunk& c : chunks) {
        for (uint32_t p = covered; p < c.text_start; ++p)
          CHECK(std::isspace((unsigned char)text[p]));
        covered = std::max(covered, c.text_end);
        if (overlap == 0) CHECK(c.text_start >= covered - (c.text_end - c.text_start));
      }
    }
  }
}

TEST_CASE("ingest: paragraphs stay whole when they fit, and overlap repeats whole sentences") {
  const std::string text =
      "First paragraph has one sentence. And a second one.\n\n"
      "Second paragraph is here. It is short.\n\n"
      "Third paragraph closes the text. Really.";
  ApproximateTokenCounter counter;
  ChunkOptions options;
  options.max_tokens = 14;
  ParsedDocument doc = parse_plain_text(text);
  auto chunks = chunk_document(doc, counter, options);
  REQUIRE(chunks.size() == 3);
  CHECK(slice(text, chunks[0].text_start, chunks[0].text_end) ==
        "First paragraph has one sentence. And a second one.");
  CHECK(slice(text, chunks[1].text_start, chunks[1].text_end) ==
        "Second paragraph is here. It is short.");

  options.max_tokens = 12;
  options.overlap = 5;
  chunks = chunk_document(doc, counter, options);
  REQUIRE(chunks.size() >= 4);
  check_chunks(doc, chunks, counter, 12);
  // The second passage starts with the last sentence of the first.
  CHECK(chunks[1].text_start < chunks[0].text_end);
  CHECK(slice(text, chunks[1].text_start, chunks[0].text_end) == "And a second one.");
}

TEST_CASE("ingest: Chinese text splits at Chinese sentence ends") {
  const std::string text =
      "北京是中国的首都。上海是最大的城市！广州在南方吗？深圳发展很快。杭州风景优美。";
  ApproximateTokenCounter counter;
  ChunkOptions options;
  options.max_tokens = 12;
  ParsedDocument doc = parse_plain_text(text);
  auto chunks = chunk_document(doc, counter, options);
  REQUIRE(chunks.size() >= 3);
  check_chunks(doc, chunks, counter, 12);
  for (const Chunk& c : chunks) {
    std::string passage = slice(text, c.text_start, c.text_end);
    // Ends with 。！ or ？ (3 bytes each in UTF-8).
    std::string last = passage.substr(passage.size() - 3);
    CHECK((last == "。" || last == "！" || last == "？"));
  }
  // A long Chinese sentence without terminators is cut between characters, never over budget.
  std::string run;
  for (int i = 0; i < 50; ++i) run += "中文字符";
  ParsedDocument long_doc = parse_plain_text(run);
  auto pieces = chunk_document(long_doc, counter, options);
  CHECK(pieces.size() == 17);  // 200 characters, 12 per passage
  check_chunks(long_doc, pieces, counter, 12);
}

TEST_CASE("ingest: Markdown headings become sections and code blocks stay whole") {
  const std::string md =
      "---\ntitle: front matter\n---\n"
      "# Guide\n\nIntro text for the guide.\n\n"
      "## Install\n\nRun the installer. Then check it.\n\n"
      "```python\ndef f(x):\n    return x + 1\n\n\ndef g(y):\n    return y * 2\n```\n\n"
      "### Linux\n\n- apt install osprey\n- check the version\n\n"
      "Usage\n-----\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
  ParsedDocument doc = parse_markdown(md);
  ApproximateTokenCounter counter;
  ChunkOptions options;
  options.max_tokens = 40;
  auto chunks = chunk_document(doc, counter, options);
  check_chunks(doc, chunks, counter, 40);
  std::vector<std::string> sections;
  bool code_whole = false;
  for (const Chunk& c : chunks) {
    std::string path;
    for (const auto& h : doc.section_path(c.section)) path += "/" + h;
    sections.push_back(path);
    std::string passage = slice(md, c.source_start, c.source_end);
    if (passage.find("def f") != std::string::npos) {
      code_whole = passage.find("return y * 2\n```") != std::string::npos;
    }
    CHECK(passage.find("front matter") == std::string::npos);
    CHECK(passage.find("# ") != 0);  // heading lines are the section, not the passage
  }
  CHECK(code_whole);
  CHECK(sections == std::vector<std::string>{"/Guide", "/Guide/Install", "/Guide/Install/Linux",
                                             "/Guide/Usage"});

  // A code block longer than a passage is split at line ends, never inside a line.
  std::string big = "# Code\n\n```\n";
  for (int i = 0; i < 40; ++i)
    big += "value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ")\n";
  big += "```\n";
  ParsedDocument big_doc = parse_markdown(big);
  auto code_chunks = chunk_document(big_doc, counter, options);
  REQUIRE(code_chunks.size() > 1);
  check_chunks(big_doc, code_chunks, counter, 40);
  for (const Chunk& c : code_chunks) {
    CHECK((c.source_end == big.size() - 1 || big[c.source_end] == '\n'));
  }
}

TEST_CASE("ingest: HTML drops boilerplate, tolerates missing end tags, maps offsets") {
  const std::string html =
      "<!DOCTYPE html><html><head><title>The &amp; Page</title><style>p{color:red}</style>"
      "<script>var x = '<p>not text</p>';</script></head><body>"
      "<header><nav><a href=/>Home</a> | <a href=/about>About</a></nav></header>"
      "<h1>Main title</h1><p>First paragraph with <b>bold</b> text &mdash; and more."
      "<p>Second paragraph, never closed.<ul><li>item one<li>item two</ul>"
      "<h2>Details<p>After an unclosed heading.<pre>code  kept\n  as is</pre>"
      "<footer>Copyright 2024</footer><!-- a comment --></body></html>";
  ParsedDocument doc = parse_html(html);
  CHECK(doc.title == "The & Page");
  const std::string text(doc.text());
  CHECK(text.find("Home") == std::string::npos);
  CHECK(text.find("not text") == std::string::npos);
  CHECK(text.find("color") == std::string::npos);
  CHECK(text.find("Copyright") == std::string::npos);
  CHECK(text.find("comment") == std::string::npos);
  CHECK(text.find("First paragraph with bold text \xE2\x80\x94 and more.") != std::string::npos);
  CHECK(text.find("code  kept\n  as is") != std::string::npos);
  ApproximateTokenCounter counter;
  ChunkOptions options;
  options.max_tokens = 8;
  auto chunks = chunk_document(doc, counter, options);
  check_chunks(doc, chunks, counter, 8);
  std::vector<std::string> paths;
  for (const Chunk& c : chunks) {
    std::string path;
    for (const auto& h : doc.section_path(c.section)) path += "/" + h;
    paths.push_back(path);
    // The source slice holds the passage's words in order (tags and entities in between).
    std::string passage = slice(text, c.text_start, c.text_end);
    std::string source = slice(html, c.source_start, c.source_end);
    size_t from = 0;
    std::istringstream words(passage);
    for (std::string w; words >> w;) {
      if (w == "\xE2\x80\x94") w = "&mdash;";
      size_t at = source.find(w, from);
      CHECK_MESSAGE(at != std::string::npos, w << " not in " << source);
      if (at != std::string::npos) from = at + w.size();
    }
  }
  CHECK(paths.front() == "/Main title");
  CHECK(paths.back() == "/Main title/Details");
}

TEST_CASE("ingest: a passage smaller than one word is a clear error, or words are cut on request") {
  ApproximateTokenCounter counter;
  ChunkOptions options;
  options.max_tokens = 3;
  ParsedDocument doc = parse_plain_text("see https://example.com/a/very/long/path now");
  CHECK_OSPREY_ERROR(chunk_document(doc, counter, options), ErrorCode::kInvalidArgument);
  options.split_long_words = true;
  auto chunks = chunk_document(doc, counter, options);
  for (const Chunk& c : chunks) CHECK(c.tokens <= 3);
  options.max_tokens = 0;
  CHECK_OSPREY_ERROR(chunk_document(doc, counter, options), ErrorCode::kInvalidArgument);
  options.max_tokens = 10;
  options.overlap = 10;
  CHECK_OSPREY_ERROR(chunk_document(doc, counter, options), ErrorCode::kInvalidArgument);
}
