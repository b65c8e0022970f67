// Approximate nearest neighbours with hnswlib's HNSW graph (Malkov & Yashunin), distances from
// Osprey's SIMD kernels, over float32 vectors or int8 codes (scalar_quantizer.h). hnswlib builds
// the graph; queries walk it with Osprey's own search (filters inside the walk, re-scoring of
// int8 candidates with the kept floats). The graph is saved in Osprey's own portable format, not
// hnswlib's file (whose size_t fields differ between native and wasm32 builds).
#pragma once

#include <functional>
#include <memory>

#include "dense/scalar_quantizer.h"
#include "dense/vector_index.h"

// hnswlib stays behind this header: only hnsw_index.cpp (and the test that crafts graph shapes)
// include its headers.
namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
}

namespace osprey {

class HnswIndex : public VectorIndex {
 public:
  // int8 parameters are fitted once this many vectors have arrived; until then the (few)
  // vectors are kept as floats and searched exactly.
  static constexpr size_t kQuantizerTrainCount = 1024;

  explicit HnswIndex(DenseOptions options);
  ~HnswIndex() override;

  void add(uint32_t slot, const float* vector) override;
  void add_batch(const std::vector<uint32_t>& slots,
                 const std::vector<const float*>& vectors) override;
  void remove(uint32_t slot) override;
  bool contains(uint32_t slot) const override;
  size_t size() const override;
  std::vector<ScoredSlot> search(const DenseQuery& query) const override;
  void save(ByteWriter& out) const override;
  static std::unique_ptr<HnswIndex> load(const DenseOptions& options, ByteReader& in,
                                         size_t slot_limit);

  bool quantized() const { return options_.quantization == Quantization::kInt8; }
  // Threads used by add_batch for large batches (1 in single-threaded WASM builds).
  static unsigned build_threads();

  // Graph nodes that a walk from the entry point cannot reach on some level (0 after every
  // insert: see reconnect()).
  size_t unreachable_nodes() const;
  // Links every unreachable node in from its nearest reachable neighbour on each level; returns
  // how many links it added. Concurrent inserts (and hnswlib's in-place update of a reused node)
  // can leave a node whose in-links were all pruned away while it was being linked; Lucene,
  // Knowhere and Manticore repair the same class of loss.
  size_t reconnect();
  // Links that inserts have had to add this way since the index was made or loaded.
  size_t repaired_links() const { return repaired_links_; }

 private:
  class Space;
  struct Walk;
  void insert(const std::vector<uint32_t>& slots, const std::vector<const float*>& vectors);
  int draw_level();
  uint32_t add_node(const char* element, uint32_t slot, int level);
  struct Reach;
  Reach reach(int level) const;
  size_t link_back(const std::vector<uint32_t>& nodes);
  void fit_quantizer(const std::vector<const float*>& sample);
  void ensure_capacity(size_t elements);
  std::vector<ScoredSlot> search_pending(const DenseQuery& query) const;

  std::unique_ptr<Space> space_;  // must outlive graph_, which keeps a pointer into it
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  bool fitted_ = true;  // false: int8 before kQuantizerTrainCount vectors arrived
  std::vector<uint32_t> pending_slots_;
  std::vector<float> pending_vectors_;
  std::vector<float> floats_;  // int8 with keep_float: the exact vectors, by graph node
  size_t repaired_links_ = 0;
  size_t inserts_since_sweep_ = 0;
  // Tests: called with a new node between choosing its neighbours and linking it (a stall there
  // is what lets concurrent inserts prune every link to it).
  std::function<void(uint32_t node)> before_link_;
  size_t sequential_prefix_;  // nodes a parallel batch inserts alone first (tests lower it)

  friend struct HnswGraphAccess;  // tests: craft graph shapes that inserts cannot make on demand
};

}  // namespace osprey
