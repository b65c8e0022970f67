// MaxSim throughput: 1000 candidates x 128 tokens x 128 dims (int8 codes, SIMD kernel) against a
// plain float32 MaxSim (what a straightforward implementation does), in the same process.
//   sh bench/rerank/build_bench.sh && node build/wasm/maxsim_bench.cjs
// Prints medians over repetitions for query lengths 8, 12, 16, 32 and 128 tokens.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "rerank/late_interaction.h"

using namespace osprey;
using Clock = std::chrono::steady_clock;

namespace {

float float_maxsim(const float* q, size_t qn, const float* d, size_t dn, size_t dim) {
  float sum = 0;
  for (size_t i = 0; i < qn; ++i) {
    float best = -std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < dn; ++j) {
      float s = 0;
      for (size_t k = 0; k < dim; ++k) s += q[i * dim + k] * d[j * dim + k];
      best = std::max(best, s);
    }
    sum += best;
  }
  return sum;
}

// V8 runs a WebAssembly function in its baseline tier (Liftoff) until it is entered again after
// tier-up, and wasm-opt inlines a function with one caller: a loop inlined into main() would run
// at baseline speed for the whole benchmark. Calls through volatile pointers cannot be inlined, so
// both measured functions are re-entered per document and tier up as they do in an application.
float (*volatile maxsim_call)(const TokenMatrix&, const TokenMatrix&) = maxsim;
float (*volatile float_maxsim_call)(const float*, size_t, const float*, size_t,
                                    size_t) = float_maxsim;

template <typename F>
double median_ms(int reps, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto a = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  const size_t docs = 1000, doc_tokens = 128, dim = 128;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0, 1);
  std::vector<std::vector<float>> raw(docs, std::vector<float>(doc_tokens * dim));
  std::vector<TokenMatrix> quantized;
  for (auto& d : raw) {
    for (auto& x : d) x = normal(rng);
    // unit-normalise for the float baseline, as quantize_tokens does
    for (size_t t = 0; t < doc_tokens; ++t) {
      double n = 0;
      for (size_t k = 0; k < dim; ++k) n += double(d[t * dim + k]) * d[t * dim + k];
      for (size_t k = 0; k < dim; ++k) d[t * dim + k] = float(d[t * dim + k] / std::sqrt(n));
    }
    quantized.push_back(quantize_tokens(d.data(), doc_tokens, dim, true, "doc"));
  }
#if defined(__wasm_simd128__)
  const char* target = "wasm simd128";
#else
  const char* target = "native";
#endif
  std::printf("MaxSim, %zu candidates x %zu tokens x %zu dims (%s)\n", docs, doc_tokens, dim,
              target);
  std::printf(
      "| query tokens | Osprey int8 SIMD (ms) | float32 scalar (ms) | speed-up | max |score diff| "
      "|\n");
  std::printf("|---|---|---|---|---|\n");
  {
    // Warm-up: both functions run long enough to be tiered up before anything is timed.
    const TokenMatrix& probe = quantized[0];
    float sink = 0;
    for (int r = 0; r < 3; ++r) {
      for (size_t d = 0; d < docs; ++d) sink += maxsim_call(probe, quantized[d]);
    }
    for (size_t d = 0; d < 100; ++d)
      sink += float_maxsim_call(raw[0].data(), 8, raw[d].data(), doc_tokens, dim);
    if (!(sink == sink)) std::printf("(NaN)\n");  // keeps the warm-up from being optimized out
  }
  for (size_t qn : {8u, 12u, 16u, 32u, 128u}) {
    std::vector<float> q(qn * dim);
    for (auto& x : q) x = normal(rng);
    for (size_t t = 0; t < qn; ++t) {
      double n = 0;
      for (size_t k = 0; k < dim; ++k) n += double(q[t * dim + k]) * q[t * dim + k];
      for (size_t k = 0; k < dim; ++k) q[t * dim + k] = float(q[t * dim + k] / std::sqrt(n));
    }
    TokenMatrix qm = quantize_tokens(q.data(), qn, dim, true, "query");
    std::vector<float> fast(docs), slow(docs);
    const int reps = qn >= 128 ? 5 : 11;
    double t_fast = median_ms(reps, [&] {
      for (size_t d = 0; d < docs; ++d) fast[d] = maxsim_call(qm, quantized[d]);
    });
    double t_slow = median_ms(qn >= 128 ? 3 : 5, [&] {
      for (size_t d = 0; d < docs; ++d)
        slow[d] = float_maxsim_call(q.data(), qn, raw[d].data(), doc_tokens, dim);
    });
    float diff = 0;
    for (size_t d = 0; d < docs; ++d) diff = std::max(diff, std::fabs(fast[d] - slow[d]));
    std::printf("| %zu | %.2f | %.2f | %.1fx | %.3f |\n", qn, t_fast, t_slow, t_slow / t_fast,
                diff);
  }
  return 0;
}
