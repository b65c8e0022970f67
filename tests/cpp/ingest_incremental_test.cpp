// Ingestion into a collection: unchanged documents cost nothing, a changed paragraph re-embeds
// only its passages, deletion takes the passages along, bad input changes nothing, the passage
// map survives serialization; document-level search and context assembly cite correctly.
#include <cmath>
#include <cstring>

#include "ingest/context_builder.h"
#include "ingest/document_search.h"
#include "ingest/ingestor.h"
#include "rerank/rerank_state.h"
#include "test_util.h"

using namespace osprey;

namespace {

// A deterministic toy embedder that counts its work: 8-d vectors from byte statistics.
struct CountingEmbedder {
  size_t calls = 0, texts = 0;
  std::vector<std::vector<float>> operator()(const std::vector<std::string>& batch) {
    ++calls;
    texts += batch.size();
    std::vector<std::vector<float>> out;
    for (const auto& t : batch) {
      std::vector<float> v(8, 0.5f);
      for (size_t i = 0; i < t.size(); ++i) v[i % 8] += float(uint8_t(t[i])) / 255.0f;
      out.push_back(v);
    }
    return out;
  }
};

std::string paragraphs(const std::string& topic, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "Paragraph " + std::to_string(i) + " is about " + topic + ". It has a second sentence " +
           "on " + topic + " number " + std::to_string(i) + ". And a third one closes it.\n\n";
  }
  return out;
}

SourceDocument source(std::string id, std::string text,
                      DocumentFormat format = DocumentFormat::kText, std::string metadata = "") {
  SourceDocument d;
  d.id = std::move(id);
  d.title = "Title of " + d.id;
  d.text = std::move(text);
  d.format = format;
  d.metadata_json = std::move(metadata);
  return d;
}

IngestOptions options(size_t max_tokens = 40, size_t overlap = 0) {
  IngestOptions o;
  o.chunk.max_tokens = max_tokens;
  o.chunk.overlap = overlap;
  return o;
}

Collection dense_collection() {
  CollectionOptions o;
  o.dense.dimension = 8;
  o.dense.kind = IndexKind::kFlat;
  return Collection(o);
}

}  // namespace

TEST_CASE(
    "ingest: unchanged documents cost nothing; a changed paragraph re-embeds only its passages") {
  Collection c = dense_collection();
  CountingEmbedder embedder;
  auto embed = [&](const std::vector<std::string>& t) { return embedder(t); };
  const std::string a = paragraphs("wings", 10), b = paragraphs("engines", 10);
  IngestStats first = ingest_documents(c, {source("a", a), source("b", b)}, options(), embed);
  CHECK(first.passages_added == c.size());
  CHECK(embedder.texts == c.size());
  const size_t passages = c.size();
  REQUIRE(passages >= 20);
  const IngestCounters before = ingest_counters(c);

  // The same documents again: nothing parsed, embedded, indexed or removed.
  const size_t calls = embedder.calls, texts = embedder.texts;
  IngestStats again = ingest_documents(c, {source("a", a), source("b", b)}, options(), embed);
  CHECK(again.unchanged_documents == 2);
  CHECK(again.passages_added == 0);
  CHECK(embedder.calls == calls);
  CHECK(embedder.texts == texts);
  CHECK(ingest_counters(c).passages_indexed == before.passages_indexed);
  CHECK(ingest_counters(c).documents_chunked == before.documents_chunked);
  CHECK(c.size() == passages);

  // Change one paragraph of "a": only the passages holding it are embedded again.
  std::string a2 = a;
  const std::string old_sentence = "Paragraph 4 is about wings.";
  a2.replace(a2.find(old_sentence), old_sentence.size(), "Paragraph 4 is about flaps now.");
  IngestStats changed = ingest_documents(c, {source("a", a2), source("b", b)}, options(), embed);
  CHECK(changed.unchanged_documents == 1);
  CHECK(changed.passages_added >= 1);
  CHECK(changed.passages_added <= 2);
  CHECK(changed.passages_removed == changed.passages_added);
  CHECK(embedder.texts - texts == changed.passages_added);
  CHECK(c.size() == passages);
  // The text is searchable under its new content, and the old content is gone.
  SearchRequest r;
  r.text = "flaps";
  r.k = 5;
  auto hits = search_passages(c, r);
  REQUIRE(hits.size() == 1);
  CHECK(*hits[0].owner.document_id == "a");
  const PassageRecord& rec = hits[0].record();
  CHECK(a2.substr(rec.source_start, rec.source_end - rec.source_start).find("flaps") !=
        std::string::npos);

  // Inserting a paragraph at the top moves every later passage: offsets change, embeddings don't.
  const size_t texts_before_insert = embedder.texts;
  std::string a3 = "A new opening paragraph about nothing in particular.\n\n" + a2;
  IngestStats moved = ingest_documents(c, {source("a", a3)}, options(), embed);
  CHECK(moved.passages_added == 1);
  CHECK(moved.passages_moved >= 9);
  CHECK(embedder.texts - texts_before_insert == 1);
  for (const auto& p : c.ingested().find("a")->passages) {
    const StoredDocument* stored = c.find(p.id);
    REQUIRE(stored);
    CHECK(stored->metadata["byteStart"] == p.source_start);
    CHECK(a3.substr(p.source_start, p.source_end - p.source_start) == stored->body);
  }

  // Deleting a document deletes its passages.
  const size_t b_passages = c.ingested().find("b")->passages.size();
  delete_documents(c, {"b"});
  CHECK(c.size() == c.ingested().find("a")->passages.size());
  CHECK(c.ingested().find("b") == nullptr);
  CHECK(b_passages > 0);
  CHECK_OSPREY_ERROR(delete_documents(c, {"b"}), ErrorCode::kUnknownId);
}

TEST_CASE("ingest: bad input is refused and leaves the collection unchanged") {
  Collection c(CollectionOptions{});
  ingest_documents(c, {source("ok", paragraphs("rivers", 3))}, options());
  const auto bytes = c.serialize();
  auto unchanged = [&] { CHECK(c.serialize() == bytes); };

  // A good document next to a bad one: nothing from the batch is indexed.
  CHECK_OSPREY_ERROR(ingest_documents(c,
                                      {source("new", "fine text"), source("bad",
                                                                          "a\xff"
                                                                          "b")},
                                      options()),
                     ErrorCode::kInvalidUtf8);
  unchanged();
  CHECK_OSPREY_ERROR(
      ingest_documents(c, {source("new", "fine"), source("bin", std::string("ab\0cd", 5))},
                       options()),
      ErrorCode::kInvalidArgument);
  unchanged();
  CHECK_OSPREY_ERROR(ingest_documents(c, {source("", "text")}, options()),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(ingest_documents(c, {source("x", "t"), source("x", "u")}, options()),
                     ErrorCode::kDuplicateId);
  CHECK_OSPREY_ERROR(
      ingest_documents(c, {source("m", "t", DocumentFormat::kText, "[1]")}, options()),
      ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(
      ingest_documents(c, {source("m", "t", DocumentFormat::kText, R"({"docId":1})")}, options()),
      ErrorCode::kInvalidArgument);
  // A word longer than the passage size (defined: an error unless splitLongWords).
  CHECK_OSPREY_ERROR(
      ingest_documents(c, {source("w", "supercalifragilistic-expialidocious-x-y-z")}, options(3)),
      ErrorCode::kInvalidArgument);
  // A 100 MB document: LIMIT_EXCEEDED before any parsing.
  CHECK_OSPREY_ERROR(ingest_documents(c, {source("huge", std::string(100u << 20, 'a'))}, options()),
                     ErrorCode::kLimitExceeded);
  unchanged();
  // A dense collection needs vectors for its passages.
  Collection d = dense_collection();
  CHECK_OSPREY_ERROR(ingest_documents(d, {source("a", "some text")}, options()),
                     ErrorCode::kInvalidArgument);
  CHECK(d.size() == 0);
  CHECK(d.ingested().empty());

  // Empty documents are recorded with no passages (so that they can be deleted or filled later).
  IngestStats empty =
      ingest_documents(c, {source("empty", ""), source("blank", " \n\n\t ")}, options());
  CHECK(empty.empty_documents == 2);
  CHECK(c.ingested().find("empty") != nullptr);
  CHECK(c.ingested().find("empty")->passages.empty());
  delete_documents(c, {"empty", "blank"});
  CHECK(c.serialize() == bytes);
}

TEST_CASE("ingest: the passage map is saved with the collection") {
  Collection c(CollectionOptions{});
  ingest_documents(
      c,
      {source("md", "# Top\n\nSome text here.\n\n## Sub\n\nMore text.", DocumentFormat::kMarkdown)},
      options());
  c.add({DocumentInput{"plain", "", "a plain document", "", std::nullopt}});
  auto bytes = c.serialize();
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  REQUIRE(loaded.ingested().find("md") != nullptr);
  CHECK(loaded.ingested().find("md")->passages.size() == 2);
  CHECK(loaded.ingested().find("md")->passages[1].section == "Top > Sub");
  CHECK(loaded.serialize() == bytes);
  // Re-adding the same document to the loaded collection costs nothing.
  IngestStats again = ingest_documents(
      loaded,
      {source("md", "# Top\n\nSome text here.\n\n## Sub\n\nMore text.", DocumentFormat::kMarkdown)},
      options());
  CHECK(again.unchanged_documents == 1);
  // Truncating inside the section is detected.
  auto cut = bytes;
  cut.resize(cut.size() - 3);
  CHECK_THROWS(Collection::deserialize(cut.data(), cut.size()));
}

TEST_CASE("ingest: document-level search aggregates passages and highlights") {
  Collection c(CollectionOptions{});
  ingest_documents(c,
                   {source("lift", paragraphs("lift", 6)), source("drag", paragraphs("drag", 6)),
                    source("both", "Lift and drag together.\n\nOnly drag here.")},
                   options(30));
  c.add({DocumentInput{"loose", "", "lift lift lift", "", std::nullopt}});
  DocumentSearchOptions o;
  o.request.text = "lift";
  o.request.k = 10;
  auto docs = search_documents(c, o);
  REQUIRE(docs.size() == 2);  // "loose" was not ingested: not a document result
  CHECK(docs[0].passages.size() <= 3);
  for (const auto& d : docs) {
    CHECK((d.document_id == "lift" || d.document_id == "both"));
    for (size_t i = 1; i < d.passages.size(); ++i)
      CHECK(d.passages[i - 1].score >= d.passages[i].score);
    CHECK(d.score == doctest::Approx(d.passages[0].score));
  }
  // Each passage carries its first-stage breakdown: BM25 alone in a collection without vectors.
  const PassageHit& best = docs[0].passages[0];
  REQUIRE(best.sparse_rank.has_value());
  CHECK(*best.sparse_rank == 1);
  CHECK(best.sparse_score.value_or(0) == doctest::Approx(best.score));
  CHECK_FALSE(best.dense_rank.has_value());
  o.aggregation = DocumentAggregation::kSum;
  auto summed = search_documents(c, o);
  CHECK(summed[0].document_id == "lift");
  CHECK(summed[0].score > docs[0].passages[0].score);
  std::vector<std::string> terms{"lift"};
  CHECK(passage_snippet_html(c.analyzer(), "Lift <b> & drag", terms) ==
        "<mark>Lift</mark> &lt;b&gt; &amp; drag");
  // The window ends after a whole word, and a match that straddles its end stays whole.
  const std::string tail = "A lift and the lifting of heavy loads lifts spirits at dawn";
  for (size_t max_chars = 3; max_chars < tail.size(); ++max_chars) {
    CAPTURE(max_chars);
    std::string plain = passage_snippet_html(c.analyzer(), tail, terms, max_chars);
    for (const char* tag : {"<mark>", "</mark>", "\xE2\x80\xA6"}) {
      for (size_t at; (at = plain.find(tag)) != std::string::npos;) plain.erase(at, strlen(tag));
    }
    const size_t at = tail.find(plain);
    REQUIRE(at != std::string::npos);
    CHECK((at + plain.size() == tail.size() || tail[at + plain.size()] == ' '));
  }
}

TEST_CASE("ingest: context fits the budget, drops near-duplicates, merges neighbours, cites") {
  Collection c(CollectionOptions{});
  const std::string guide = paragraphs("turbines", 8);
  const std::string copy = "Mirror. " + paragraphs("turbines", 1);
  const std::string other = paragraphs("pumps", 4);
  ingest_documents(c, {source("guide", guide), source("mirror", copy), source("other", other)},
                   options(30, 10));
  ApproximateTokenCounter counter;
  for (size_t budget : {20, 60, 150, 400}) {
    for (auto order : {ContextOrder::kRelevance, ContextOrder::kDocument, ContextOrder::kEdges}) {
      ContextOptions o;
      o.request.text = "turbines paragraph";
      o.token_budget = budget;
      o.order = order;
      Context ctx = build_context(c, o);
      CHECK(ctx.tokens <= budget);
      CHECK(counter.count(ctx.prompt) == ctx.tokens);
      for (const ContextBlock& b : ctx.blocks) {
        const std::string& src = b.document_id == "guide"    ? guide
                                 : b.document_id == "mirror" ? copy
                                                             : other;
        REQUIRE_FALSE(src.empty());
        // The citation's offsets cover exactly the block's text (merged blocks included).
        CHECK(src.substr(b.source_start, b.source_end - b.source_start) == b.text);
        CHECK(ctx.prompt.find("[" + std::to_string(b.citation) + "] " + b.document_id) !=
              std::string::npos);
      }
      if (budget == 400) {
        CHECK(ctx.blocks.size() >= 2);
        CHECK(ctx.duplicates_removed >= 1);  // the mirror's copy of paragraph 0
        CHECK(ctx.merged >= 1);
      }
    }
  }
  ContextOptions small;
  small.request.text = "turbines";
  small.token_budget = 3;  // smaller than any block: an empty context, still within budget
  Context none = build_context(c, small);
  CHECK(none.blocks.empty());
  CHECK(none.prompt.empty());
  small.token_budget = 0;
  CHECK_OSPREY_ERROR(build_context(c, small), ErrorCode::kInvalidArgument);
}

TEST_CASE("ingest: JSON records map fields to title, body and metadata") {
  JsonFieldMap fields;
  SourceDocument d = source_from_json_record(
      R"({"_id": 7, "title": "T", "text": "Body.", "lang": "en", "n": 3})", fields, 0);
  CHECK(d.id == "7");
  CHECK(d.title == "T");
  CHECK(d.text == "Body.");
  CHECK(nlohmann::json::parse(d.metadata_json) == nlohmann::json{{"lang", "en"}, {"n", 3}});
  CHECK_OSPREY_ERROR(source_from_json_record(R"({"text": "x"})", fields, 0),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(source_from_json_record("[1,2]", fields, 0), ErrorCode::kInvalidJson);
  fields.body = {"abstract", "text"};
  fields.metadata = {"lang"};
  d = source_from_json_record(
      R"({"id": "x", "abstract": "A.", "text": "B.", "lang": "de", "other": 1})", fields, 0);
  CHECK(d.text == "A.\n\nB.");
  CHECK(d.metadata_json == R"({"lang":"de"})");
}

TEST_CASE("ingest: the passage map and the rerank state load back together") {
  Collection c(CollectionOptions{});
  ingest_documents(c, {source("a", paragraphs("gliders", 3))}, options());
  c.rerank_state().feedback.record("gliders", "a#x", 1.0f);
  auto bytes = c.serialize();
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  CHECK(loaded.ingested().find("a") != nullptr);
  CHECK(loaded.rerank_state().feedback.size() == 1);
  CHECK(loaded.serialize() == bytes);
}

TEST_CASE("ingest: changes reach the change journal, and the next save is a full snapshot") {
  Collection c(CollectionOptions{});
  c.set_journaling(true);
  ingest_documents(c, {source("a", paragraphs("kites", 3))}, options());
  c.snapshot_saved();
  CHECK_FALSE(c.journal_incomplete());
  CHECK(c.journal_operations() == 0);
  delete_documents(c, {"a"});  // deletions only: still journaled
  CHECK(c.journal_operations() == 1);
  CHECK(c.journal_incomplete());
}
