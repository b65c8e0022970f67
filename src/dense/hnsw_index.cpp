#include "dense/hnsw_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <random>
#include <system_error>
#include <unordered_set>

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define OSPREY_HAS_THREADS 1
#include <thread>
#endif

#include "core/error.h"
#include "dense/distance.h"

namespace osprey {
namespace {

using hnswlib::tableint;
using Candidate = std::pair<float, tableint>;  // (distance, graph node)

constexpr size_t kInitialCapacity = 1024;
constexpr size_t kInitialBytes = 16u << 20;  // caps the first block for very wide vectors
constexpr int kMaxLevel = 31;                // far above any level HNSW draws for 2^32 elements
constexpr size_t kQuantizerSample = 16384;   // vectors the int8 ranges are fitted on
constexpr size_t kParallelBatch = 4096;      // smaller batches are inserted on one thread
constexpr size_t kSequentialPrefix = 256;    // nodes a parallel batch inserts alone first
constexpr size_t kSweepFraction = 8;         // every node's in-links are checked each 1/8 growth

size_t code_bytes(size_t dimension) {
  return (dimension + 3) / 4 * 4;
}  // bias stays aligned

// Everything a distance needs besides the two vectors; hnswlib passes a pointer to it.
struct Kernel {
  size_t dimension = 0;
  size_t bias_offset = 0;  // int8: where the float bias follows the codes
  float step2 = 1;         // int8: step^2
  float offset_norm2 = 0;  // int8: |offset|^2
};

float read_bias(const char* element, size_t offset) {
  float bias;
  std::memcpy(&bias, element + offset, sizeof bias);
  return bias;
}

// The four distances (lower is better), as function objects so that the query walk inlines them.
struct FloatIp {
  const Kernel* k;
  float operator()(const char* a, const char* b) const {
    return 1.0f -
           dot(reinterpret_cast<const float*>(a), reinterpret_cast<const float*>(b), k->dimension);
  }
};
struct FloatL2 {
  const Kernel* k;
  float operator()(const char* a, const char* b) const {
    return l2_squared(reinterpret_cast<const float*>(a), reinterpret_cast<const float*>(b),
                      k->dimension);
  }
};
struct Int8Ip {
  const Kernel* k;
  float operator()(const char* a, const char* b) const {
    const int32_t codes = dot_i8(reinterpret_cast<const int8_t*>(a),
                                 reinterpret_cast<const int8_t*>(b), k->dimension);
    return 1.0f - (k->offset_norm2 + read_bias(a, k->bias_offset) + read_bias(b, k->bias_offset) +
                   k->step2 * float(codes));
  }
};
struct Int8L2 {
  const Kernel* k;
  float operator()(const char* a, const char* b) const {
    return k->step2 * float(l2_squared_i8(reinterpret_cast<const int8_t*>(a),
                                          reinterpret_cast<const int8_t*>(b), k->dimension));
  }
};

template <typename Distance>
float hnswlib_distance(const void* a, const void* b, const void* kernel) {
  return Distance{static_cast<const Kernel*>(kernel)}(static_cast<const char*>(a),
                                                      static_cast<const char*>(b));
}

struct FartherFirst {
  bool operator()(const Candidate& a, const Candidate& b) const { return a.first < b.first; }
};
using MaxHeap = std::priority_queue<Candidate, std::vector<Candidate>, FartherFirst>;

}  // namespace

// hnswlib's view of Osprey's vector encoding: float32 components, or int8 codes + a float bias.
class HnswIndex::Space : public hnswlib::SpaceInterface<float> {
 public:
  Space(const DenseOptions& options)
      : metric_(options.metric), int8_(options.quantization == Quantization::kInt8) {
    kernel_.dimension = options.dimension;
    kernel_.bias_offset = code_bytes(options.dimension);
    data_size_ = int8_ ? kernel_.bias_offset + sizeof(float) : options.dimension * sizeof(float);
  }
  size_t get_data_size() override { return data_size_; }
  hnswlib::DISTFUNC<float> get_dist_func() override {
    const bool l2 = metric_ == Metric::kL2;
    if (int8_) return l2 ? hnswlib_distance<Int8L2> : hnswlib_distance<Int8Ip>;
    return l2 ? hnswlib_distance<FloatL2> : hnswlib_distance<FloatIp>;
  }
  void* get_dist_func_param() override { return &kernel_; }

  void set_quantizer(const ScalarQuantizer& q) {
    quantizer_ = q;
    kernel_.step2 = q.step() * q.step();
    kernel_.offset_norm2 = q.offset_norm2();
  }
  const ScalarQuantizer& quantizer() const { return quantizer_; }

  // Writes the stored form of a prepared vector into `out` (get_data_size() bytes).
  void encode(const float* vector, char* out) const {
    if (!int8_) {
      std::memcpy(out, vector, data_size_);
      return;
    }
    std::memset(out, 0, data_size_);
    const float bias = quantizer_.encode(vector, reinterpret_cast<int8_t*>(out));
    std::memcpy(out + kernel_.bias_offset, &bias, sizeof bias);
  }
  void restore_bias(char* element) const {
    const float bias = quantizer_.bias(reinterpret_cast<const int8_t*>(element));
    std::memcpy(element + kernel_.bias_offset, &bias, sizeof bias);
  }

  const Kernel& kernel() const { return kernel_; }
  Metric metric() const { return metric_; }
  bool int8() const { return int8_; }

 private:
  Metric metric_;
  bool int8_;
  size_t data_size_;
  Kernel kernel_;
  ScalarQuantizer quantizer_;
};

// One query's walk over the graph: greedy descent through the upper layers, then a beam search
// of width ef over layer 0. Nodes the filter rejects (or that are deleted) are still traversed,
// so the walk crosses them to reach matching regions, but never enter the results.
struct HnswIndex::Walk {
  const hnswlib::HierarchicalNSW<float>& g;
  const char* query;  // encoded like the stored elements
  const Bitset* allowed;

  template <typename Distance>
  std::vector<Candidate> run(Distance distance, size_t ef) const {
    tableint node = g.enterpoint_node_;
    float best = distance(query, g.getDataByInternalId(node));
    for (int level = g.maxlevel_; level > 0; --level) {
      for (bool moved = true; moved;) {
        moved = false;
        const hnswlib::linklistsizeint* list = g.get_linklist(node, level);
        const size_t n = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
        const tableint* neighbors = reinterpret_cast<const tableint*>(list + 1);
        for (size_t j = 0; j < n; ++j) {
          const float d = distance(query, g.getDataByInternalId(neighbors[j]));
          if (d < best) {
            best = d;
            node = neighbors[j];
            moved = true;
          }
        }
      }
    }
    if (allowed || g.num_deleted_) return base_layer<true>(distance, node, best, ef);
    return base_layer<false>(distance, node, best, ef);
  }

  bool accepts(tableint node) const {
    if (g.isMarkedDeleted(node)) return false;
    return !allowed || allowed->test(size_t(g.getExternalLabel(node)));
  }

  template <bool kCheck, typename Distance>
  std::vector<Candidate> base_layer(Distance distance, tableint entry, float entry_distance,
                                    size_t ef) const {
    hnswlib::VisitedList* visited = g.visited_list_pool_->getFreeVisitedList();
    hnswlib::vl_type* mark = visited->mass;
    const hnswlib::vl_type tag = visited->curV;
    MaxHeap results;
    std::priority_queue<Candidate, std::vector<Candidate>, FartherFirst> frontier;  // -distance
    float bound = std::numeric_limits<float>::max();
    if (!kCheck || accepts(entry)) {
      results.emplace(entry_distance, entry);
      bound = entry_distance;
    }
    frontier.emplace(-entry_distance, entry);
    mark[entry] = tag;
    while (!frontier.empty()) {
      const Candidate current = frontier.top();
      if (-current.first > bound && (!kCheck || results.size() == ef)) break;
      frontier.pop();
      const hnswlib::linklistsizeint* list = g.get_linklist0(current.second);
      const size_t n = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
      const tableint* neighbors = reinterpret_cast<const tableint*>(list + 1);
      for (size_t j = 0; j < n; ++j) {
        const tableint next = neighbors[j];
        if (j + 1 < n) __builtin_prefetch(g.getDataByInternalId(neighbors[j + 1]));
        if (mark[next] == tag) continue;
        mark[next] = tag;
        const float d = distance(query, g.getDataByInternalId(next));
        if (results.size() < ef || d < bound) {
          frontier.emplace(-d, next);
          if (!kCheck || accepts(next)) {
            results.emplace(d, next);
            if (results.size() > ef) results.pop();
            bound = results.top().first;
          }
        }
      }
    }
    g.visited_list_pool_->releaseVisitedList(visited);
    std::vector<Candidate> out;
    out.reserve(results.size());
    for (; !results.empty(); results.pop()) out.push_back(results.top());
    return out;
  }
};

HnswIndex::HnswIndex(DenseOptions options)
    : VectorIndex(options),
      space_(std::make_unique<Space>(options)),
      sequential_prefix_(kSequentialPrefix) {
  // 1024 nodes of 65536 floats would be 256 MB before the first vector arrives (or is loaded).
  const size_t node_bytes = space_->get_data_size() + 8 * size_t(options.hnsw.m) + 64 +
                            (options.keep_float ? 4 * size_t(options.dimension) : 0);
  const size_t initial =
      std::max<size_t>(1, std::min(kInitialCapacity, kInitialBytes / node_bytes));
  graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      space_.get(), std::max<size_t>(initial, options.hnsw.capacity), options.hnsw.m,
      options.hnsw.ef_construction, options.hnsw.seed);
  fitted_ = !quantized();
}

HnswIndex::~HnswIndex() = default;

unsigned HnswIndex::build_threads() {
#ifdef OSPREY_HAS_THREADS
  return std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
#else
  return 1;
#endif
}

bool HnswIndex::contains(uint32_t slot) const {
  if (!fitted_)
    return std::find(pending_slots_.begin(), pending_slots_.end(), slot) != pending_slots_.end();
  auto it = graph_->label_lookup_.find(slot);
  return it != graph_->label_lookup_.end() && !graph_->isMarkedDeleted(it->second);
}

size_t HnswIndex::size() const {
  return pending_slots_.size() + graph_->cur_element_count - graph_->num_deleted_;
}

void HnswIndex::add(uint32_t slot, const float* vector) {
  add_batch({slot}, {vector});
}

void HnswIndex::add_batch(const std::vector<uint32_t>& slots,
                          const std::vector<const float*>& vectors) {
  if (fitted_) return insert(slots, vectors);
  const size_t dim = options_.dimension;
  if (pending_slots_.size() + slots.size() < kQuantizerTrainCount) {
    for (size_t i = 0; i < slots.size(); ++i) {
      pending_slots_.push_back(slots[i]);
      pending_vectors_.insert(pending_vectors_.end(), vectors[i], vectors[i] + dim);
    }
    return;
  }
  // Enough vectors to fit the int8 ranges: fit on the first kQuantizerSample of them, then build
  // the graph from the pending vectors and this batch.
  std::vector<uint32_t> all_slots = pending_slots_;
  std::vector<const float*> all_vectors;
  for (size_t i = 0; i < pending_slots_.size(); ++i)
    all_vectors.push_back(pending_vectors_.data() + i * dim);
  all_slots.insert(all_slots.end(), slots.begin(), slots.end());
  all_vectors.insert(all_vectors.end(), vectors.begin(), vectors.end());
  fit_quantizer({all_vectors.begin(),
                 all_vectors.begin() + long(std::min(all_vectors.size(), kQuantizerSample))});
  insert(all_slots, all_vectors);
  pending_slots_.clear();
  pending_slots_.shrink_to_fit();
  pending_vectors_.clear();
  pending_vectors_.shrink_to_fit();
}

void HnswIndex::fit_quantizer(const std::vector<const float*>& sample) {
  const size_t dim = options_.dimension;
  std::vector<float> flat(sample.size() * dim);
  for (size_t i = 0; i < sample.size(); ++i)
    std::copy(sample[i], sample[i] + dim, flat.begin() + long(i * dim));
  space_->set_quantizer(ScalarQuantizer::fit(flat.data(), sample.size(), dim));
  fitted_ = true;
}

void HnswIndex::ensure_capacity(size_t elements) {
  auto& g = *graph_;
  // 1.5x, not 2x: growth copies the graph's one big block (old + new size at once), and large
  // collections should say their size up front (hnsw.capacity) instead.
  if (elements > g.max_elements_)
    g.resizeIndex(std::max(elements, g.max_elements_ + g.max_elements_ / 2));
  if (options_.keep_float && quantized()) floats_.resize(g.max_elements_ * options_.dimension);
}

// Levels are drawn here, on the calling thread and in item order, from hnswlib's seeded
// generator (as its addPoint would draw them one by one): the same seed gives the same levels
// whatever the thread count, and no two threads ever share the generator's state.
int HnswIndex::draw_level() {
  auto& g = *graph_;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double u = uniform(g.level_generator_);
  if (u <= 0) return kMaxLevel;  // -log(0) is infinite
  return int(std::min(-std::log(u) * g.mult_, double(kMaxLevel)));
}

// A new node at a given level, linked as hnswlib's addPoint links one (greedy descent to its
// level, a beam of ef_construction per level, the pruning heuristic both ways) and under the same
// locks, so that several threads may add nodes at once. The graph must have an entry point
// unless this is its first node.
uint32_t HnswIndex::add_node(const char* element, uint32_t slot, int level) {
  auto& g = *graph_;
  tableint node;
  {
    std::lock_guard<std::mutex> guard(g.cur_element_count_guard_);
    if (g.cur_element_count >= g.max_elements_)
      throw Error(ErrorCode::kInternal, "the vector graph is full");
    node = tableint(g.cur_element_count++);
    g.label_lookup_[slot] = node;
  }
  std::unique_lock<std::mutex> update_lock(
      g.link_list_update_locks_[node &
                                (hnswlib::HierarchicalNSW<float>::max_update_element_locks - 1)]);
  std::unique_lock<std::mutex> node_lock(g.link_list_locks_[node]);
  std::memset(g.data_level0_memory_ + size_t(node) * g.size_data_per_element_ + g.offsetLevel0_, 0,
              g.size_data_per_element_);
  g.setExternalLabel(node, slot);
  std::memcpy(g.getDataByInternalId(node), element, g.data_size_);
  g.element_levels_[node] = level;
  if (level > 0) {
    g.linkLists_[node] = static_cast<char*>(std::calloc(1, g.size_links_per_element_ * level + 1));
    if (!g.linkLists_[node]) throw std::bad_alloc();
  }

  std::unique_lock<std::mutex> top_lock(g.global);  // held only by a node that raises the top
  const int top = g.maxlevel_;
  if (level <= top) top_lock.unlock();
  if (node == 0) {
    g.enterpoint_node_ = node;
    g.maxlevel_ = level;
    return node;
  }
  const tableint entry = g.enterpoint_node_;
  tableint current = entry;
  if (level < top) {
    float best = g.fstdistfunc_(element, g.getDataByInternalId(current), g.dist_func_param_);
    for (int l = top; l > level; --l) {
      for (bool moved = true; moved;) {
        moved = false;
        std::lock_guard<std::mutex> lock(g.link_list_locks_[current]);
        const hnswlib::linklistsizeint* list = g.get_linklist(current, l);
        const size_t n = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
        const tableint* neighbors = reinterpret_cast<const tableint*>(list + 1);
        for (size_t j = 0; j < n; ++j) {
          const float d =
              g.fstdistfunc_(element, g.getDataByInternalId(neighbors[j]), g.dist_func_param_);
          if (d < best) {
            best = d;
            current = neighbors[j];
            moved = true;
          }
        }
      }
    }
  }
  const bool entry_deleted = g.isMarkedDeleted(entry);
  for (int l = std::min(level, top); l >= 0; --l) {
    auto candidates = g.searchBaseLayer(current, element, l);
    if (entry_deleted) {
      candidates.emplace(g.fstdistfunc_(element, g.getDataByInternalId(entry), g.dist_func_param_),
                         entry);
      if (candidates.size() > g.ef_construction_) candidates.pop();
    }
    if (candidates.empty()) continue;  // every node reached is deleted: nothing to link to
    if (before_link_) before_link_(node);
    current = g.mutuallyConnectNewElement(element, node, candidates, l, false);
  }
  if (level > top) {
    g.enterpoint_node_ = node;
    g.maxlevel_ = level;
  }
  return node;
}

void HnswIndex::insert(const std::vector<uint32_t>& slots,
                       const std::vector<const float*>& vectors) {
  auto& g = *graph_;
  // New slots get new nodes; a slot already in the graph (a deleted one reused, or one repeated
  // within the batch) is relinked in place by hnswlib's update path, on this thread, after the
  // new nodes (it changes the deleted count without a lock).
  std::vector<size_t> fresh, again;
  {
    std::unordered_set<uint32_t> seen;
    for (size_t i = 0; i < slots.size(); ++i) {
      const bool known = g.label_lookup_.count(slots[i]) || !seen.insert(slots[i]).second;
      (known ? again : fresh).push_back(i);
    }
  }
  ensure_capacity(g.cur_element_count + fresh.size());
  const bool keep = options_.keep_float && quantized();
  const size_t dim = options_.dimension;
  auto keep_float = [&](size_t i, tableint node) {
    if (keep) std::copy(vectors[i], vectors[i] + dim, floats_.begin() + long(size_t(node) * dim));
  };
  std::vector<int> levels(fresh.size());
  for (int& level : levels) level = draw_level();

  std::vector<char> buffer(space_->get_data_size());
  std::vector<tableint> touched(fresh.size());  // the nodes this batch linked, by item
  auto add_fresh = [&](size_t j, std::vector<char>& local) {
    space_->encode(vectors[fresh[j]], local.data());
    touched[j] = add_node(local.data(), slots[fresh[j]], levels[j]);
    keep_float(fresh[j], touched[j]);
  };
  // The first nodes go in one by one: concurrent inserts into a graph of a few nodes are the
  // ones most likely to leave a node unlinked, and they need an entry point.
  unsigned threads = fresh.size() >= kParallelBatch ? build_threads() : 1;
  if (threads > 1 && options_.hnsw.build_threads) threads = options_.hnsw.build_threads;
  const size_t alone = threads > 1 ? std::min(fresh.size(), sequential_prefix_) : fresh.size();
  size_t next = 0;
  for (; next < alone; ++next) add_fresh(next, buffer);
#ifdef OSPREY_HAS_THREADS
  if (next < fresh.size()) {
    std::atomic<size_t> cursor{next};
    std::atomic<bool> failed{false};
    std::exception_ptr failure;  // written by the first thread that fails, read after the joins
    auto work = [&] {
      try {
        std::vector<char> local(space_->get_data_size());
        for (size_t j; !failed && (j = cursor++) < fresh.size();) add_fresh(j, local);
      } catch (...) {
        if (!failed.exchange(true)) failure = std::current_exception();
      }
    };
    // The calling thread works too. A thread that cannot start (a browser build whose pool of
    // pre-started workers is used up) leaves its share to the others.
    std::vector<std::thread> pool;
    try {
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    } catch (const std::system_error&) {
    }
    work();
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
  }
#endif
  for (size_t i : again) {
    space_->encode(vectors[i], buffer.data());
    touched.push_back(g.addPoint(buffer.data(), slots[i], -1));
    keep_float(i, touched.back());
  }
  // Later inserts prune the in-links of older nodes too: once the graph has taken in an eighth of
  // its size since the last look, every node is checked (amortized: a few list reads per insert).
  inserts_since_sweep_ += touched.size();
  if (inserts_since_sweep_ * kSweepFraction >= g.cur_element_count) {
    inserts_since_sweep_ = 0;
    touched.resize(g.cur_element_count);
    for (tableint node = 0; node < g.cur_element_count; ++node) touched[node] = node;
  }
  repaired_links_ += link_back(touched);
  if (threads > 1 || !again.empty()) repaired_links_ += reconnect();
}

namespace {

// The links of one node on one level.
struct Links {
  const tableint* first;
  size_t count;
  const tableint* begin() const { return first; }
  const tableint* end() const { return first + count; }
};
Links links_of(const hnswlib::HierarchicalNSW<float>& g, tableint node, int level) {
  const hnswlib::linklistsizeint* list = g.get_linklist_at_level(node, level);
  return {reinterpret_cast<const tableint*>(list + 1),
          g.getListCount(const_cast<hnswlib::linklistsizeint*>(list))};
}

// Gives `node` an in-link on `level` from the nearest of `candidates` (a searchBaseLayer result)
// that `eligible` accepts and that has room; false when none has.
template <typename Queue, typename Eligible>
bool link_from_nearest(hnswlib::HierarchicalNSW<float>& g, Queue candidates, tableint node,
                       int level, Eligible eligible) {
  std::vector<Candidate> nearest;
  for (; !candidates.empty(); candidates.pop()) nearest.push_back(candidates.top());
  std::reverse(nearest.begin(), nearest.end());
  const size_t capacity = level ? g.maxM_ : g.maxM0_;
  for (const Candidate& c : nearest) {
    auto* list = g.get_linklist_at_level(c.second, level);
    const size_t n = g.getListCount(list);
    if (c.second == node || !eligible(c.second) || n >= capacity) continue;
    reinterpret_cast<tableint*>(list + 1)[n] = node;
    g.setListCount(list, static_cast<unsigned short>(n + 1));
    return true;
  }
  return false;
}

}  // namespace

// Which nodes a walk over one level reaches from the entry point.
struct HnswIndex::Reach {
  std::vector<uint8_t> reached;
  std::vector<tableint> stack;

  // Marks `from` and everything its links lead to on `level`.
  void spread(const hnswlib::HierarchicalNSW<float>& g, tableint from, int level) {
    if (reached[from]) return;
    reached[from] = 1;
    stack.push_back(from);
    while (!stack.empty()) {
      const tableint node = stack.back();
      stack.pop_back();
      for (tableint next : links_of(g, node, level)) {
        if (reached[next]) continue;
        reached[next] = 1;
        stack.push_back(next);
      }
    }
  }
};

HnswIndex::Reach HnswIndex::reach(int level) const {
  const auto& g = *graph_;
  Reach r{std::vector<uint8_t>(g.cur_element_count, 0), {}};
  if (g.cur_element_count > 0 && level <= g.maxlevel_) r.spread(g, g.enterpoint_node_, level);
  return r;
}

size_t HnswIndex::unreachable_nodes() const {
  const auto& g = *graph_;
  std::vector<uint8_t> lost(g.cur_element_count, 0);
  for (int level = 0; level <= g.maxlevel_ && g.cur_element_count > 0; ++level) {
    const Reach r = reach(level);
    for (tableint node = 0; node < g.cur_element_count; ++node)
      if (g.element_levels_[node] >= level && !r.reached[node] && !g.isMarkedDeleted(node))
        lost[node] = 1;
  }
  return size_t(std::count(lost.begin(), lost.end(), uint8_t(1)));
}

// A node is found by a search for its own vector when the nodes near it link to it. A node whose
// layer-0 neighbours all pruned it (it was linked after they filled up, or relinked in place by
// hnswlib's update path among new neighbours) may keep only in-links from far away: it is then
// linked in from the nearest node, found by a search for its vector, that has room.
size_t HnswIndex::link_back(const std::vector<uint32_t>& nodes) {
  auto& g = *graph_;
  size_t added = 0;
  auto links_to = [&](tableint from, tableint to) {
    for (tableint next : links_of(g, from, 0))
      if (next == to) return true;
    return false;
  };
  for (tableint node : nodes) {
    if (g.isMarkedDeleted(node) || g.cur_element_count < 2) continue;
    bool linked = false;
    for (tableint next : links_of(g, node, 0)) linked = linked || links_to(next, node);
    if (linked) continue;
    const char* element = g.getDataByInternalId(node);
    tableint current = g.enterpoint_node_;
    float best = g.fstdistfunc_(element, g.getDataByInternalId(current), g.dist_func_param_);
    for (int level = g.maxlevel_; level > 0; --level) {
      for (bool moved = true; moved;) {
        moved = false;
        for (tableint next : links_of(g, current, level)) {
          const float d = g.fstdistfunc_(element, g.getDataByInternalId(next), g.dist_func_param_);
          if (d < best) {
            best = d;
            current = next;
            moved = true;
          }
        }
      }
    }
    if (link_from_nearest(g, g.searchBaseLayer(current, element, 0), node, 0,
                          [](tableint) { return true; }))
      ++added;
  }
  return added;
}

size_t HnswIndex::reconnect() {
  auto& g = *graph_;
  size_t added = 0;
  for (int level = g.cur_element_count ? g.maxlevel_ : -1; level >= 0; --level) {
    Reach r = reach(level);
    for (tableint node = 0; node < g.cur_element_count; ++node) {
      if (g.element_levels_[node] < level || r.reached[node] || g.isMarkedDeleted(node)) continue;
      // The nearest reached nodes of this level, by a beam from the entry point (which only
      // follows links, so it meets reached nodes only); the first with room links to the node.
      if (link_from_nearest(
              g, g.searchBaseLayer(g.enterpoint_node_, g.getDataByInternalId(node), level), node,
              level, [&](tableint from) { return bool(r.reached[from]); })) {
        r.spread(g, node, level);
        ++added;
      }
    }
  }
  return added;
}

void HnswIndex::remove(uint32_t slot) {
  if (fitted_) return graph_->markDelete(slot);
  auto it = std::find(pending_slots_.begin(), pending_slots_.end(), slot);
  if (it == pending_slots_.end())
    throw Error(ErrorCode::kInternal, "removing a slot without a vector");
  const size_t i = size_t(it - pending_slots_.begin()), dim = options_.dimension;
  pending_slots_.erase(it);
  pending_vectors_.erase(pending_vectors_.begin() + long(i * dim),
                         pending_vectors_.begin() + long((i + 1) * dim));
}

std::vector<ScoredSlot> HnswIndex::search_pending(const DenseQuery& query) const {
  const size_t dim = options_.dimension;
  return exact_top_k(options_, query, [&](auto&& visit) {
    for (size_t i = 0; i < pending_slots_.size(); ++i)
      visit(pending_slots_[i], pending_vectors_.data() + i * dim);
  });
}

std::vector<ScoredSlot> HnswIndex::search(const DenseQuery& query) const {
  const auto& g = *graph_;
  const size_t n = size();
  if (query.k == 0 || n == 0) return {};
  if (!fitted_) return search_pending(query);
  const size_t k = std::min(query.k, n);
  const size_t ef = std::max<size_t>(query.ef ? query.ef : options_.hnsw.ef_search, k);
  const bool rescore = quantized() && options_.keep_float;
  const size_t dim = options_.dimension;

  std::vector<char> encoded(space_->get_data_size());
  space_->encode(query.vector, encoded.data());
  const Walk walk{g, encoded.data(), query.allowed};
  const Kernel* kernel = &space_->kernel();
  const bool l2 = options_.metric == Metric::kL2;
  auto with_distance = [&](auto&& body) {
    if (space_->int8()) return l2 ? body(Int8L2{kernel}) : body(Int8Ip{kernel});
    return l2 ? body(FloatL2{kernel}) : body(FloatIp{kernel});
  };

  // A selective filter starves the beam: the walk would visit ~ef*M0/selectivity nodes. When
  // scanning the matching set costs less than that, scan it exactly (recall 1, and cheaper).
  bool scan = query.exact;
  if (query.allowed && !scan) {
    const size_t matching = query.allowed->count();
    if (matching == 0) return {};
    const double walk_cost = double(ef) * double(g.maxM0_) * double(n) / double(matching);
    scan = matching <= k || double(matching) < walk_cost;
  }

  std::vector<Candidate> candidates;
  if (scan) {
    with_distance([&](auto distance) {
      auto consider = [&](tableint node) {
        if (walk.accepts(node))
          candidates.emplace_back(distance(encoded.data(), g.getDataByInternalId(node)), node);
      };
      if (query.allowed) {
        for (size_t slot = 0; slot < query.allowed->size(); ++slot) {
          if (!query.allowed->test(slot)) continue;
          auto it = g.label_lookup_.find(slot);
          if (it != g.label_lookup_.end()) consider(it->second);
        }
      } else {
        for (tableint node = 0; node < g.cur_element_count; ++node) consider(node);
      }
      return 0;
    });
  } else {
    candidates = with_distance([&](auto distance) { return walk.run(distance, ef); });
  }

  std::vector<ScoredSlot> hits;
  hits.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    float d = c.first;
    if (rescore)
      d = distance_between(options_.metric, query.vector, floats_.data() + size_t(c.second) * dim,
                           dim);
    hits.push_back(
        {uint32_t(g.getExternalLabel(c.second)), score_from_distance(options_.metric, d)});
  }
  keep_top_k(hits, k);
  return hits;
}

// Layout (after DenseOptions, which say float or int8):
//   int8 only: u8 fitted, [quantizer if fitted], varint pending count, (varint slot, floats)*
//   varint node count, varint top level, varint entry node, then per node: varint slot,
//   varint level, u8 deleted, the vector (floats, or int8 codes [+ floats when kept]), and per
//   level 0..level: varint link count, varint links.
void HnswIndex::save(ByteWriter& out) const {
  const auto& g = *graph_;
  const size_t dim = options_.dimension;
  if (quantized()) {
    out.u8(fitted_ ? 1 : 0);
    if (fitted_) space_->quantizer().save(out);
    out.varint(pending_slots_.size());
    for (size_t i = 0; i < pending_slots_.size(); ++i) {
      out.varint(pending_slots_[i]);
      out.floats(pending_vectors_.data() + i * dim, dim);
    }
  }
  const size_t count = g.cur_element_count;
  out.varint(count);
  out.varint(count ? uint64_t(g.maxlevel_) : 0);
  out.varint(count ? uint64_t(g.enterpoint_node_) : 0);
  for (tableint i = 0; i < count; ++i) {
    out.varint(g.getExternalLabel(i));
    const int level = g.element_levels_[i];
    out.varint(uint64_t(level));
    out.u8(g.isMarkedDeleted(i) ? 1 : 0);
    if (quantized()) {
      out.raw(g.getDataByInternalId(i), dim);
      if (options_.keep_float) out.floats(floats_.data() + size_t(i) * dim, dim);
    } else {
      out.floats(reinterpret_cast<const float*>(g.getDataByInternalId(i)), dim);
    }
    for (int l = 0; l <= level; ++l) {
      const hnswlib::linklistsizeint* list = l == 0 ? g.get_linklist0(i) : g.get_linklist(i, l);
      const unsigned short n = g.getListCount(const_cast<hnswlib::linklistsizeint*>(list));
      const auto* neighbors = reinterpret_cast<const tableint*>(list + 1);
      out.varint(n);
      for (unsigned short j = 0; j < n; ++j) out.varint(neighbors[j]);
    }
  }
}

std::unique_ptr<HnswIndex> HnswIndex::load(const DenseOptions& options, ByteReader& in,
                                           size_t slot_limit) {
  auto index = std::make_unique<HnswIndex>(options);
  auto& g = *index->graph_;
  const size_t dim = options.dimension;
  const bool int8 = index->quantized(), keep = int8 && options.keep_float;
  // Stored vectors were prepared (finite) when added: anything else is damage, and would reach
  // the quantizer's float-to-int conversions.
  auto read_floats = [&](float* out) {
    in.floats(out, dim);
    for (size_t i = 0; i < dim; ++i) {
      if (!std::isfinite(out[i])) in.fail("a vector component is not finite");
    }
  };
  if (int8) {
    const uint8_t fitted = in.u8();
    if (fitted > 1) in.fail("bad quantizer flag");
    if (fitted) index->space_->set_quantizer(ScalarQuantizer::load(in, dim));
    index->fitted_ = fitted != 0;
    const size_t pending = in.count(1 + 4 * dim);
    if (fitted && pending) in.fail("pending vectors in a fitted int8 index");
    if (pending > slot_limit || pending >= kQuantizerTrainCount)
      in.fail(std::to_string(pending) + " pending vectors");
    index->pending_vectors_.resize(pending * dim);
    for (size_t i = 0; i < pending; ++i) {
      const uint64_t slot = in.varint();
      if (slot >= slot_limit || index->contains(uint32_t(slot))) in.fail("bad or repeated slot");
      index->pending_slots_.push_back(uint32_t(slot));
      read_floats(index->pending_vectors_.data() + i * dim);
    }
  }
  const size_t vector_bytes = int8 ? dim + (keep ? 4 * dim : 0) : 4 * dim;
  // A node takes at least its slot, level, deletion flag, vector and level-0 link count.
  const size_t count = in.count(4 + vector_bytes);
  const uint64_t max_level = in.varint();
  const uint64_t entry = in.varint();
  if (count > slot_limit) {
    in.fail(std::to_string(count) + " graph nodes for " + std::to_string(slot_limit) +
            " document slots");
  }
  if (count > 0 && !index->fitted_) in.fail("graph nodes in an int8 index without a quantizer");
  if (count > 0 && (max_level > kMaxLevel || entry >= count)) in.fail("bad entry point");
  index->ensure_capacity(count);

  auto read_links = [&](hnswlib::linklistsizeint* list, size_t max_links) {
    const uint64_t n = in.varint();
    if (n > max_links) {
      in.fail("a node has " + std::to_string(n) + " links where M allows " +
              std::to_string(max_links));
    }
    g.setListCount(list, static_cast<unsigned short>(n));
    auto* neighbors = reinterpret_cast<tableint*>(list + 1);
    for (size_t j = 0; j < n; ++j) {
      const uint64_t id = in.varint();
      if (id >= count) in.fail("a link points outside the graph");
      neighbors[j] = tableint(id);
    }
  };

  for (tableint i = 0; i < count; ++i) {
    const uint64_t label = in.varint();
    const uint64_t level = in.varint();
    const uint8_t deleted = in.u8();
    if (label >= slot_limit || g.label_lookup_.count(label)) in.fail("bad or repeated slot");
    if (level > max_level) in.fail("node above the top level");
    if (deleted > 1) in.fail("bad deletion flag");
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
    char* data = g.getDataByInternalId(i);
    if (int8) {
      const uint8_t* codes = in.raw(dim);
      // encode() clamps to [-127, 127]: -128 is never written.
      for (size_t d = 0; d < dim; ++d) {
        if (codes[d] == 0x80) in.fail("an int8 code out of range");
      }
      std::memcpy(data, codes, dim);
      index->space_->restore_bias(data);
      if (keep) read_floats(index->floats_.data() + size_t(i) * dim);
    } else {
      read_floats(reinterpret_cast<float*>(data));
    }
    read_links(g.get_linklist0(i), g.maxM0_);
    for (uint64_t l = 1; l <= level; ++l) read_links(g.get_linklist(i, int(l)), g.maxM_);
    if (deleted) g.markDeletedInternal(i);
  }
  // Every walk (queries, inserts, hnswlib's update) follows a level-l link to the target's level-l
  // list: the target must exist on that level. A self-link would make a node its own neighbour.
  for (tableint i = 0; i < count; ++i) {
    for (int l = 0; l <= g.element_levels_[i]; ++l) {
      for (tableint target : links_of(g, i, l)) {
        if (target == i) in.fail("node " + std::to_string(i) + " links to itself");
        if (g.element_levels_[target] < l) {
          in.fail("a level-" + std::to_string(l) + " link of node " + std::to_string(i) +
                  " points to node " + std::to_string(target) + " of level " +
                  std::to_string(g.element_levels_[target]));
        }
      }
    }
  }
  if (count > 0) {
    if (uint64_t(g.element_levels_[entry]) != max_level)
      in.fail("entry point not on the top level");
    g.enterpoint_node_ = tableint(entry);
    g.maxlevel_ = int(max_level);
  }
  for (uint32_t slot : index->pending_slots_) {
    if (g.label_lookup_.count(slot)) in.fail("a slot both pending and in the graph");
  }
  return index;
}

}  // namespace osprey
