// Embind surface of ingestion (src/ingest): documents in, passages, document results and prompt
// context out. The JS side (web/src/ingest.js) embeds the passages a plan lists between
// IngestPlan creation and apply().
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "collection_handle.h"
#include "errors.h"
#include "ingest/context_builder.h"
#include "ingest/document_search.h"
#include "ingest/ingestor.h"
#include "query/highlight.h"
#include "search_options.h"

namespace osprey::bindings {
namespace {

using emscripten::val;

// A tokenizer given from JS: {count(text) -> number, specialTokens, maxLength, name}.
class JsTokenCounter final : public TokenCounter {
 public:
  explicit JsTokenCounter(const val& spec) : count_(spec["count"]) {
    if (count_.typeOf().as<std::string>() != "function")
      type_error("tokenizer.count", "a function");
    special_ = size_t(get_number(spec, "specialTokens", "tokenizer", 0));
    max_length_ = size_t(get_number(spec, "maxLength", "tokenizer", 0));
    name_ = "js:" + get_string(spec, "name", "tokenizer", false);
  }
  size_t count(std::string_view text) const override {
    val n = count_(std::string(text));
    if (!n.isNumber()) type_error("the tokenizer's count(text)", "a number");
    const double d = n.as<double>();
    if (!(d >= 0) || !std::isfinite(d)) type_error("the tokenizer's count(text)", "a number >= 0");
    return size_t(d);
  }
  size_t special_tokens() const override { return special_; }
  size_t max_length() const override { return max_length_; }
  std::string name() const override { return name_; }

 private:
  val count_;
  size_t special_ = 0, max_length_ = 0;
  std::string name_;
};

std::unique_ptr<TokenCounter> parse_tokenizer(const val& options) {
  val spec = options["tokenizer"];
  if (spec.isUndefined() || spec.isNull()) return nullptr;
  if (!is_object(spec))
    type_error("options.tokenizer", "an object {count, specialTokens, maxLength}");
  return std::make_unique<JsTokenCounter>(spec);
}

ChunkOptions parse_chunk(const val& options) {
  ChunkOptions chunk;
  val c = options["chunk"];
  if (c.isUndefined() || c.isNull()) return chunk;
  if (!is_object(c)) type_error("options.chunk", "an object {maxTokens, overlap}");
  chunk.max_tokens = get_whole(c, "maxTokens", "options.chunk", double(chunk.max_tokens), 1e6);
  chunk.overlap = get_whole(c, "overlap", "options.chunk", 0, 1e6);
  chunk.split_long_words = get_bool(c, "splitLongWords", "options.chunk", false);
  chunk.validate();
  return chunk;
}

std::vector<std::string> string_list(const val& o, const char* key, const std::string& where,
                                     std::vector<std::string> fallback) {
  val v = o[key];
  if (v.isUndefined() || v.isNull()) return fallback;
  if (v.isString()) return {checked_string(v, where + "." + key)};
  if (!val::global("Array").call<bool>("isArray", v))
    type_error(where + "." + key, "a string or an array of strings");
  std::vector<std::string> out;
  const size_t n = v["length"].as<size_t>();
  for (size_t i = 0; i < n; ++i) {
    if (!v[i].isString()) type_error(where + "." + key, "a string or an array of strings");
    out.push_back(checked_string(v[i], where + "." + key));
  }
  return out;
}

// docs: [{id, title, text, metadataJson, format}] or, with format 'json', [{recordJson}].
std::vector<SourceDocument> parse_sources(const val& docs, const val& options) {
  if (!val::global("Array").call<bool>("isArray", docs)) type_error("documents", "an array");
  const std::string default_format = get_string(options, "format", "options", false);
  JsonFieldMap fields;
  val f = options["fields"];
  if (!f.isUndefined() && !f.isNull()) {
    if (!is_object(f)) type_error("options.fields", "an object {id, title, body, metadata}");
    fields.id = string_list(f, "id", "options.fields", fields.id);
    fields.title = string_list(f, "title", "options.fields", fields.title);
    fields.body = string_list(f, "body", "options.fields", fields.body);
    fields.metadata = string_list(f, "metadata", "options.fields", {});
    const std::string body_format = get_string(f, "bodyFormat", "options.fields", false);
    if (!body_format.empty()) fields.body_format = parse_document_format(body_format);
  }
  const size_t n = docs["length"].as<size_t>();
  std::vector<SourceDocument> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string where = "documents[" + std::to_string(i) + "]";
    val d = docs[i];
    if (!is_object(d)) type_error(where, "an object");
    std::string format = get_string(d, "format", where, false);
    if (format.empty()) format = default_format;
    if (format == "json") {
      out.push_back(source_from_json_record(get_string(d, "recordJson", where, true), fields, i));
      continue;
    }
    SourceDocument s;
    s.format = parse_document_format(format);
    s.id = get_string(d, "id", where, true);
    s.title = get_string(d, "title", where, false);
    s.text = get_string(d, "text", where, false);
    s.metadata_json = get_string(d, "metadataJson", where, false);
    out.push_back(std::move(s));
  }
  return out;
}

val stats_to_js(const IngestStats& s) {
  val out = val::object();
  out.set("documents", s.documents);
  out.set("unchangedDocuments", s.unchanged_documents);
  out.set("emptyDocuments", s.empty_documents);
  out.set("deletedDocuments", s.deleted_documents);
  out.set("passagesAdded", s.passages_added);
  out.set("passagesRemoved", s.passages_removed);
  out.set("passagesKept", s.passages_kept);
  out.set("passagesMoved", s.passages_moved);
  return out;
}

class IngestPlanHandle {
 public:
  explicit IngestPlanHandle(IngestPlan plan) : plan_(std::move(plan)) {}

  val texts() const {
    val out = val::array();
    for (const auto& t : plan_.embed_texts) out.call<void>("push", t);
    return out;
  }
  size_t size() const { return plan_.embed_texts.size(); }
  val stats() const { return stats_to_js(plan_.stats); }

  val apply(val handle, val vectors) {
    return guarded([&] {
      std::vector<std::vector<float>> list;
      if (!vectors.isUndefined() && !vectors.isNull()) {
        if (!val::global("Array").call<bool>("isArray", vectors)) type_error("vectors", "an array");
        const size_t n = vectors["length"].as<size_t>();
        list.reserve(n);
        for (size_t i = 0; i < n; ++i)
          list.push_back(get_vector(vectors[i], "vectors[" + std::to_string(i) + "]"));
      }
      apply_plan(collection_of(handle), plan_, std::move(list));
      return stats_to_js(plan_.stats);
    });
  }

 private:
  IngestPlan plan_;
};

IngestPlanHandle* plan(val handle, val docs, val options) {
  return guarded([&] {
    if (!is_object(options)) type_error("options", "an object");
    Collection& c = collection_of(handle);
    IngestOptions o;
    o.chunk = parse_chunk(options);
    auto counter = parse_tokenizer(options);
    o.counter = counter.get();
    return new IngestPlanHandle(plan_documents(c, parse_sources(docs, options), o));
  });
}

IngestPlanHandle* plan_delete(val handle, val ids) {
  return guarded([&] {
    val holder = val::object();
    holder.set("ids", ids);
    const auto list = string_list(holder, "ids", "document", {});
    return new IngestPlanHandle(plan_deletion(collection_of(handle), list));
  });
}

SearchRequest parse_request(const val& r) {
  return read_search_request(r, "k", 10);
}

val passage_to_js(const Collection& c, const PassageHit& hit, const std::vector<std::string>& terms,
                  bool highlight, size_t snippet_chars) {
  const PassageRecord& p = hit.record();
  const StoredDocument& doc = c.document(hit.slot);
  val out = val::object();
  out.set("id", p.id);
  out.set("score", hit.score);
  out.set("section", p.section);
  out.set("text", doc.body);
  out.set("start", p.utf16_start);
  out.set("end", p.utf16_end);
  out.set("byteStart", p.source_start);
  out.set("byteEnd", p.source_end);
  out.set("tokens", p.tokens);
  out.set("index", hit.owner.ordinal);
  if (hit.sparse_score) out.set("sparseScore", *hit.sparse_score);
  if (hit.dense_score) out.set("denseScore", *hit.dense_score);
  if (hit.sparse_rank) out.set("sparseRank", *hit.sparse_rank);
  if (hit.dense_rank) out.set("denseRank", *hit.dense_rank);
  if (highlight) {
    val spans = val::array();
    for (const Span& s : match_spans(c.analyzer(), doc.body, terms)) {
      val pair = val::array();
      pair.call<void>("push", s.start, s.end);
      spans.call<void>("push", pair);
    }
    out.set("highlights", spans);
    out.set("snippet", passage_snippet_html(c.analyzer(), doc.body, terms, snippet_chars));
  }
  return out;
}

std::vector<std::string> query_terms(const Collection& c, const std::string& text) {
  std::vector<std::string> terms;
  for (auto& t : c.analyzer().analyze(text)) terms.push_back(std::move(t.term));
  return terms;
}

val search_documents_js(val handle, val request) {
  return guarded([&] {
    const Collection& c = collection_of(handle);
    DocumentSearchOptions o;
    o.request = parse_request(request);
    o.aggregation = parse_document_aggregation(get_string(request, "aggregate", "options", false));
    o.passages_per_document = get_whole(request, "passagesPerDocument", "options", 3, 1000);
    o.candidates = get_whole(request, "candidates", "options", 0, double(Limits::kTopK));
    const bool highlight = get_bool(request, "highlight", "options", true);
    const size_t snippet_chars = get_whole(request, "snippetChars", "options", 200, 100000);
    const auto terms = query_terms(c, o.request.text);
    val out = val::array();
    for (const DocumentHit& d : search_documents(c, o)) {
      val doc = val::object();
      doc.set("id", d.document_id);
      doc.set("title", d.title);
      doc.set("score", d.score);
      val passages = val::array();
      for (const PassageHit& p : d.passages)
        passages.call<void>("push", passage_to_js(c, p, terms, highlight, snippet_chars));
      doc.set("passages", passages);
      out.call<void>("push", doc);
    }
    return out;
  });
}

val context_js(val handle, val request) {
  return guarded([&] {
    const Collection& c = collection_of(handle);
    ContextOptions o;
    o.request = parse_request(request);
    o.token_budget = get_whole(request, "tokenBudget", "options", 1024, 1e7);
    o.max_per_document = get_whole(request, "maxPerDoc", "options", 0, 1e6);
    o.order = parse_context_order(get_string(request, "order", "options", false));
    o.duplicate_threshold = get_number(request, "dedupe", "options", 0.8);
    o.merge_neighbors = get_bool(request, "mergeNeighbors", "options", true);
    o.candidates = get_whole(request, "candidates", "options", 50, 10000);
    auto counter = parse_tokenizer(request);
    o.counter = counter.get();
    const Context ctx = build_context(c, o);
    val out = val::object();
    val blocks = val::array();
    for (const ContextBlock& b : ctx.blocks) {
      val block = val::object();
      block.set("citation", b.citation);
      block.set("docId", b.document_id);
      block.set("title", b.title);
      block.set("section", b.section);
      block.set("text", b.text);
      block.set("start", b.utf16_start);
      block.set("end", b.utf16_end);
      block.set("byteStart", b.source_start);
      block.set("byteEnd", b.source_end);
      block.set("score", b.score);
      val ids = val::array();
      for (const auto& id : b.passage_ids) ids.call<void>("push", id);
      block.set("passageIds", ids);
      blocks.call<void>("push", block);
    }
    out.set("passages", blocks);
    out.set("prompt", ctx.prompt);
    out.set("tokens", ctx.tokens);
    out.set("candidates", ctx.candidates);
    out.set("duplicatesRemoved", ctx.duplicates_removed);
    out.set("merged", ctx.merged);
    out.set("leftOut", ctx.left_out);
    return out;
  });
}

val document_js(val handle, val id) {
  return guarded([&] {
    if (!id.isString()) type_error("id", "a string");
    const Collection& c = collection_of(handle);
    const DocumentRecord* record = c.ingested().find(checked_string(id, "id"));
    if (!record) return val::null();
    val out = val::object();
    out.set("title", record->title);
    val passages = val::array();
    for (const auto& p : record->passages) {
      val passage = val::object();
      passage.set("id", p.id);
      passage.set("section", p.section);
      passage.set("start", p.utf16_start);
      passage.set("end", p.utf16_end);
      passage.set("byteStart", p.source_start);
      passage.set("byteEnd", p.source_end);
      passage.set("tokens", p.tokens);
      passages.call<void>("push", passage);
    }
    out.set("passages", passages);
    return out;
  });
}

// The ids of every ingested document, sorted.
val document_ids_js(val handle) {
  return guarded([&] {
    val out = val::array();
    for (const auto& id : collection_of(handle).ingested().document_ids())
      out.call<void>("push", id);
    return out;
  });
}

val counters_js(val handle) {
  return guarded([&] {
    const IngestCounters& k = ingest_counters(collection_of(handle));
    val out = val::object();
    out.set("documents", collection_of(handle).ingested().size());
    out.set("plansApplied", double(k.plans_applied));
    out.set("passagesIndexed", double(k.passages_indexed));
    out.set("passagesEmbedded", double(k.passages_embedded));
    out.set("passagesRemoved", double(k.passages_removed));
    out.set("metadataUpdates", double(k.metadata_updates));
    out.set("documentsChunked", double(k.documents_chunked));
    out.set("documentsSkipped", double(k.documents_skipped));
    return out;
  });
}

// Chunking alone, without a collection or an index: [{text, section, start, end, byteStart,
// byteEnd, tokens}].
val chunk_js(val text, val options) {
  return guarded([&] {
    if (!text.isString()) type_error("text", "a string");
    if (!is_object(options)) type_error("options", "an object");
    const std::string source = checked_string(text, "text");
    if (source.size() > IngestLimits::kDocumentBytes) {
      throw Error(ErrorCode::kLimitExceeded, "the text is larger than 64 MiB: split it");
    }
    if (source.find('\0') != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "the text looks binary (it has a NUL byte)");
    }
    const DocumentFormat format =
        parse_document_format(get_string(options, "format", "options", false));
    const ChunkOptions chunk = parse_chunk(options);
    auto js_counter = parse_tokenizer(options);
    const ApproximateTokenCounter approximate;
    const TokenCounter& counter =
        js_counter ? static_cast<const TokenCounter&>(*js_counter) : approximate;
    const ParsedDocument doc = parse_document(format, source);
    const std::vector<Chunk> chunks = chunk_document(doc, counter, chunk);
    std::vector<uint32_t> offsets;
    for (const Chunk& c : chunks) offsets.push_back(c.source_start);
    for (const Chunk& c : chunks) offsets.push_back(c.source_end);
    std::sort(offsets.begin(), offsets.end());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
    const std::vector<uint32_t> units = utf16_offsets(source, offsets);
    auto utf16 = [&](uint32_t byte) {
      return units[size_t(std::lower_bound(offsets.begin(), offsets.end(), byte) -
                          offsets.begin())];
    };
    const bool with_text = get_bool(options, "includeText", "options", true);
    val out = val::array();
    for (const Chunk& c : chunks) {
      val passage = val::object();
      if (with_text)
        passage.set("text",
                    std::string(doc.text().substr(c.text_start, c.text_end - c.text_start)));
      std::string section;
      for (const auto& h : doc.section_path(c.section))
        section += (section.empty() ? "" : " > ") + h;
      passage.set("section", section);
      passage.set("start", utf16(c.source_start));
      passage.set("end", utf16(c.source_end));
      passage.set("byteStart", c.source_start);
      passage.set("byteEnd", c.source_end);
      passage.set("tokens", c.tokens);
      out.call<void>("push", passage);
    }
    return out;
  });
}

}  // namespace
}  // namespace osprey::bindings

EMSCRIPTEN_BINDINGS(osprey_ingest) {
  using namespace osprey::bindings;
  emscripten::class_<IngestPlanHandle>("IngestPlan")
      .function("texts", &IngestPlanHandle::texts)
      .function("size", &IngestPlanHandle::size)
      .function("stats", &IngestPlanHandle::stats)
      .function("apply", &IngestPlanHandle::apply);
  emscripten::function("ingestPlan", &plan, emscripten::allow_raw_pointers());
  emscripten::function("ingestDeletePlan", &plan_delete, emscripten::allow_raw_pointers());
  emscripten::function("ingestSearchDocuments", &search_documents_js);
  emscripten::function("ingestContext", &context_js);
  emscripten::function("ingestDocument", &document_js);
  emscripten::function("ingestDocumentIds", &document_ids_js);
  emscripten::function("ingestCounters", &counters_js);
  emscripten::function("chunkText", &chunk_js);
}
