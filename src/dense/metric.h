// Similarity metrics of the dense index. Scores are always "higher is better":
// cosine similarity, inner product, or the negated Euclidean distance.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace osprey {

enum class Metric : uint8_t { kCosine = 0, kInnerProduct = 1, kL2 = 2 };

Metric parse_metric(const std::string& name);  // "cosine" | "ip" | "l2"
const char* metric_name(Metric metric);

// Checks a caller's vector (dimension, finite components, non-zero under cosine) and returns it in
// the form the index stores: unit length for cosine. `what` names it in error messages.
std::vector<float> prepare_vector(Metric metric, size_t dimension, const float* data, size_t size,
                                  const std::string& what);

// Distance as hnswlib wants it (lower is better), and back to Osprey's score.
float distance_between(Metric metric, const float* a, const float* b, size_t dimension);
float score_from_distance(Metric metric, float distance);

}  // namespace osprey
