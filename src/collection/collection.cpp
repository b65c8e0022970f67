#include "collection/collection.h"

#include <unordered_set>

#include "collection/change_journal.h"
#include "core/error.h"
#include "fusion/rank_fusion.h"
#include "query/filter.h"
#include "query/query_parser.h"
#include "rerank/rerank_state.h"
#include "sparse/sparse_query.h"
#include "store/metadata.h"
#include "text/utf8.h"

namespace osprey {

using nlohmann::json;

struct Collection::Prepared {
  StoredDocument doc;
  std::optional<std::vector<float>> vector;
  std::array<std::vector<Token>, kFieldCount> fields;
  std::optional<uint32_t> replaces;                             // upsert of an existing id
  std::array<std::vector<Token>, kFieldCount> replaced_fields;  // the replaced document's
};

void CollectionOptions::validate() const {
  bm25.validate();
  dense.validate();
}

SearchMode parse_search_mode(const std::string& name) {
  if (name == "auto" || name.empty()) return SearchMode::kAuto;
  if (name == "sparse") return SearchMode::kSparse;
  if (name == "dense") return SearchMode::kDense;
  if (name == "hybrid") return SearchMode::kHybrid;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown search mode '" + name + "': use 'sparse', 'dense' or 'hybrid'");
}

Collection::Collection(CollectionOptions options)
    : options_(options),
      analyzer_(options.analyzer),
      sparse_(options.bm25),
      rerank_(std::make_unique<RerankState>()) {
  options_.validate();
  if (options_.dense.dimension > 0) dense_ = make_vector_index(options_.dense);
}

Collection::~Collection() = default;
Collection::Collection(Collection&&) noexcept = default;
Collection& Collection::operator=(Collection&&) noexcept = default;

Collection::Fields Collection::analyze_fields(const StoredDocument& doc) const {
  return {analyzer_.analyze(doc.title), analyzer_.analyze(doc.body)};
}

std::vector<Collection::Prepared> Collection::prepare(std::vector<DocumentInput>& docs,
                                                      bool allow_existing) const {
  std::vector<Prepared> prepared;
  prepared.reserve(docs.size());
  std::unordered_set<std::string> batch_ids;
  for (size_t i = 0; i < docs.size(); ++i) {
    DocumentInput& in = docs[i];
    const std::string where = "document #" + std::to_string(i);
    if (in.id.empty()) throw Error(ErrorCode::kInvalidArgument, where + " has an empty id");
    if (in.id.size() > Limits::kIdBytes) {
      throw Error(ErrorCode::kLimitExceeded,
                  where + " has an id longer than " + std::to_string(Limits::kIdBytes) + " bytes");
    }
    validate_utf8(in.id, where + " id");
    const std::string what = "document '" + in.id + "'";
    for (auto [field, name] : {std::pair{&in.title, "title"}, std::pair{&in.body, "body"},
                               std::pair{&in.metadata_json, "metadata"}}) {
      if (field->size() > Limits::kFieldBytes) {
        throw Error(ErrorCode::kLimitExceeded,
                    what + " " + name + " is " + std::to_string(field->size()) +
                        " bytes; the limit is " + std::to_string(Limits::kFieldBytes));
      }
      validate_utf8(*field, what + " " + name);
    }
    if (!batch_ids.insert(in.id).second) {
      throw Error(ErrorCode::kDuplicateId, what + " appears twice in the batch");
    }
    Prepared p;
    p.replaces = store_.find(in.id);
    if (p.replaces && !allow_existing) {
      throw Error(ErrorCode::kDuplicateId,
                  what + " already exists (use upsert to replace it, or delete it first)");
    }
    json metadata = parse_metadata(in.metadata_json, what);  // size and depth limits first
    if (has_dense()) {
      if (!in.vector) {
        throw Error(ErrorCode::kInvalidVector, what + " has no vector; this collection has a " +
                                                   std::to_string(options_.dense.dimension) +
                                                   "-dimensional dense index");
      }
      p.vector = prepare_vector(options_.dense.metric, options_.dense.dimension, in.vector->data(),
                                in.vector->size(), what + " vector");
    } else if (in.vector) {
      throw Error(ErrorCode::kInvalidArgument,
                  what +
                      " has a vector, but this collection has no dense index (open it with a "
                      "dimension)");
    }
    p.doc = StoredDocument{std::move(in.id), std::move(in.title), std::move(in.body),
                           std::move(metadata)};
    p.fields = analyze_fields(p.doc);
    prepared.push_back(std::move(p));
  }
  // Decode what the change will touch (a loaded collection decodes on first use), so that a
  // damaged stored part fails the batch here, before anything changes. New documents take free
  // slots first; in new slots their postings are appended to stored lists without decoding
  // those. (A stored dense index is not decoded: its changes wait in pending_dense_.)
  const bool reuses_slots = store_.free_slot_count() > 0;
  for (Prepared& p : prepared) {
    if (p.replaces) p.replaced_fields = fields_for_erase(*p.replaces);
    if (p.replaces || reuses_slots) sparse_.decode_terms(p.fields);
  }
  return prepared;
}

Collection::Fields Collection::fields_for_erase(uint32_t slot) const {
  Fields fields = analyze_fields(store_.at(slot));
  sparse_.decode_terms(fields);
  return fields;
}

VectorIndex* Collection::dense() const {
  if (stored_dense_) {
    const StoredSection& stored = *stored_dense_;
    ByteReader in(stored.bytes->data() + stored.offset, stored.size, "collection", "dense section");
    auto index = load_vector_index(options_.dense, in, store_.slot_count());
    if (!in.done()) in.fail("unexpected bytes after the dense index");
    if (index->size() != stored.count) in.fail("the dense index holds another number of vectors");
    // The changes made since loading, in order (each add or upsert's vectors in one batch): the
    // index is then what it would have been had it been decoded at once.
    std::vector<uint32_t> batch_slots;
    std::vector<const float*> batch_vectors;
    auto flush = [&] {
      if (!batch_slots.empty()) index->add_batch(batch_slots, batch_vectors);
      batch_slots.clear();
      batch_vectors.clear();
    };
    for (const PendingDense& change : pending_dense_) {
      const bool removal = change.vector.empty();
      if (removal || change.starts_batch) flush();
      if (removal ? !index->contains(change.slot) : index->contains(change.slot)) {
        in.fail("vectors and documents disagree");
      }
      if (removal) {
        index->remove(change.slot);
      } else {
        batch_slots.push_back(change.slot);
        batch_vectors.push_back(change.vector.data());
      }
    }
    flush();
    for (uint32_t slot = 0; slot < store_.slot_count(); ++slot) {
      if (store_.live(slot) != index->contains(slot)) in.fail("vectors and documents disagree");
    }
    pending_dense_.clear();
    dense_ = std::move(index);
    // The loaded buffer still holds the encoded index. When that is a large part of it, the
    // documents and posting lists (stored before it) move to a copy of what precedes it, and the
    // buffer is freed with stored_dense_.
    if (stored.size >= stored.offset / 2) {
      auto before = std::make_shared<const std::vector<uint8_t>>(
          stored.bytes->begin(), stored.bytes->begin() + long(stored.offset));
      store_.rebase(before);
      sparse_.rebase(before);
    }
    stored_dense_.reset();
  }
  return dense_.get();
}

size_t Collection::vector_count() const {
  if (stored_dense_) {
    size_t count = stored_dense_->count;
    for (const PendingDense& change : pending_dense_) {
      if (change.vector.empty()) {
        count--;
      } else {
        count++;
      }
    }
    return count;
  }
  return dense_ ? dense_->size() : 0;
}

uint32_t Collection::insert(Prepared& p) {
  const uint32_t slot = store_.insert(std::move(p.doc));
  sparse_.add(slot, p.fields);
  return slot;
}

void Collection::add_vectors(std::vector<Prepared>& prepared, const std::vector<uint32_t>& slots) {
  if (!has_dense() || prepared.empty()) return;
  if (stored_dense_) {
    for (size_t i = 0; i < prepared.size(); ++i) {
      pending_dense_.push_back({slots[i], std::move(*prepared[i].vector), i == 0});
    }
    return;
  }
  std::vector<const float*> vectors;
  vectors.reserve(prepared.size());
  for (const Prepared& p : prepared) vectors.push_back(p.vector->data());
  dense_->add_batch(slots, vectors);
}

void Collection::erase(uint32_t slot, const Fields& fields) {
  sparse_.remove(slot, fields);
  if (stored_dense_) {
    pending_dense_.push_back({slot, {}});
  } else if (dense_) {
    dense_->remove(slot);
  }
  rerank_->tokens.erase(store_.at(slot).id);  // token vectors describe the old content
  store_.erase(slot);
}

void Collection::add(std::vector<DocumentInput> docs) {
  std::optional<std::vector<DocumentInput>> original;
  if (journal_) original = docs;  // prepare() moves the fields out
  auto prepared = prepare(docs, /*allow_existing=*/false);
  std::vector<uint32_t> slots;
  slots.reserve(prepared.size());
  for (auto& p : prepared) slots.push_back(insert(p));
  add_vectors(prepared, slots);
  if (journal_) journal_->record_upsert(*original);
}

void Collection::upsert(std::vector<DocumentInput> docs) {
  std::optional<std::vector<DocumentInput>> original;
  if (journal_) original = docs;
  auto prepared = prepare(docs, /*allow_existing=*/true);
  std::vector<uint32_t> slots;
  slots.reserve(prepared.size());
  // Every replaced vector goes before any new one is added: a slot freed here may be reused by
  // the batch (the removals only touch documents that existed before it).
  for (auto& p : prepared) {
    if (p.replaces) erase(*p.replaces, p.replaced_fields);
    slots.push_back(insert(p));
  }
  add_vectors(prepared, slots);
  if (journal_) journal_->record_upsert(*original);
}

void Collection::remove(const std::vector<std::string>& ids) {
  std::vector<uint32_t> slots;
  std::unordered_set<uint32_t> seen;
  for (const auto& id : ids) {
    auto slot = store_.find(id);
    if (!slot) throw Error(ErrorCode::kUnknownId, "no document with id '" + id + "'");
    if (seen.insert(*slot).second) slots.push_back(*slot);
  }
  std::vector<Fields> fields;
  fields.reserve(slots.size());
  for (uint32_t slot : slots) fields.push_back(fields_for_erase(slot));
  for (size_t i = 0; i < slots.size(); ++i) erase(slots[i], fields[i]);
  if (journal_) journal_->record_remove(ids);
}

const StoredDocument* Collection::find(const std::string& id) const {
  auto slot = store_.find(id);
  return slot ? &store_.at(*slot) : nullptr;
}

std::vector<SearchHit> Collection::search(const SearchRequest& request) const {
  if (request.k > Limits::kTopK) {
    throw Error(ErrorCode::kLimitExceeded, "k must be at most " + std::to_string(Limits::kTopK));
  }
  if (request.text.size() > Limits::kQueryBytes) {
    throw Error(ErrorCode::kLimitExceeded,
                "the query text is longer than " + std::to_string(Limits::kQueryBytes) + " bytes");
  }
  validate_utf8(request.text, "the query text");
  const bool has_text = request.text.find_first_not_of(" \t\r\n\f\v") != std::string::npos;
  const bool has_vector = request.vector.has_value();

  SearchMode mode = request.mode;
  if (mode == SearchMode::kAuto) {
    if (has_text && has_vector)
      mode = SearchMode::kHybrid;
    else if (has_vector)
      mode = SearchMode::kDense;
    else
      mode = SearchMode::kSparse;
  }
  const bool use_sparse = mode == SearchMode::kSparse || mode == SearchMode::kHybrid;
  const bool use_dense = mode == SearchMode::kDense || mode == SearchMode::kHybrid;
  if (use_sparse && !has_text) {
    throw Error(ErrorCode::kEmptyQuery, has_vector || mode == SearchMode::kHybrid
                                            ? "hybrid search needs query text and a vector"
                                            : "the query is empty: give text or a vector");
  }
  if (use_dense && !has_dense()) {
    throw Error(ErrorCode::kInvalidArgument,
                "this collection has no dense index: search it with text (mode 'sparse')");
  }
  if (use_dense && !has_vector) {
    throw Error(ErrorCode::kEmptyQuery, "dense and hybrid search need a query vector");
  }
  std::vector<float> query_vector;
  if (use_dense) {
    query_vector =
        prepare_vector(options_.dense.metric, options_.dense.dimension, request.vector->data(),
                       request.vector->size(), "the query vector");
  }

  // Compile the filter (and check it) before returning early for k = 0.
  Filter filter = Filter::parse(request.filter_json);
  if (request.k == 0 || store_.size() == 0) return {};
  std::optional<Bitset> allowed;
  if (!filter.accepts_all()) {
    allowed.emplace(store_.slot_count());
    for (uint32_t slot = 0; slot < store_.slot_count(); ++slot) {
      if (store_.live(slot) && filter.matches(store_.at(slot).metadata)) allowed->set(slot);
    }
  }
  const Bitset* allowed_ptr = allowed ? &*allowed : nullptr;
  std::optional<Bitset> restricted;
  if (request.restrict_slots) {
    restricted.emplace(store_.slot_count());
    for (uint32_t slot = 0; slot < store_.slot_count(); ++slot) {
      if (request.restrict_slots->test(slot) && (!allowed_ptr || allowed_ptr->test(slot))) {
        restricted->set(slot);
      }
    }
    allowed_ptr = &*restricted;
  }
  const size_t stage_k =
      mode == SearchMode::kHybrid
          ? (request.candidates ? request.candidates : std::max<size_t>(4 * request.k, 100))
          : request.k;

  std::vector<ScoredSlot> sparse_hits, dense_hits;
  if (use_sparse) {
    sparse_hits =
        search_sparse(sparse_, analyzer_, parse_query(request.text), stage_k, allowed_ptr);
  }
  if (use_dense) {
    DenseQuery q{query_vector.data(), stage_k, allowed_ptr, request.ef, request.exact};
    dense_hits = dense()->search(q);
  }

  std::vector<ScoredSlot> ranked;
  if (mode == SearchMode::kHybrid) {
    ranked = request.fusion == HybridFusion::kConvex
                 ? convex_combination({sparse_hits, dense_hits},
                                      {request.sparse_weight, request.dense_weight},
                                      request.normalization, request.k)
                 : reciprocal_rank_fusion({sparse_hits, dense_hits}, request.rrf_k, request.k);
  } else {
    ranked = use_sparse ? sparse_hits : dense_hits;
  }

  std::vector<SearchHit> hits;
  hits.reserve(ranked.size());
  for (const auto& r : ranked) hits.push_back({r.slot, r.score, {}, {}, {}, {}});
  if (mode != SearchMode::kHybrid) {  // one stage: its ranking is the result
    for (uint32_t i = 0; i < hits.size(); ++i) {
      (use_sparse ? hits[i].sparse_score : hits[i].dense_score) = hits[i].score;
      (use_sparse ? hits[i].sparse_rank : hits[i].dense_rank) = i + 1;
    }
    return hits;
  }
  auto annotate = [&](const std::vector<ScoredSlot>& stage, auto score_of, auto rank_of) {
    std::unordered_map<uint32_t, size_t> position;
    for (size_t i = 0; i < stage.size(); ++i) position[stage[i].slot] = i;
    for (auto& h : hits) {
      auto it = position.find(h.slot);
      if (it == position.end()) continue;
      score_of(h) = stage[it->second].score;
      rank_of(h) = uint32_t(it->second + 1);
    }
  };
  if (use_sparse) {
    annotate(
        sparse_hits, [](SearchHit & h) -> auto& { return h.sparse_score; },
        [](SearchHit & h) -> auto& { return h.sparse_rank; });
  }
  if (use_dense) {
    annotate(
        dense_hits, [](SearchHit & h) -> auto& { return h.dense_score; },
        [](SearchHit & h) -> auto& { return h.dense_rank; });
  }
  return hits;
}

Collection::SlotScores Collection::score_slots(const SearchRequest& request,
                                               const std::vector<uint32_t>& sparse_slots,
                                               const std::vector<uint32_t>& dense_slots) const {
  // The same scoring as search(), restricted to the requested slots.
  auto score = [&](const std::vector<uint32_t>& slots, SearchMode mode, float absent) {
    std::vector<float> out(slots.size(), absent);
    if (slots.empty()) return out;
    Bitset only(store_.slot_count());
    for (uint32_t slot : slots) {
      if (store_.live(slot)) only.set(slot);
    }
    SearchRequest r;
    r.text = request.text;
    if (mode == SearchMode::kDense) r.vector = request.vector;
    r.mode = mode;
    r.exact = true;
    r.k = std::min(slots.size(), Limits::kTopK);
    r.restrict_slots = &only;
    std::unordered_map<uint32_t, float> by_slot;
    for (const auto& hit : search(r)) by_slot[hit.slot] = hit.score;
    for (size_t i = 0; i < slots.size(); ++i) {
      auto it = by_slot.find(slots[i]);
      if (it != by_slot.end()) out[i] = it->second;
    }
    return out;
  };
  const bool has_text = request.text.find_first_not_of(" \t\r\n\f\v") != std::string::npos;
  SlotScores out;
  out.sparse = has_text ? score(sparse_slots, SearchMode::kSparse, 0.0f)
                        : std::vector<float>(sparse_slots.size(), 0.0f);
  out.dense = has_dense() && request.vector ? score(dense_slots, SearchMode::kDense, NAN)
                                            : std::vector<float>(dense_slots.size(), NAN);
  return out;
}

}  // namespace osprey
