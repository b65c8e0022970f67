// Inverted index over two text fields (title, body) scored with BM25F: per-field term frequencies
// are length-normalized and weighted before BM25's saturation (Robertson & Zaragoza, 2009).
// Postings keep term positions (phrase queries). Documents are added, removed and replaced in
// place; nothing is ever rebuilt. Top-k retrieval uses MaxScore dynamic pruning (Turtle & Flood,
// 1995) when the posting lists are long for the k asked, and exhaustive scoring otherwise; both
// return exactly the same hits (same scores, same tie order).
// A loaded index keeps the collection's bytes and decodes a term's posting list on first use, so
// opening a large collection does not decode millions of postings that no query asked for.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/token.h"
#include "core/bitset.h"
#include "core/byte_io.h"
#include "core/scored.h"

namespace osprey {

enum Field : uint8_t { kTitle = 0, kBody = 1, kFieldCount = 2 };
using FieldMask = uint8_t;  // bit f set: field f
constexpr FieldMask kAllFields = 3;

struct Bm25Params {
  // k1=1.2, b=0.6: between Robertson's classic 1.2/0.75 and Anserini's 0.9/0.4; on all seven test
  // collections of ../shared/data/ir it beats 0.9/0.4 (bench/results/sparse.md has the grid).
  // Abstracts and passages are short, so length normalization weaker than 0.75 helps.
  // Title and body weigh the same.
  float k1 = 1.2f;
  float b = 0.6f;
  std::array<float, kFieldCount> field_weights{1.0f, 1.0f};

  void validate() const;
  void save(ByteWriter& out) const;
  static Bm25Params load(ByteReader& in);
};

// One scored unit of a query: a term in some fields, with a weight (query term frequency), and
// optionally a gate: the term only scores in documents of the gate (e.g. a phrase's matches).
struct TermQuery {
  std::string term;
  FieldMask fields = kAllFields;
  float weight = 1.0f;
  const Bitset* gate = nullptr;
};

// A term at a relative position, for phrase matching.
struct PhraseTerm {
  std::string term;
  uint32_t offset;
};

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Params params = {}) : params_(params) {}

  // Indexes a document's analyzed fields under `slot`, which must not be indexed already.
  void add(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields);
  // Removes `slot`; `fields` are the same analyzed fields it was added with.
  void remove(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields);

  // Top `k` (best first) by the sum of the terms' BM25F scores, among documents with at least one
  // term (and in `allowed`, if given): search_pruned or search_exhaustive, whichever is cheaper
  // for these lists and k (both give the same hits and scores).
  std::vector<ScoredSlot> search(const std::vector<TermQuery>& terms, size_t k,
                                 const Bitset* allowed) const;
  // MaxScore dynamic pruning: skips documents that cannot enter the top k.
  std::vector<ScoredSlot> search_pruned(const std::vector<TermQuery>& terms, size_t k,
                                        const Bitset* allowed) const;
  // Scores every matching document (term at a time into per-slot accumulators).
  std::vector<ScoredSlot> search_exhaustive(const std::vector<TermQuery>& terms, size_t k,
                                            const Bitset* allowed) const;
  // OR query over plain terms (a repeated term counts as often as it is repeated).
  std::vector<ScoredSlot> search(const std::vector<std::string>& terms, size_t k,
                                 const Bitset* allowed) const;

  // Decodes the stored posting lists of these terms now (CORRUPT_DATA if one is damaged), so that
  // a change about to remove them, or to add them at a reused slot, cannot fail half-way.
  // Changes nothing observable.
  void decode_terms(const std::array<std::vector<Token>, kFieldCount>& fields) const;

  // Sets in `out` (sized slot_capacity()) the documents with `term` in one of `fields`.
  void collect(const std::string& term, FieldMask fields, Bitset& out) const;
  // Sets in `out` the documents where the terms occur at their relative offsets in one field.
  void collect_phrase(const std::vector<PhraseTerm>& phrase, FieldMask fields, Bitset& out) const;

  size_t document_count() const { return doc_count_; }
  size_t term_count() const { return postings_.size() + stored_left_; }
  size_t slot_capacity() const { return field_lengths_.size(); }
  bool has_text(uint32_t slot) const {
    return slot < field_lengths_.size() && (field_lengths_[slot][0] || field_lengths_[slot][1]);
  }
  size_t document_frequency(const std::string& term) const;
  float idf(size_t df) const;
  const Bm25Params& params() const { return params_; }
  size_t memory_bytes() const;  // approximate heap use of the index

  void save(ByteWriter& out) const;
  // `bytes` own the data `in` reads: posting lists are decoded from them on first use.
  static Bm25Index load(ByteReader& in, const SharedBytes& bytes);
  // Reads the stored lists from `bytes` from now on: a copy of at least the loaded bytes up to the
  // end of this index's section (so that the rest of the loaded buffer can be freed).
  void rebase(const SharedBytes& bytes) const { bytes_ = bytes; }

 private:
  struct Posting {
    uint32_t slot;
    std::array<uint32_t, kFieldCount> tf;
    uint32_t positions;  // byte offset in PostingList::positions: tf[0] title then tf[1] body
                         // positions, each field delta-coded as varints
  };
  // A loaded term's posting list, still encoded in bytes_ (until taken into postings_).
  struct StoredList {
    size_t term_offset;  // offsets in bytes_, not pointers: see rebase()
    uint32_t term_size;
    uint32_t count;
    size_t offset;
    size_t size;
    bool taken = false;
  };
  struct PostingList {
    std::vector<Posting> postings;  // sorted by slot
    std::vector<uint8_t> positions;
    // Set while the term's stored list is not decoded yet: these postings were added after it
    // (new slots, above every stored one), and come after its postings.
    const StoredList* stored_prefix = nullptr;
    // Largest per-weight score of any posting, by field mask (index mask - 1), valid while
    // bound_generation matches the index's generation (lengths and statistics unchanged).
    mutable std::array<float, 3> bound{};
    mutable std::array<uint64_t, 3> bound_generation{};
  };
  struct Cursor;

  void refresh_norms() const;
  float bound(const PostingList& list, FieldMask fields) const;
  float saturated(const Posting& p, FieldMask fields) const;
  // Into `out` (reused across calls: phrase matching decodes for every candidate).
  void decode_positions(const PostingList& list, const Posting& p, Field field,
                        std::vector<uint32_t>& out) const;
  const PostingList* find(const std::string& term) const;  // decodes a stored list on first use
  PostingList* find_for_update(const std::string& term);
  // The list a posting of `slot` goes to (created if absent); a new slot is appended to a stored
  // list without decoding it.
  PostingList& list_for_add(const std::string& term, uint32_t slot);
  std::string_view term_of(const StoredList& stored) const {
    return {reinterpret_cast<const char*>(bytes_->data() + stored.term_offset), stored.term_size};
  }
  StoredList* stored_list(const std::string& term) const;  // an untaken one, or nullptr
  PostingList* take(StoredList& stored) const;
  void join_stored(PostingList& list) const;  // decodes list.stored_prefix in front of it
  PostingList decode_stored(const StoredList& stored) const;
  // Decodes `count` postings from [p, end), advancing p; `errors` reports what is wrong.
  void decode_postings(const uint8_t*& p, const uint8_t* end, size_t count, size_t slot_limit,
                       PostingList& list, const ByteReader& errors) const;
  void encode_postings(const PostingList& list, ByteWriter& out) const;

  Bm25Params params_;
  // The decoded lists (mutable: stored lists are decoded into it by const lookups).
  mutable std::unordered_map<std::string, PostingList> postings_;
  mutable SharedBytes bytes_;               // mutable: rebase()
  mutable std::vector<StoredList> stored_;  // sorted by term
  mutable size_t stored_left_ = 0;          // stored lists not taken yet
  size_t stored_slots_ = 0;                 // slot capacity when loaded: stored slots are below
  std::vector<std::array<uint32_t, kFieldCount>> field_lengths_;  // by slot; 0 when absent
  std::array<uint64_t, kFieldCount> total_lengths_{};
  size_t doc_count_ = 0;
  uint64_t generation_ = 1;  // bumped by every change; invalidates the caches below

  // 1 / (1 - b + b * length / average length) by field and slot, rebuilt lazily after changes.
  mutable std::array<std::vector<float>, kFieldCount> inverse_norms_;
  mutable uint64_t norms_generation_ = 0;
};

}  // namespace osprey
