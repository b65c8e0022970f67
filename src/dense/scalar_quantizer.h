// int8 scalar quantization (as Faiss's SQ8, with one shared step): x[i] ~ offset[i] + step *
// code[i], code in [-127, 127]. Per-dimension offsets (mid-range) are fitted on the data; a single
// step keeps code-to-code distances exact integer dot products, which SIMD computes 16 codes at a
// time:
//   dot(x, y) = sum(offset^2) + bias(x) + bias(y) + step^2 * dot(code_x, code_y),
//   with bias(x) = step * dot(offset, code_x);
//   |x - y|^2 = step^2 * |code_x - code_y|^2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

class ScalarQuantizer {
 public:
  ScalarQuantizer() = default;

  // Fits offsets and step on `count` vectors of `dimension` floats (stored back to back).
  static ScalarQuantizer fit(const float* vectors, size_t count, size_t dimension);

  size_t dimension() const { return offset_.size(); }
  float step() const { return step_; }
  float offset_norm2() const { return offset_norm2_; }

  // Writes dimension() codes (components outside the fitted range are clamped) and returns bias.
  float encode(const float* vector, int8_t* codes) const;
  float bias(const int8_t* codes) const;
  void decode(const int8_t* codes, float* out) const;

  void save(ByteWriter& out) const;
  static ScalarQuantizer load(ByteReader& in, size_t dimension);

 private:
  void finish();

  std::vector<float> offset_;
  float step_ = 1;
  float offset_norm2_ = 0;
};

}  // namespace osprey
