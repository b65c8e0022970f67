// Osprey's dense index without the JS API, for bench/dense/dense_bench.mjs (built to WASM by
// bench/dense/build_wasm_bench.sh and run under Node; also builds natively).
//   osprey_index_bench search DATA.f32 N QUERIES.f32 Q TRUTH.u32 DIM M EFC EF1,EF2 REPS MODE
//     MODE = float | int8 | int8+floats; prints one JSON object (build time, memory, runs).
//   osprey_index_bench memory N DIM M EFC MODE [CAPACITY]
//     builds N seeded clustered vectors in batches and prints heap sizes as it goes; CAPACITY
//     reserves the graph up front (hnsw.capacity).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dense/vector_index.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/em_js.h>
#include <emscripten/heap.h>
#endif

using namespace osprey;

namespace {

template <typename T>
std::vector<T> read_file(const char* path, size_t count) {
  std::vector<T> out(count);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(out.data()), std::streamsize(count * sizeof(T)));
  if (!in) {
    std::fprintf(stderr, "cannot read %zu items from %s\n", count, path);
    std::exit(2);
  }
  return out;
}

// CPU time of this process (user + system): the machine is shared, and wall time would measure
// the neighbours. Under Node it includes V8's background threads (compilation, GC).
#ifdef __EMSCRIPTEN__
EM_JS(double, cpu_seconds, (), {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
});
#else
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}
#endif

size_t heap_bytes() {
#ifdef __EMSCRIPTEN__
  return emscripten_get_heap_size();
#else
  return 0;
#endif
}

DenseOptions options_for(size_t dim, size_t m, size_t efc, const std::string& mode) {
  DenseOptions o;
  o.dimension = uint32_t(dim);
  o.metric = Metric::kCosine;
  o.hnsw.m = uint32_t(m);
  o.hnsw.ef_construction = uint32_t(efc);
  o.quantization = mode == "float" ? Quantization::kNone : Quantization::kInt8;
  o.keep_float = mode == "int8+floats";
  return o;
}

int search_bench(char** argv) {
  const size_t n = std::stoul(argv[3]), q = std::stoul(argv[5]), dim = std::stoul(argv[7]);
  const size_t m = std::stoul(argv[8]), efc = std::stoul(argv[9]), reps = std::stoul(argv[11]);
  const std::string mode = argv[12];
  std::vector<uint32_t> efs;
  std::stringstream list(argv[10]);
  for (std::string item; std::getline(list, item, ',');) efs.push_back(uint32_t(std::stoul(item)));
  const size_t heap_start = heap_bytes();
  auto index = make_vector_index(options_for(dim, m, efc, mode));
  double build_seconds = 0;
  {
    const auto data = read_file<float>(argv[2], n * dim);
    std::vector<uint32_t> slots(n);
    std::vector<const float*> vectors(n);
    for (size_t i = 0; i < n; ++i) {
      slots[i] = uint32_t(i);
      vectors[i] = data.data() + i * dim;
    }
    double start = cpu_seconds();
    index->add_batch(slots, vectors);
    build_seconds = (cpu_seconds() - start);
  }
  const auto queries = read_file<float>(argv[4], q * dim);
  const auto truth = read_file<uint32_t>(argv[6], q * 10);

  std::printf(
      "{\"engine\":\"Osprey index "
      "(%s)\",\"buildSeconds\":%.3f,\"heapMiB\":%zu,\"heapGrowthMiB\":%zu,\"runs\":[",
      mode.c_str(), build_seconds, heap_bytes() >> 20, (heap_bytes() - heap_start) >> 20);
  // Warm-up: V8 first runs WASM through its baseline compiler and optimizes hot code in the
  // background, so search for a few seconds before timing anything.
  double warm_start = cpu_seconds();
  for (size_t i = 0; cpu_seconds() - warm_start < 3.0; i = (i + 1) % q) {
    index->search(DenseQuery{queries.data() + i * dim, 10, nullptr, efs[0], false});
  }
  for (size_t e = 0; e < efs.size(); ++e) {
    std::vector<double> rates;
    double recall = 0;
    for (size_t r = 0; r <= reps; ++r) {  // pass 0 warms up (V8 tiers WASM up while it runs)
      size_t found = 0;
      double start = cpu_seconds();
      for (size_t i = 0; i < q; ++i) {
        DenseQuery query{queries.data() + i * dim, 10, nullptr, efs[e], false};
        for (const ScoredSlot& hit : index->search(query)) {
          const uint32_t* expected = truth.data() + i * 10;
          found += size_t(std::count(expected, expected + 10, hit.slot));
        }
      }
      if (r > 0) rates.push_back(double(q) / (cpu_seconds() - start));
      recall = double(found) / double(q * 10);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("%s{\"ef\":%u,\"recall\":%.4f,\"qps\":%.1f}", e ? "," : "", efs[e], recall,
                rates[rates.size() / 2]);
  }
  std::printf("]}\n");
  return 0;
}

int memory_bench(char** argv) {
  const size_t n = std::stoul(argv[2]), dim = std::stoul(argv[3]), m = std::stoul(argv[4]);
  const size_t efc = std::stoul(argv[5]);
  const std::string mode = argv[6];
  const size_t heap_start = heap_bytes();
  DenseOptions options = options_for(dim, m, efc, mode);
  if (argv[7]) options.hnsw.capacity = uint32_t(std::stoul(argv[7]));
  auto index = make_vector_index(options);
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0, 1);
  std::vector<std::vector<float>> centres(1000, std::vector<float>(dim));
  for (auto& c : centres)
    for (auto& x : c) x = normal(rng);
  const size_t batch = 50000;
  std::vector<float> vectors(batch * dim);
  double start = cpu_seconds();
  for (size_t done = 0; done < n;) {
    const size_t count = std::min(batch, n - done);
    std::vector<uint32_t> slots(count);
    std::vector<const float*> pointers(count);
    for (size_t i = 0; i < count; ++i) {
      const auto& c = centres[rng() % centres.size()];
      float* v = vectors.data() + i * dim;
      for (size_t j = 0; j < dim; ++j) v[j] = c[j] + 0.5f * normal(rng);
      auto prepared = prepare_vector(Metric::kCosine, dim, v, dim, "vector");
      std::copy(prepared.begin(), prepared.end(), v);
      slots[i] = uint32_t(done + i);
      pointers[i] = v;
    }
    index->add_batch(slots, pointers);
    done += count;
    std::printf("{\"vectors\":%zu,\"heapMiB\":%zu,\"seconds\":%.1f}\n", done, heap_bytes() >> 20,
                (cpu_seconds() - start));
    std::fflush(stdout);
  }
  std::printf("{\"done\":true,\"vectors\":%zu,\"heapMiB\":%zu,\"heapAtStartMiB\":%zu}\n",
              index->size(), heap_bytes() >> 20, heap_start >> 20);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 13 && std::string(argv[1]) == "search") return search_bench(argv);
  if ((argc == 7 || argc == 8) && std::string(argv[1]) == "memory") return memory_bench(argv);
  std::fprintf(stderr, "usage: see the comment at the top of osprey_index_bench.cpp\n");
  return 2;
}
