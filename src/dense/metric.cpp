#include "dense/metric.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "dense/distance.h"

namespace osprey {

Metric parse_metric(const std::string& name) {
  if (name == "cosine") return Metric::kCosine;
  if (name == "ip" || name == "inner_product" || name == "dot") return Metric::kInnerProduct;
  if (name == "l2" || name == "euclidean") return Metric::kL2;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown metric '" + name + "': use 'cosine', 'ip' or 'l2'");
}

const char* metric_name(Metric metric) {
  switch (metric) {
    case Metric::kCosine:
      return "cosine";
    case Metric::kInnerProduct:
      return "ip";
    case Metric::kL2:
      return "l2";
  }
  return "cosine";
}

namespace {
constexpr double kMaxSquaredNorm = std::numeric_limits<float>::max() / 4.0;
}  // namespace

std::vector<float> prepare_vector(Metric metric, size_t dimension, const float* data, size_t size,
                                  const std::string& what) {
  if (size != dimension) {
    throw Error(ErrorCode::kDimensionMismatch, what + " has " + std::to_string(size) +
                                                   " dimensions; the collection has " +
                                                   std::to_string(dimension));
  }
  std::vector<float> v(data, data + size);
  double norm2 = 0;
  for (size_t i = 0; i < size; ++i) {
    if (!std::isfinite(v[i])) {
      throw Error(ErrorCode::kInvalidVector, what + " has a non-finite component (" +
                                                 std::to_string(v[i]) + ") at index " +
                                                 std::to_string(i));
    }
    norm2 += double(v[i]) * v[i];
  }
  if (metric == Metric::kCosine) {
    if (!(norm2 > 0) || !std::isfinite(norm2)) {
      throw Error(ErrorCode::kInvalidVector,
                  what + " has zero length, which has no direction under the cosine metric");
    }
    float inv = float(1.0 / std::sqrt(norm2));
    for (float& x : v) x *= inv;
  } else if (!(norm2 <= kMaxSquaredNorm)) {
    // Distances are float sums: |a - b|^2 <= 4 max(|a|^2, |b|^2) must stay finite.
    std::ostringstream message;
    message << what << " is too long for the " << (metric == Metric::kL2 ? "l2" : "ip")
            << " metric: its squared length is " << norm2 << ", at most " << kMaxSquaredNorm
            << " is accepted (scale the vectors down)";
    throw Error(ErrorCode::kInvalidVector, message.str());
  }
  return v;
}

float distance_between(Metric metric, const float* a, const float* b, size_t dimension) {
  return metric == Metric::kL2 ? l2_squared(a, b, dimension) : 1.0f - dot(a, b, dimension);
}

float score_from_distance(Metric metric, float distance) {
  return metric == Metric::kL2 ? -std::sqrt(std::max(0.0f, distance)) : 1.0f - distance;
}

}  // namespace osprey
