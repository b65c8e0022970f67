#include "dense/distance.h"

#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace osprey {

#if defined(__wasm_simd128__)

namespace {
inline float horizontal_sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

inline int32_t horizontal_sum_i32(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}
}  // namespace

// Four independent accumulators hide the add latency (WASM SIMD128 has no fused multiply-add);
// 16 floats per iteration divide the common embedding sizes (384, 768, 1024) exactly.
float dot(const float* a, const float* b, size_t n) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc1 =
        wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    acc2 =
        wasm_f32x4_add(acc2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    acc3 = wasm_f32x4_add(acc3,
                          wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  for (; i + 4 <= n; i += 4) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  }
  float sum =
      horizontal_sum(wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3)));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared(const float* a, const float* b, size_t n) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t d0 = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t d1 = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    v128_t d2 = wasm_f32x4_sub(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8));
    v128_t d3 = wasm_f32x4_sub(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(d0, d0));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(d1, d1));
    acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(d2, d2));
    acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(d3, d3));
  }
  for (; i + 4 <= n; i += 4) {
    v128_t d = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(d, d));
  }
  float sum =
      horizontal_sum(wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3)));
  for (; i < n; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

// 16 codes per step: sign-extend to two i16x8 halves, then i32x4.dot_i16x8 multiplies and adds
// adjacent pairs into int32 lanes (one instruction per 8 products).
int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = acc0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);
    acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(va),
                                                     wasm_i16x8_extend_low_i8x16(vb)));
    acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(va),
                                                     wasm_i16x8_extend_high_i8x16(vb)));
  }
  int32_t sum = horizontal_sum_i32(wasm_i32x4_add(acc0, acc1));
  for (; i < n; ++i) sum += int32_t(a[i]) * b[i];
  return sum;
}

int32_t l2_squared_i8(const int8_t* a, const int8_t* b, size_t n) {
  v128_t acc0 = wasm_i32x4_splat(0), acc1 = acc0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t va = wasm_v128_load(a + i), vb = wasm_v128_load(b + i);
    v128_t lo = wasm_i16x8_sub(wasm_i16x8_extend_low_i8x16(va), wasm_i16x8_extend_low_i8x16(vb));
    v128_t hi = wasm_i16x8_sub(wasm_i16x8_extend_high_i8x16(va), wasm_i16x8_extend_high_i8x16(vb));
    acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(lo, lo));
    acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(hi, hi));
  }
  int32_t sum = horizontal_sum_i32(wasm_i32x4_add(acc0, acc1));
  for (; i < n; ++i) sum += (int32_t(a[i]) - b[i]) * (int32_t(a[i]) - b[i]);
  return sum;
}

#else

namespace {
typedef float Lanes __attribute__((vector_size(32)));     // 8 floats: one AVX register
typedef int8_t Bytes __attribute__((vector_size(16)));    // 16 codes
typedef int16_t Shorts __attribute__((vector_size(32)));  // the same codes widened
typedef int32_t Ints __attribute__((vector_size(64)));

inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);  // unaligned-safe
  return v;
}

inline Bytes load_bytes(const int8_t* p) {
  Bytes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline float horizontal_sum(Lanes v) {
  float sum = 0;
  for (int i = 0; i < 8; ++i) sum += v[i];
  return sum;
}
}  // namespace

float dot(const float* a, const float* b, size_t n) {
  Lanes acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 += load(a + i) * load(b + i);
    acc1 += load(a + i + 8) * load(b + i + 8);
    acc2 += load(a + i + 16) * load(b + i + 16);
    acc3 += load(a + i + 24) * load(b + i + 24);
  }
  for (; i + 8 <= n; i += 8) acc0 += load(a + i) * load(b + i);
  float sum = horizontal_sum((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float l2_squared(const float* a, const float* b, size_t n) {
  Lanes acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    Lanes d0 = load(a + i) - load(b + i);
    Lanes d1 = load(a + i + 8) - load(b + i + 8);
    Lanes d2 = load(a + i + 16) - load(b + i + 16);
    Lanes d3 = load(a + i + 24) - load(b + i + 24);
    acc0 += d0 * d0;
    acc1 += d1 * d1;
    acc2 += d2 * d2;
    acc3 += d3 * d3;
  }
  for (; i + 8 <= n; i += 8) {
    Lanes d = load(a + i) - load(b + i);
    acc0 += d * d;
  }
  float sum = horizontal_sum((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

// Widening multiply in 16-bit lanes (products of codes fit in int16) summed into int32 lanes;
// the compiler maps this onto pmaddwd/vpmaddwd.
int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  size_t i = 0;
  Ints acc = {};
  for (; i + 16 <= n; i += 16) {
    Shorts prod = __builtin_convertvector(load_bytes(a + i), Shorts) *
                  __builtin_convertvector(load_bytes(b + i), Shorts);
    acc += __builtin_convertvector(prod, Ints);
  }
  for (int l = 0; l < 16; ++l) sum += acc[l];
  for (; i < n; ++i) sum += int32_t(a[i]) * b[i];
  return sum;
}

int32_t l2_squared_i8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  size_t i = 0;
  Ints acc = {};
  for (; i + 16 <= n; i += 16) {
    Ints d = __builtin_convertvector(load_bytes(a + i), Ints) -
             __builtin_convertvector(load_bytes(b + i), Ints);
    acc += d * d;
  }
  for (int l = 0; l < 16; ++l) sum += acc[l];
  for (; i < n; ++i) sum += (int32_t(a[i]) - b[i]) * (int32_t(a[i]) - b[i]);
  return sum;
}

#endif

}  // namespace osprey
