#include "dense/distance.h"

#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace osprey {

#if defined(__wasm_simd128__)

float dot(const float* a, const float* b, size_t n) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  v128_t acc = wasm_f32x4_add(acc0, acc1);
  float sum = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
              wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared(const float* a, const float* b, size_t n) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(d0, d0));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(d1, d1));
  }
  v128_t acc = wasm_f32x4_add(acc0, acc1);
  float sum = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
              wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (; i < n; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

#else

namespace {
typedef float Lanes __attribute__((vector_size(32)));  // 8 floats: one AVX register

inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);  // unaligned-safe
  return v;
}

inline float horizontal_sum(Lanes v) {
  float sum = 0;
  for (int i = 0; i < 8; ++i) sum += v[i];
  return sum;
}
}  // namespace

float dot(const float* a, const float* b, size_t n) {
  Lanes acc0 = {}, acc1 = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 += load(a + i) * load(b + i);
    acc1 += load(a + i + 8) * load(b + i + 8);
  }
  for (; i + 8 <= n; i += 8) acc0 += load(a + i) * load(b + i);
  float sum = horizontal_sum(acc0 + acc1);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared(const float* a, const float* b, size_t n) {
  Lanes acc0 = {}, acc1 = {};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Lanes d0 = load(a + i) - load(b + i);
    Lanes d1 = load(a + i + 8) - load(b + i + 8);
    acc0 += d0 * d0;
    acc1 += d1 * d1;
  }
  for (; i + 8 <= n; i += 8) {
    Lanes d = load(a + i) - load(b + i);
    acc0 += d * d;
  }
  float sum = horizontal_sum(acc0 + acc1);
  for (; i < n; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

#endif

}  // namespace osprey
