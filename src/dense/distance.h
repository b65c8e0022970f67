// Float32 vector kernels: WASM SIMD128 in the browser, GCC/Clang vector extensions natively (AVX
// with -march=native). hnswlib's own SSE/AVX code is not compiled for WASM, so Osprey brings these.
#pragma once

#include <cstddef>

namespace osprey {

float dot(const float* a, const float* b, size_t n);
float l2_squared(const float* a, const float* b, size_t n);

}  // namespace osprey
