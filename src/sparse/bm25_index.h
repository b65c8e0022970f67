// Inverted index over two text fields (title, body) scored with BM25F: per-field term frequencies
// are length-normalized and weighted before BM25's saturation (Robertson & Zaragoza, 2009).
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analyzer.h"
#include "core/bitset.h"
#include "core/byte_io.h"
#include "core/scored.h"

namespace osprey {

enum Field : uint8_t { kTitle = 0, kBody = 1, kFieldCount = 2 };

struct Bm25Params {
  // k1=0.9, b=0.4: the defaults of Anserini, tuned on TREC collections; short passages prefer a
  // lower b than the classic 0.75 because their length says little about verbosity.
  float k1 = 0.9f;
  float b = 0.4f;
  std::array<float, kFieldCount> field_weights{1.0f, 1.0f};

  void validate() const;
  void save(ByteWriter& out) const;
  static Bm25Params load(ByteReader& in);
};

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Params params = {}) : params_(params) {}

  // Indexes a document's analyzed fields under `slot`, which must not be indexed already.
  void add(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields);
  // Removes `slot`; `fields` are the same analyzed fields it was added with.
  void remove(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields);

  // Exhaustive OR query over `terms`, top `k` (best first); `allowed` restricts the slots.
  std::vector<ScoredSlot> search(const std::vector<std::string>& terms, size_t k,
                                 const Bitset* allowed) const;

  size_t document_count() const { return doc_count_; }
  size_t term_count() const { return postings_.size(); }
  const Bm25Params& params() const { return params_; }

  void save(ByteWriter& out) const;
  static Bm25Index load(ByteReader& in);

 private:
  struct Posting {
    uint32_t slot;
    std::array<uint32_t, kFieldCount> tf;
  };
  float idf(size_t df) const;

  Bm25Params params_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;  // sorted by slot
  std::vector<std::array<uint32_t, kFieldCount>> field_lengths_;    // by slot; 0 when absent
  std::array<uint64_t, kFieldCount> total_lengths_{};
  size_t doc_count_ = 0;
};

}  // namespace osprey
