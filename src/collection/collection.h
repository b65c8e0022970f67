// A collection: documents plus the indexes over them (BM25 over title and body, and optionally a
// dense vector index), searched sparse, dense or hybrid. Every mutation validates its whole batch
// before changing anything, so a bad input leaves the collection exactly as it was.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "dense/vector_index.h"
#include "fusion/score_fusion.h"
#include "ingest/document_index.h"
#include "sparse/bm25_index.h"
#include "store/document_store.h"

namespace osprey {

class ChangeJournal;

struct CollectionOptions {
  DenseOptions dense;  // dense.dimension == 0: no dense index
  Bm25Params bm25;
  AnalyzerConfig analyzer;

  void validate() const;
};

struct DocumentInput {
  std::string id;
  std::string title;
  std::string body;
  std::string metadata_json;  // a JSON object, or empty
  std::optional<std::vector<float>> vector;
};

enum class SearchMode { kAuto, kSparse, kDense, kHybrid };
SearchMode parse_search_mode(const std::string& name);  // "auto" | "sparse" | "dense" | "hybrid"

enum class HybridFusion : uint8_t { kRrf, kConvex };

struct SearchRequest {
  std::string text;
  std::optional<std::vector<float>> vector;
  size_t k = 10;
  SearchMode mode =
      SearchMode::kAuto;  // auto: hybrid when text and vector, else whichever is given
  std::string filter_json;
  uint32_t ef = 0;     // HNSW beam width; 0 = the collection default
  bool exact = false;  // exact dense search
  // Hybrid fusion: reciprocal rank fusion (rrf_k), or a convex combination of the two stages'
  // normalised scores with per-query weights (fusion/score_fusion.h).
  HybridFusion fusion = HybridFusion::kRrf;
  double rrf_k = 60;
  double sparse_weight = 0.5, dense_weight = 0.5;                  // convex fusion
  ScoreNormalization normalization = ScoreNormalization::kMinMax;  // convex fusion
  size_t candidates = 0;                   // per first stage in hybrid mode; 0 = max(4k, 100)
  const Bitset* restrict_slots = nullptr;  // only these slots (rerankers scoring given candidates)
};

struct SearchHit {
  uint32_t slot;
  float score;  // the ranking score of the chosen mode
  std::optional<float> sparse_score;
  std::optional<float> dense_score;
  std::optional<uint32_t> sparse_rank;  // 1-based rank within each first stage
  std::optional<uint32_t> dense_rank;
};

// Upper bounds on inputs; past them the input is refused with LIMIT_EXCEEDED.
struct Limits {
  static constexpr size_t kIdBytes = 1024;
  static constexpr size_t kFieldBytes = 64u << 20;  // title, body or metadata of one document
  static constexpr size_t kQueryBytes = 1u << 20;
  static constexpr size_t kTopK = 100000;
};

struct RerankState;  // src/rerank/rerank_state.h

class Collection {
 public:
  explicit Collection(CollectionOptions options);
  ~Collection();
  Collection(Collection&&) noexcept;
  Collection& operator=(Collection&&) noexcept;

  // Adds new documents; any id that exists (or repeats in the batch) fails the whole batch.
  void add(std::vector<DocumentInput> docs);
  // Adds or replaces documents by id.
  void upsert(std::vector<DocumentInput> docs);
  // Deletes documents; any unknown id fails the whole batch (nothing is deleted).
  void remove(const std::vector<std::string>& ids);

  std::vector<SearchHit> search(const SearchRequest& request) const;

  // Change journaling for incremental saves (see change_journal.h); off until enabled.
  void set_journaling(bool enabled);
  // True when the changes since the last save are not all in the journal (it overflowed, or
  // journaling was off, or nothing was saved yet): the next save must be a full snapshot.
  bool journal_incomplete() const;
  size_t journal_operations() const;
  // The changes since the last save, as one record; clears the journal. Fails when incomplete.
  std::vector<uint8_t> take_journal();
  // Call after saving a full snapshot (serialize()): the journal starts again from it.
  void snapshot_saved();
  // Replays a record written by take_journal() (also another writer's): upserts and deletes, last
  // writer wins. Not journaled itself.
  void apply_journal(const uint8_t* data, size_t size);

  const StoredDocument* find(const std::string& id) const;
  const StoredDocument& document(uint32_t slot) const { return store_.at(slot); }
  size_t size() const { return store_.size(); }
  size_t vector_count() const;
  const CollectionOptions& options() const { return options_; }
  const Analyzer& analyzer() const { return analyzer_; }
  const Bm25Index& sparse_index() const { return sparse_; }

  // One change made of metadata replacements, deletions and additions (in that order), all
  // validated before anything changes: an error leaves the collection as it was. Ingestion uses it.
  void apply_batch(const std::vector<std::pair<std::string, std::string>>& metadata_updates,
                   const std::vector<std::string>& remove_ids, std::vector<DocumentInput> add);
  // Source documents ingested by src/ingest and the passages (documents here) they became.
  const DocumentIndex& ingested() const { return ingested_; }
  DocumentIndex& ingested() { return ingested_; }

  // Reranking (src/rerank): first-stage scores of given slots (BM25 of request.text, 0 where no
  // term matches; similarity to request.vector, NaN without a vector), and the rerank state
  // (token vectors, feedback, trained ranker) that is saved with the collection.
  struct SlotScores {
    std::vector<float> sparse, dense;
  };
  SlotScores score_slots(const SearchRequest& request, const std::vector<uint32_t>& sparse_slots,
                         const std::vector<uint32_t>& dense_slots) const;
  RerankState& rerank_state() { return *rerank_; }
  const RerankState& rerank_state() const { return *rerank_; }

  // One self-contained, versioned, checksummed buffer. Loading checks the checksum and the
  // structure it needs to open; the collection keeps the bytes and decodes documents, posting
  // lists and the dense index on first use (checking each then: CORRUPT_DATA if damaged).
  std::vector<uint8_t> serialize() const;
  static Collection deserialize(const uint8_t* data, size_t size);
  // Keeps `bytes` (no copy). `checksum_verified`: the caller has just checked every byte against
  // checksums of its own (the storage layer's per-page CRC-32C), so the payload's is not computed
  // a second time; the structure is still checked.
  static Collection deserialize(std::vector<uint8_t> bytes, bool checksum_verified = false);

  // 2: analyzer configuration (language, stemmer, stopwords, CJK mode) and positional postings.
  // 3: optional rerank section (token vectors, feedback, trained ranker).
  // 4: sized posting lists and dense section, so that opening decodes them only when used.
  // 2 and 3 still load (decoded at once), and are saved as 4.
  static constexpr uint32_t kFormatVersion = 4;

 private:
  using Fields = std::array<std::vector<Token>, kFieldCount>;
  struct Prepared;
  std::vector<Prepared> prepare(std::vector<DocumentInput>& docs, bool allow_existing) const;
  // Stores the document and its postings; returns its slot. The vector waits for add_vectors().
  uint32_t insert(Prepared& doc);
  // Gives the dense index the vectors of one add or upsert at once (add_batch may build the
  // graph in parallel), or queues them as one batch while the index is still encoded.
  void add_vectors(std::vector<Prepared>& prepared, const std::vector<uint32_t>& slots);
  // The analyzed fields of documents about to be erased, with everything their erasure touches
  // decoded first: a damaged stored part fails here, before anything changes.
  Fields fields_for_erase(uint32_t slot) const;
  void erase(uint32_t slot, const Fields& fields);
  Fields analyze_fields(const StoredDocument& doc) const;
  bool has_dense() const { return options_.dense.dimension > 0; }
  // The dense index (nullptr without one), decoded from the loaded bytes on first use (and then
  // given the pending changes).
  VectorIndex* dense() const;

  CollectionOptions options_;
  Analyzer analyzer_;
  DocumentStore store_;
  Bm25Index sparse_;
  // A loaded dense index stays encoded in stored_dense_ until first used (mutable: dense()).
  struct StoredSection {
    SharedBytes bytes;
    size_t offset = 0, size = 0;
    size_t count = 0;  // vectors in it
  };
  mutable std::unique_ptr<VectorIndex> dense_;
  mutable std::optional<StoredSection> stored_dense_;
  // Vectors added (or removed: empty) while the dense index is still encoded, applied in order
  // when it is decoded: adding documents to a loaded collection does not decode it. The vectors
  // of one add or upsert are applied together, as they would have been at once.
  struct PendingDense {
    uint32_t slot;
    std::vector<float> vector;
    bool starts_batch = false;  // the first vector of an add or upsert
  };
  mutable std::vector<PendingDense> pending_dense_;
  std::unique_ptr<RerankState> rerank_;
  std::unique_ptr<ChangeJournal> journal_;
  bool journal_incomplete_ = true;  // nothing journaled yet: a fresh collection needs a snapshot
  DocumentIndex ingested_;
};

}  // namespace osprey
