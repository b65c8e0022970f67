// Helpers shared by the C++ tests.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace osprey::test {

// Checks that `expr` throws osprey::Error with `code`.
#define CHECK_OSPREY_ERROR(expr, error_code)                         \
  do {                                                               \
    bool thrown_ = false;                                            \
    try {                                                            \
      (void)(expr);                                                  \
    } catch (const ::osprey::Error& e_) {                            \
      thrown_ = true;                                                \
      CHECK_MESSAGE(e_.code() == (error_code), e_.what());           \
    }                                                                \
    CHECK_MESSAGE(thrown_, "expected an osprey::Error from " #expr); \
  } while (0)

inline std::vector<float> random_vector(std::mt19937& rng, size_t dim) {
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> v(dim);
  for (auto& x : v) x = normal(rng);
  return v;
}

inline std::string shared_data(const std::string& relative) {
  return std::string(OSPREY_SHARED_DATA) + "/" + relative;
}

// A whole file as bytes; fails the test when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace osprey::test
