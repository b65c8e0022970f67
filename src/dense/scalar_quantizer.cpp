#include "dense/scalar_quantizer.h"

#include <algorithm>
#include <cmath>

namespace osprey {

ScalarQuantizer ScalarQuantizer::fit(const float* vectors, size_t count, size_t dimension) {
  std::vector<float> low(dimension, INFINITY), high(dimension, -INFINITY);
  for (size_t v = 0; v < count; ++v) {
    const float* x = vectors + v * dimension;
    for (size_t i = 0; i < dimension; ++i) {
      low[i] = std::min(low[i], x[i]);
      high[i] = std::max(high[i], x[i]);
    }
  }
  ScalarQuantizer q;
  q.offset_.resize(dimension);
  float half_range = 0;
  for (size_t i = 0; i < dimension; ++i) {
    if (count == 0) low[i] = high[i] = 0;
    // Halved before adding: the sum (or difference) of two large floats would overflow.
    q.offset_[i] = 0.5f * low[i] + 0.5f * high[i];
    half_range = std::max(half_range, 0.5f * high[i] - 0.5f * low[i]);
  }
  // A little headroom: vectors added after fitting may reach slightly past the fitted range.
  q.step_ = half_range > 0 ? half_range * 1.05f / 127.0f : 1.0f;
  q.finish();
  return q;
}

void ScalarQuantizer::finish() {
  double norm2 = 0;
  for (float o : offset_) norm2 += double(o) * o;
  offset_norm2_ = float(norm2);
}

float ScalarQuantizer::encode(const float* vector, int8_t* codes) const {
  const float inverse = 1.0f / step_;
  for (size_t i = 0; i < offset_.size(); ++i) {
    // A denormal step makes `inverse` infinite, and 0 * inf is NaN: converting NaN to int8 is UB.
    const float c = (vector[i] - offset_[i]) * inverse;
    codes[i] = c != c ? 0 : int8_t(std::clamp(std::nearbyint(c), -127.0f, 127.0f));
  }
  return bias(codes);
}

float ScalarQuantizer::bias(const int8_t* codes) const {
  double sum = 0;
  for (size_t i = 0; i < offset_.size(); ++i) sum += double(offset_[i]) * codes[i];
  return float(sum * step_);
}

void ScalarQuantizer::decode(const int8_t* codes, float* out) const {
  for (size_t i = 0; i < offset_.size(); ++i) out[i] = offset_[i] + step_ * codes[i];
}

void ScalarQuantizer::save(ByteWriter& out) const {
  out.f32(step_);
  out.floats(offset_.data(), offset_.size());
}

ScalarQuantizer ScalarQuantizer::load(ByteReader& in, size_t dimension) {
  ScalarQuantizer q;
  q.step_ = in.f32();
  if (!(q.step_ > 0) || !std::isfinite(q.step_)) in.fail("bad quantizer step");
  q.offset_.resize(dimension);
  in.floats(q.offset_.data(), dimension);
  for (float o : q.offset_) {
    if (!std::isfinite(o)) in.fail("bad quantizer offset");
  }
  q.finish();
  return q;
}

}  // namespace osprey
