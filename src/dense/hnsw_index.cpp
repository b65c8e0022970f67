#include "dense/hnsw_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "dense/distance.h"

namespace osprey {
namespace {

constexpr size_t kInitialCapacity = 1024;
constexpr int kMaxLevel = 31;  // far above any level HNSW draws for 2^32 elements

float ip_distance(const void* a, const void* b, const void* dim) {
  return 1.0f - dot(static_cast<const float*>(a), static_cast<const float*>(b),
                    *static_cast<const size_t*>(dim));
}

float l2_distance(const void* a, const void* b, const void* dim) {
  return l2_squared(static_cast<const float*>(a), static_cast<const float*>(b),
                    *static_cast<const size_t*>(dim));
}

}  // namespace

class HnswIndex::Space : public hnswlib::SpaceInterface<float> {
 public:
  Space(Metric metric, size_t dimension)
      : dimension_(dimension), fn_(metric == Metric::kL2 ? l2_distance : ip_distance) {}
  size_t get_data_size() override { return dimension_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return fn_; }
  void* get_dist_func_param() override { return &dimension_; }

 private:
  size_t dimension_;
  hnswlib::DISTFUNC<float> fn_;
};

HnswIndex::HnswIndex(DenseOptions options)
    : VectorIndex(options), space_(std::make_unique<Space>(options.metric, options.dimension)) {
  graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      space_.get(), kInitialCapacity, options.hnsw.m, options.hnsw.ef_construction,
      options.hnsw.seed);
}

HnswIndex::~HnswIndex() = default;

bool HnswIndex::contains(uint32_t slot) const {
  auto it = graph_->label_lookup_.find(slot);
  return it != graph_->label_lookup_.end() && !graph_->isMarkedDeleted(it->second);
}

size_t HnswIndex::size() const { return graph_->cur_element_count - graph_->num_deleted_; }

void HnswIndex::add(uint32_t slot, const float* vector) {
  // A slot freed by a delete is reused in place: hnswlib relinks the node (its "update" path).
  bool reuse = graph_->label_lookup_.count(slot) > 0;
  if (!reuse && graph_->cur_element_count == graph_->max_elements_) {
    graph_->resizeIndex(graph_->max_elements_ * 2);
  }
  graph_->addPoint(vector, slot);
}

void HnswIndex::remove(uint32_t slot) { graph_->markDelete(slot); }

std::vector<ScoredSlot> HnswIndex::exact(const DenseQuery& query) const {
  const auto& g = *graph_;
  return exact_top_k(options_, query, [&](auto&& visit) {
    for (hnswlib::tableint i = 0; i < g.cur_element_count; ++i) {
      if (g.isMarkedDeleted(i)) continue;
      visit(uint32_t(g.getExternalLabel(i)),
            reinterpret_cast<const float*>(g.getDataByInternalId(i)));
    }
  });
}

std::vector<ScoredSlot> HnswIndex::approximate(const DenseQuery& query, size_t k,
                                               uint32_t ef) const {
  graph_->setEf(std::max<size_t>(ef, k));
  auto heap = graph_->searchKnn(query.vector, k);
  std::vector<ScoredSlot> hits;
  hits.reserve(heap.size());
  for (; !heap.empty(); heap.pop()) {
    uint32_t slot = uint32_t(heap.top().second);
    if (query.allowed && !query.allowed->test(slot)) continue;
    hits.push_back({slot, score_from_distance(options_.metric, heap.top().first)});
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

std::vector<ScoredSlot> HnswIndex::search(const DenseQuery& query) const {
  const size_t n = size();
  if (query.k == 0 || n == 0) return {};
  if (query.exact) return exact(query);
  const uint32_t ef = query.ef ? query.ef : options_.hnsw.ef_search;
  if (!query.allowed) return approximate(query, std::min(query.k, n), ef);

  // hnswlib 0.6.2 cannot filter inside the graph walk. A selective filter would starve the beam,
  // so below 10% of the collection (or few matches) scan the matching set exactly; otherwise
  // over-fetch in proportion to the filter's selectivity and fall back to the exact scan if the
  // graph still returns too few matches.
  size_t matching = 0;
  for (hnswlib::tableint i = 0; i < graph_->cur_element_count; ++i) {
    if (!graph_->isMarkedDeleted(i) && query.allowed->test(uint32_t(graph_->getExternalLabel(i)))) {
      matching++;
    }
  }
  if (matching == 0) return {};
  if (matching * 10 < n || matching <= 2048) return exact(query);
  size_t fetch = std::min(n, size_t(std::ceil(double(query.k) * double(n) / double(matching) * 1.5)) + 16);
  auto hits = approximate(query, fetch, std::max<uint32_t>(ef, uint32_t(fetch)));
  if (hits.size() < std::min(query.k, matching)) return exact(query);
  hits.resize(std::min(hits.size(), query.k));
  return hits;
}

void HnswIndex::save(ByteWriter& out) const {
  const auto& g = *graph_;
  const size_t count = g.cur_element_count;
  out.varint(count);
  out.varint(count ? uint64_t(g.maxlevel_) : 0);
  out.varint(count ? uint64_t(g.enterpoint_node_) : 0);
  for (hnswlib::tableint i = 0; i < count; ++i) {
    out.varint(g.getExternalLabel(i));
    const int level = g.element_levels_[i];
    out.varint(uint64_t(level));
    out.u8(g.isMarkedDeleted(i) ? 1 : 0);
    out.floats(reinterpret_cast<const float*>(g.getDataByInternalId(i)), options_.dimension);
    for (int l = 0; l <= level; ++l) {
      const hnswlib::linklistsizeint* list = l == 0 ? g.get_linklist0(i) : g.get_linklist(i, l);
      const unsigned short n = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
      const auto* neighbors = reinterpret_cast<const hnswlib::tableint*>(list + 1);
      out.varint(n);
      for (unsigned short j = 0; j < n; ++j) out.varint(neighbors[j]);
    }
  }
}

std::unique_ptr<HnswIndex> HnswIndex::load(const DenseOptions& options, ByteReader& in,
                                           size_t slot_limit) {
  auto index = std::make_unique<HnswIndex>(options);
  auto& g = *index->graph_;
  const size_t count = in.count(3 + 4 * size_t(options.dimension));
  const uint64_t max_level = in.varint();
  const uint64_t entry = in.varint();
  if (count > slot_limit) in.fail("more vectors than document slots");
  if (count > 0 && (max_level > kMaxLevel || entry >= count)) in.fail("bad entry point");
  if (count > g.max_elements_) g.resizeIndex(count);

  auto read_links = [&](hnswlib::linklistsizeint* list, size_t max_links) {
    size_t n = in.varint();
    if (n > max_links) in.fail("a node has more links than M allows");
    g.setListCount(list, static_cast<unsigned short>(n));
    auto* neighbors = reinterpret_cast<hnswlib::tableint*>(list + 1);
    for (size_t j = 0; j < n; ++j) {
      uint64_t id = in.varint();
      if (id >= count) in.fail("a link points outside the graph");
      neighbors[j] = hnswlib::tableint(id);
    }
  };

  for (hnswlib::tableint i = 0; i < count; ++i) {
    const uint64_t label = in.varint();
    const uint64_t level = in.varint();
    const bool deleted = in.u8() != 0;
    if (label >= slot_limit || g.label_lookup_.count(label)) in.fail("bad or repeated slot");
    if (level > max_level) in.fail("node above the top level");
    std::memset(g.data_level0_memory_ + i * g.size_data_per_element_, 0, g.size_data_per_element_);
    g.element_levels_[i] = int(level);
    g.linkLists_[i] = nullptr;
    if (level > 0) {
      size_t bytes = g.size_links_per_element_ * level + 1;
      g.linkLists_[i] = static_cast<char*>(std::calloc(1, bytes));
      if (!g.linkLists_[i]) throw std::bad_alloc();
    }
    g.cur_element_count = i + 1;  // from here the graph owns (and frees) this node's lists
    g.setExternalLabel(i, label);
    g.label_lookup_[label] = i;
    in.floats(reinterpret_cast<float*>(g.getDataByInternalId(i)), options.dimension);
    read_links(g.get_linklist0(i), g.maxM0_);
    for (uint64_t l = 1; l <= level; ++l) read_links(g.get_linklist(i, int(l)), g.maxM_);
    if (deleted) g.markDeletedInternal(i);
  }
  if (count > 0) {
    if (uint64_t(g.element_levels_[entry]) != max_level) in.fail("entry point not on the top level");
    g.enterpoint_node_ = hnswlib::tableint(entry);
    g.maxlevel_ = int(max_level);
  }
  return index;
}

}  // namespace osprey
