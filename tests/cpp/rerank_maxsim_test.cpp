#include <cmath>

#include "rerank/late_interaction.h"
#include "test_util.h"

using namespace osprey;
using osprey::test::random_vector;

TEST_CASE("rerank maxsim: SIMD kernel equals the scalar reference") {
  std::mt19937 rng(7);
  for (size_t dim : {1u, 15u, 16u, 100u, 128u, 131u}) {
    for (size_t q_count : {1u, 3u, 4u, 9u, 32u}) {
      auto q = random_vector(rng, q_count * dim);
      auto d = random_vector(rng, 57 * dim);
      TokenMatrix qm = quantize_tokens(q.data(), q_count, dim, true, "query");
      TokenMatrix dm = quantize_tokens(d.data(), 57, dim, true, "doc");
      const float fast = maxsim(qm, dm);
      const float slow = maxsim_scalar(qm, dm);
      CHECK(fast == doctest::Approx(slow).epsilon(1e-6));
      // Against float32 arithmetic: int8 quantisation costs at most about 1% of the cosines.
      const double ref = maxsim_float_reference(q.data(), q_count, dim, true, dm);
      CHECK(std::fabs(fast - ref) <= 0.02 * double(q_count));
    }
  }
}

TEST_CASE("rerank maxsim: hand-computed example and edge cases") {
  // Query tokens e1, e2; document tokens e1 and (e1+e2)/sqrt2: MaxSim = 1 + 1/sqrt2.
  const float q[] = {1, 0, 0, 1};
  const float d[] = {1, 0, 1, 1};
  TokenMatrix qm = quantize_tokens(q, 2, 2, true, "query");
  TokenMatrix dm = quantize_tokens(d, 2, 2, true, "doc");
  CHECK(maxsim(qm, dm) == doctest::Approx(1 + 1 / std::sqrt(2.0)).epsilon(0.01));
  CHECK(dm.stride == 16);

  TokenMatrix empty = quantize_tokens(q, 0, 2, true, "empty");
  CHECK(maxsim(empty, dm) == 0);
  CHECK(maxsim(qm, empty) == 0);
  const float zero[] = {0, 0};
  TokenMatrix zm = quantize_tokens(zero, 1, 2, true, "zero");
  CHECK(zm.scales[0] == 0);
  CHECK(maxsim(zm, dm) == 0);

  const float three[] = {1, 2, 3};
  TokenMatrix other = quantize_tokens(three, 1, 3, true, "other");
  CHECK_OSPREY_ERROR(maxsim(qm, other), ErrorCode::kDimensionMismatch);
  const float nan[] = {1, NAN};
  CHECK_OSPREY_ERROR(quantize_tokens(nan, 1, 2, true, "bad"), ErrorCode::kInvalidVector);
  CHECK_OSPREY_ERROR(quantize_tokens(q, 1, 0, true, "bad"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(quantize_tokens(q, 5000, 2, true, "big"), ErrorCode::kLimitExceeded);
}

TEST_CASE("rerank maxsim: weighted query tokens sum weight x best cosine") {
  // Same example as above with weights 2 and 0.5: 2 * 1 + 0.5 / sqrt2.
  const float q[] = {1, 0, 0, 1};
  const float d[] = {1, 0, 1, 1};
  TokenMatrix qm = quantize_tokens(q, 2, 2, true, "query");
  TokenMatrix dm = quantize_tokens(d, 2, 2, true, "doc");
  weight_tokens(qm, {2.0f, 0.5f}, "weights");
  CHECK(maxsim(qm, dm) == doctest::Approx(2 + 0.5 / std::sqrt(2.0)).epsilon(0.01));
  CHECK(maxsim(qm, dm) == doctest::Approx(maxsim_scalar(qm, dm)).epsilon(1e-6));
  weight_tokens(qm, {0.0f, 1.0f}, "weights");
  CHECK(maxsim(qm, dm) == doctest::Approx(0.5 / std::sqrt(2.0)).epsilon(0.01));

  TokenMatrix fresh = quantize_tokens(q, 2, 2, true, "query");
  const std::vector<float> before = fresh.scales;
  CHECK_OSPREY_ERROR(weight_tokens(fresh, {1.0f}, "weights"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(weight_tokens(fresh, {1.0f, -1.0f}, "weights"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(weight_tokens(fresh, {1.0f, NAN}, "weights"), ErrorCode::kInvalidArgument);
  CHECK(fresh.scales == before);  // a refused weighting changes nothing
}

TEST_CASE("rerank maxsim: token vector store saves and reloads exactly") {
  std::mt19937 rng(3);
  TokenVectorStore store;
  auto v = random_vector(rng, 5 * 20);
  store.put("a", quantize_tokens(v.data(), 5, 20, true, "a"));
  store.put("b", quantize_tokens(v.data(), 2, 20, false, "b"));
  auto w = random_vector(rng, 8);
  CHECK_OSPREY_ERROR(store.put("c", quantize_tokens(w.data(), 1, 8, true, "c")),
                     ErrorCode::kDimensionMismatch);
  ByteWriter out;
  store.save(out);
  ByteReader in(out.bytes().data(), out.size(), "tokens");
  TokenVectorStore back = TokenVectorStore::load(in);
  CHECK(in.done());
  REQUIRE(back.size() == 2);
  CHECK(back.find("a")->codes == store.find("a")->codes);
  CHECK(back.find("a")->scales == store.find("a")->scales);
  CHECK(back.dim() == 20);
  // Truncated bytes are refused, never read out of range.
  for (size_t cut : {size_t(1), out.size() / 2, out.size() - 1}) {
    ByteReader partial(out.bytes().data(), cut, "tokens");
    CHECK_OSPREY_ERROR(TokenVectorStore::load(partial), ErrorCode::kCorruptData);
  }
}
