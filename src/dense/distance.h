// Vector kernels: WASM SIMD128 in the browser, GCC/Clang vector extensions natively (AVX with
// -march=native). hnswlib's own SSE/AVX code is not compiled for WASM, so Osprey brings these.
#pragma once

#include <cstddef>
#include <cstdint>

namespace osprey {

float dot(const float* a, const float* b, size_t n);
float l2_squared(const float* a, const float* b, size_t n);

// Exact integer kernels over int8 codes in [-127, 127] (scalar quantization). The sums fit in
// int32 for any dimension up to 65536: |a*b| <= 127^2 and (a-b)^2 <= 254^2 per component.
int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n);
int32_t l2_squared_i8(const int8_t* a, const int8_t* b, size_t n);

}  // namespace osprey
