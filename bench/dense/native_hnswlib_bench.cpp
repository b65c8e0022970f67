// Reference point for bench/dense/dense_bench.mjs: plain hnswlib 0.6.2 (Debian's headers) with its
// own AVX inner-product space, compiled natively with -O3 -march=native, one thread.
// Usage: native_hnswlib_bench DATA.f32 N QUERIES.f32 Q TRUTH.u32 DIM M EFC EF1,EF2,... REPS
// (vectors unit length, row-major float32; truth = Q x 10 uint32 slots). Prints one JSON object.
// Times are CPU seconds of this process (the machine is shared).
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// CPU time of this process: the machine is shared, and wall time would measure the neighbours.
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 11) {
    std::fprintf(stderr, "usage: %s DATA N QUERIES Q TRUTH DIM M EFC EFS REPS\n", argv[0]);
    return 2;
  }
  const size_t n = std::stoul(argv[2]), q = std::stoul(argv[4]), dim = std::stoul(argv[6]);
  const size_t m = std::stoul(argv[7]), efc = std::stoul(argv[8]), reps = std::stoul(argv[10]);
  std::vector<size_t> efs;
  std::stringstream list(argv[9]);
  for (std::string item; std::getline(list, item, ',');) efs.push_back(std::stoul(item));
  const auto data = read_file<float>(argv[1], n * dim);
  const auto queries = read_file<float>(argv[3], q * dim);
  const auto truth = read_file<uint32_t>(argv[5], q * 10);

  hnswlib::InnerProductSpace space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, n, m, efc, 100);
  double start = cpu_seconds();
  for (size_t i = 0; i < n; ++i) index.addPoint(data.data() + i * dim, i);
  const double build_seconds = cpu_seconds() - start;

  std::printf("{\"engine\":\"native hnswlib\",\"buildSeconds\":%.3f,\"runs\":[", build_seconds);
  for (size_t e = 0; e < efs.size(); ++e) {
    index.setEf(efs[e]);
    std::vector<double> rates;
    double recall = 0;
    for (size_t r = 0; r < reps; ++r) {
      size_t found = 0;
      start = cpu_seconds();
      for (size_t i = 0; i < q; ++i) {
        auto top = index.searchKnn(queries.data() + i * dim, 10);
        for (; !top.empty(); top.pop()) {
          const uint32_t* expected = truth.data() + i * 10;
          found += std::count(expected, expected + 10, uint32_t(top.top().second));
        }
      }
      rates.push_back(double(q) / (cpu_seconds() - start));
      recall = double(found) / double(q * 10);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("%s{\"ef\":%zu,\"recall\":%.4f,\"qps\":%.1f}", e ? "," : "", efs[e], recall,
                rates[rates.size() / 2]);
  }
  std::printf("]}\n");
  return 0;
}
