// Seeded clustered vectors for the dense tests (dense_index_test.cpp, dense_collection_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "dense/metric.h"
#include "test_util.h"

namespace osprey::test {

struct DataSet {
  size_t dimension;
  std::vector<std::vector<float>> vectors;
  std::vector<std::vector<float>> queries;
};

// `clusters` random centres, members = centre + `spread` * noise, prepared for the metric (unit
// length under cosine); the queries are more members.
inline DataSet clustered(Metric metric, size_t count, size_t queries, size_t dimension,
                         size_t clusters, float spread, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<float>> centres;
  for (size_t c = 0; c < clusters; ++c) centres.push_back(random_vector(rng, dimension));
  auto member = [&] {
    auto v = random_vector(rng, dimension);
    const auto& centre = centres[rng() % clusters];
    for (size_t i = 0; i < dimension; ++i) v[i] = centre[i] + spread * v[i];
    return prepare_vector(metric, dimension, v.data(), v.size(), "test vector");
  };
  DataSet d{dimension, {}, {}};
  for (size_t i = 0; i < count; ++i) d.vectors.push_back(member());
  for (size_t i = 0; i < queries; ++i) d.queries.push_back(member());
  return d;
}

}  // namespace osprey::test
