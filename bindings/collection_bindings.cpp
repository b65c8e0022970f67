// Embind surface of a Collection: converts JS values to the core's types and back, nothing more.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>

#include "collection/collection.h"
#include "collection/tokenizer_fingerprint.h"
#include "collection_handle.h"
#include "errors.h"
#include "hit_list.h"
#include "query/query_parser.h"
#include "search_options.h"
#include "sparse/sparse_query.h"

namespace osprey::bindings {
namespace {

using emscripten::val;

CollectionOptions parse_options(const val& o) {
  CollectionOptions options;
  if (o.isUndefined() || o.isNull()) return options;
  if (!is_object(o)) type_error("options", "an object");
  double dimension = get_number(o, "dimension", "options", 0);
  if (dimension < 0 || dimension != std::floor(dimension)) {
    type_error("options.dimension", "a whole number >= 0");
  }
  options.dense.dimension = uint32_t(std::min(dimension, 1e9));
  std::string metric = get_string(o, "metric", "options", false);
  if (!metric.empty()) options.dense.metric = parse_metric(metric);
  std::string index = get_string(o, "index", "options", false);
  if (!index.empty()) options.dense.kind = parse_index_kind(index);
  std::string quantization = get_string(o, "quantization", "options", false);
  if (!quantization.empty()) options.dense.quantization = parse_quantization(quantization);
  options.dense.keep_float = get_bool(o, "keepFloat", "options", false);
  val hnsw = o["hnsw"];
  if (!hnsw.isUndefined()) {
    options.dense.hnsw.m = uint32_t(get_number(hnsw, "M", "options.hnsw", options.dense.hnsw.m));
    options.dense.hnsw.ef_construction = uint32_t(
        get_number(hnsw, "efConstruction", "options.hnsw", options.dense.hnsw.ef_construction));
    options.dense.hnsw.ef_search =
        uint32_t(get_number(hnsw, "efSearch", "options.hnsw", options.dense.hnsw.ef_search));
    const double capacity = get_number(hnsw, "capacity", "options.hnsw", 0);
    if (capacity < 0 || capacity != std::floor(capacity)) {
      type_error("options.hnsw.capacity", "a whole number >= 0 (the expected number of vectors)");
    }
    options.dense.hnsw.capacity = uint32_t(std::min(capacity, 4e9));
  }
  val bm25 = o["bm25"];
  if (!bm25.isUndefined()) {
    options.bm25.k1 = float(get_number(bm25, "k1", "options.bm25", options.bm25.k1));
    options.bm25.b = float(get_number(bm25, "b", "options.bm25", options.bm25.b));
    options.bm25.field_weights[kTitle] =
        float(get_number(bm25, "titleWeight", "options.bm25", options.bm25.field_weights[kTitle]));
    options.bm25.field_weights[kBody] =
        float(get_number(bm25, "bodyWeight", "options.bm25", options.bm25.field_weights[kBody]));
  }
  val analyzer = o["analyzer"];
  if (!analyzer.isUndefined()) {
    if (!is_object(analyzer)) {
      type_error("options.analyzer", "an object {language, stemmer, stopwords, cjk}");
    }
    AnalyzerConfig& a = options.analyzer;
    const std::string language = get_string(analyzer, "language", "options.analyzer", false);
    if (!language.empty()) a.language = parse_language(language);
    a.stemmer = get_bool(analyzer, "stemmer", "options.analyzer", a.stemmer);
    a.stopwords = get_bool(analyzer, "stopwords", "options.analyzer", a.stopwords);
    a.lowercase = get_bool(analyzer, "lowercase", "options.analyzer", a.lowercase);
    const std::string cjk = get_string(analyzer, "cjk", "options.analyzer", false);
    if (!cjk.empty()) a.cjk = parse_cjk_mode(cjk);
  }
  options.validate();
  return options;
}

// A batch packed by web/src/documents.js: {bytes: Uint8Array, lengths: Uint32Array, vectors?}.
// Per document, `lengths` holds the UTF-8 byte lengths of id, title, body and metadata JSON, which
// follow each other in `bytes`; the JS side has checked their types and Unicode already.
std::vector<DocumentInput> unpack_documents(const val& batch) {
  if (!is_object(batch)) type_error("documents", "a packed document batch");
  constexpr size_t kFields = 4;
  const std::vector<uint8_t> bytes = get_bytes(batch["bytes"], "documents.bytes");
  val lengths_value = batch["lengths"];
  if (!lengths_value.instanceof (val::global("Uint32Array")))
    type_error("documents.lengths", "a Uint32Array");
  const auto lengths = emscripten::convertJSArrayToNumberVector<uint32_t>(lengths_value);
  if (lengths.size() % kFields != 0) type_error("documents.lengths", "4 lengths per document");
  const size_t n = lengths.size() / kFields;
  val vectors = batch["vectors"];
  const bool has_vectors = !vectors.isUndefined() && !vectors.isNull();
  if (has_vectors && (!val::global("Array").call<bool>("isArray", vectors) ||
                      vectors["length"].as<size_t>() != n)) {
    type_error("documents.vectors", "an array with one entry per document");
  }
  std::vector<DocumentInput> out(n);
  size_t at = 0;
  auto next = [&](size_t index) {  // the text of lengths[index]
    const size_t size = lengths[index];
    if (size > bytes.size() - at) type_error("documents.lengths", "lengths that fit the bytes");
    std::string text(reinterpret_cast<const char*>(bytes.data() + at), size);
    at += size;
    return text;
  };
  for (size_t i = 0; i < n; ++i) {
    DocumentInput& input = out[i];
    input.id = next(i * kFields);
    input.title = next(i * kFields + 1);
    input.body = next(i * kFields + 2);
    input.metadata_json = next(i * kFields + 3);
    if (!has_vectors) continue;
    val vector = vectors[i];
    if (!vector.isUndefined() && !vector.isNull())
      input.vector = get_vector(vector, "documents[" + std::to_string(i) + "].vector");
  }
  if (at != bytes.size()) type_error("documents.lengths", "lengths that add up to the bytes");
  return out;
}

// A Uint8Array, or the pages of one (an array of Uint8Arrays), copied once into WASM memory.
std::vector<uint8_t> get_pages(const val& value, const std::string& what) {
  if (!val::global("Array").call<bool>("isArray", value)) return get_bytes(value, what);
  const size_t count = value["length"].as<size_t>();
  const val uint8_array = val::global("Uint8Array");
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!value[i].instanceof (uint8_array)) {
      type_error(what + "[" + std::to_string(i) + "]", "a Uint8Array");
    }
    total += value[i]["length"].as<size_t>();
  }
  std::vector<uint8_t> out(total);
  size_t at = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t size = value[i]["length"].as<size_t>();
    // A view made after the allocation above: nothing grows memory while it is used.
    val(emscripten::typed_memory_view(size, out.data() + at)).call<void>("set", value[i]);
    at += size;
  }
  return out;
}

class CollectionHandle {
 public:
  explicit CollectionHandle(Collection c) : c_(std::move(c)) {}

  static CollectionHandle* create(val options) {
    return guarded([&] { return new CollectionHandle(Collection(parse_options(options))); });
  }
  // `bytes`: a Uint8Array, or its pages in order (an array of Uint8Arrays: copied into one
  // buffer, with no joined copy in JS). options.verified: the storage layer has just checked
  // every page's checksum (see Collection::deserialize).
  static CollectionHandle* load(val bytes, val options) {
    return guarded([&] {
      bool verified = false;
      if (!options.isUndefined() && !options.isNull()) {
        if (!is_object(options)) type_error("load options", "an object");
        verified = get_bool(options, "verified", "load options", false);
      }
      // The collection keeps this buffer (it decodes parts of it on first use).
      return new CollectionHandle(
          Collection::deserialize(get_pages(bytes, "collection bytes"), verified));
    });
  }

  void add(val docs) {
    guarded([&] { c_.add(unpack_documents(docs)); });
  }
  void upsert(val docs) {
    guarded([&] { c_.upsert(unpack_documents(docs)); });
  }
  void remove(val ids) {
    guarded([&] {
      if (!val::global("Array").call<bool>("isArray", ids))
        type_error("ids", "an array of strings");
      std::vector<std::string> list;
      const size_t n = ids["length"].as<size_t>();
      for (size_t i = 0; i < n; ++i) {
        if (!ids[i].isString()) type_error("ids[" + std::to_string(i) + "]", "a string");
        list.push_back(checked_string(ids[i], "ids[" + std::to_string(i) + "]"));
      }
      c_.remove(list);
    });
  }

  val search(val request) {
    return guarded([&] {
      if (!is_object(request)) {
        type_error("search request", "an object");
      }
      SearchRequest r = read_search_request(request, "k", 10);
      const bool highlight = get_bool(request, "highlight", "options", false);
      // snippet: true, or {maxChars}: the best passage of each hit with the query's terms marked.
      val snippet = request["snippet"];
      HitOptions hit_options;
      bool want_snippet = false;
      if (snippet.isTrue()) {
        want_snippet = true;
      } else if (!snippet.isUndefined() && !snippet.isNull() && !snippet.isFalse()) {
        if (!is_object(snippet)) type_error("options.snippet", "a boolean or {maxChars}");
        want_snippet = true;
        double chars = get_number(snippet, "maxChars", "options.snippet", 200);
        if (!(chars >= 1 && chars <= 100000))
          type_error("options.snippet.maxChars", "a number in [1, 100000]");
        hit_options.snippet_chars = size_t(chars);
      }
      // documents: false leaves title, body and metadata out (ids and scores only: cheaper).
      hit_options.documents = get_bool(request, "documents", "options", true);

      auto hits = c_.search(r);
      std::vector<std::string> terms;
      if (highlight || want_snippet) terms = matched_terms(c_.analyzer(), parse_query(r.text));
      if (highlight) hit_options.terms = &terms;
      if (want_snippet) hit_options.snippet_terms = &terms;
      return hits_to_js(c_, hits, hit_options);
    });
  }

  val get(val id) {
    return guarded([&] {
      if (!id.isString()) type_error("id", "a string");
      const StoredDocument* doc = c_.find(checked_string(id, "id"));
      if (!doc) return val::null();
      val out = val::object();
      out.set("id", doc->id);
      out.set("title", doc->title);
      out.set("body", doc->body);
      out.set("metadataJson", doc->metadata.dump());
      return out;
    });
  }

  // A copy in a fresh Uint8Array: a view into WASM memory would die when memory grows.
  val serialize() {
    return guarded([&] {
      auto bytes = c_.serialize();
      return val::global("Uint8Array")
          .new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
    });
  }

  // Change journaling, for incremental saves (see src/collection/change_journal.h).
  void set_journaling(bool enabled) {
    guarded([&] { c_.set_journaling(enabled); });
  }
  bool journal_incomplete() {
    return guarded([&] { return c_.journal_incomplete(); });
  }
  size_t journal_operations() {
    return guarded([&] { return c_.journal_operations(); });
  }
  val take_journal() {
    return guarded([&] {
      auto bytes = c_.take_journal();
      return val::global("Uint8Array")
          .new_(emscripten::typed_memory_view(bytes.size(), bytes.data()));
    });
  }
  void snapshot_saved() {
    guarded([&] { c_.snapshot_saved(); });
  }
  void apply_journal(val record) {
    guarded([&] {
      auto bytes = get_bytes(record, "change record");
      c_.apply_journal(bytes.data(), bytes.size());
    });
  }

  val info() {
    return guarded([&] {
      const auto& o = c_.options();
      val out = val::object();
      out.set("size", c_.size());
      out.set("dimension", o.dense.dimension);
      out.set("metric", std::string(metric_name(o.dense.metric)));
      out.set("index", std::string(o.dense.kind == IndexKind::kHnsw ? "hnsw" : "flat"));
      out.set("vectors", c_.vector_count());
      out.set("quantization",
              std::string(o.dense.quantization == Quantization::kInt8 ? "int8" : "none"));
      out.set("keepFloat", o.dense.keep_float);
      out.set("formatVersion", Collection::kFormatVersion);
      val analyzer = val::object();
      analyzer.set("language", std::string(language_name(o.analyzer.language)));
      analyzer.set("stemmer", o.analyzer.stemmer);
      analyzer.set("stopwords", o.analyzer.stopwords);
      analyzer.set("lowercase", o.analyzer.lowercase);
      analyzer.set("cjk", std::string(cjk_mode_name(o.analyzer.cjk)));
      out.set("analyzer", analyzer);
      return out;
    });
  }

  Collection& core() { return c_; }

 private:
  Collection c_;
};

}  // namespace

// The fingerprint of tokenizer files (tokenizer.json text, tokenizer_config.json text or null)
// that a collection built with a model's embeddings records.
std::string tokenizer_fingerprint_of(const val& json, const val& config) {
  return guarded([&] {
    if (!json.isString()) type_error("tokenizer.json", "a string");
    std::string config_text;
    if (!config.isUndefined() && !config.isNull()) {
      if (!config.isString()) type_error("tokenizer_config.json", "a string or null");
      config_text = checked_string(config, "tokenizer_config.json");
    }
    return tokenizer_fingerprint(checked_string(json, "tokenizer.json"), config_text);
  });
}

Collection& collection_of(const emscripten::val& handle) {
  if (handle.isUndefined() || handle.isNull()) type_error("collection", "an open collection");
  return handle.as<CollectionHandle*>(emscripten::allow_raw_pointers())->core();
}

}  // namespace osprey::bindings

EMSCRIPTEN_BINDINGS(osprey_collection) {
  using osprey::bindings::CollectionHandle;
  emscripten::class_<CollectionHandle>("Collection")
      .class_function("create", &CollectionHandle::create, emscripten::allow_raw_pointers())
      .class_function("load", &CollectionHandle::load, emscripten::allow_raw_pointers())
      .function("add", &CollectionHandle::add)
      .function("upsert", &CollectionHandle::upsert)
      .function("remove", &CollectionHandle::remove)
      .function("search", &CollectionHandle::search)
      .function("get", &CollectionHandle::get)
      .function("serialize", &CollectionHandle::serialize)
      .function("info", &CollectionHandle::info)
      .function("setJournaling", &CollectionHandle::set_journaling)
      .function("journalIncomplete", &CollectionHandle::journal_incomplete)
      .function("journalOperations", &CollectionHandle::journal_operations)
      .function("takeJournal", &CollectionHandle::take_journal)
      .function("snapshotSaved", &CollectionHandle::snapshot_saved)
      .function("applyJournal", &CollectionHandle::apply_journal);
  emscripten::function("tokenizerFingerprint", &osprey::bindings::tokenizer_fingerprint_of);
}
