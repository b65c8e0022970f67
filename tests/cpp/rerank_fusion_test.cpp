#include <cmath>

#include "fusion/rank_fusion.h"
#include "fusion/score_fusion.h"
#include "test_util.h"

using namespace osprey;

TEST_CASE("rerank fusion: RRF matches hand-computed scores") {
  // a: ranks 1 and 2; b: ranks 2 and 1; c: rank 3 in the first list only. k = 10.
  std::vector<ScoredSlot> l1 = {{1, 9}, {2, 5}, {3, 1}}, l2 = {{2, 0.9f}, {1, 0.1f}};
  auto fused = reciprocal_rank_fusion({l1, l2}, 10, 10);
  REQUIRE(fused.size() == 3);
  CHECK(fused[0].slot == 1);  // tie 1/11 + 1/12 broken by slot
  CHECK(fused[1].slot == 2);
  CHECK(fused[0].score == doctest::Approx(1.0 / 11 + 1.0 / 12));
  CHECK(fused[1].score == doctest::Approx(1.0 / 12 + 1.0 / 11));
  CHECK(fused[2].slot == 3);
  CHECK(fused[2].score == doctest::Approx(1.0 / 13));
  CHECK(reciprocal_rank_fusion({l1, l2}, 60, 1).size() == 1);
}

TEST_CASE("rerank fusion: min-max and z-score normalisation") {
  std::vector<float> s = {2, 4, 10};
  normalize_scores(s, ScoreNormalization::kMinMax);
  CHECK(s[0] == doctest::Approx(0));
  CHECK(s[1] == doctest::Approx(0.25));
  CHECK(s[2] == doctest::Approx(1));

  std::vector<float> z = {1, 2, 3};
  normalize_scores(z, ScoreNormalization::kZScore);  // mean 2, population sd sqrt(2/3)
  CHECK(z[0] == doctest::Approx(-1 / std::sqrt(2.0 / 3)));
  CHECK(z[1] == doctest::Approx(0));
  CHECK(z[2] == doctest::Approx(1 / std::sqrt(2.0 / 3)));

  std::vector<float> constant = {3, 3};
  auto c2 = constant;
  normalize_scores(constant, ScoreNormalization::kMinMax);
  CHECK(constant == std::vector<float>{1, 1});
  normalize_scores(c2, ScoreNormalization::kZScore);
  CHECK(c2 == std::vector<float>{0, 0});

  std::vector<float> empty;
  normalize_scores(empty, ScoreNormalization::kZScore);
  CHECK(empty.empty());
  std::vector<float> bad = {1, NAN};
  CHECK_OSPREY_ERROR(normalize_scores(bad, ScoreNormalization::kMinMax),
                     ErrorCode::kInvalidArgument);
  CHECK(parse_score_normalization("zscore") == ScoreNormalization::kZScore);
  CHECK_OSPREY_ERROR(parse_score_normalization("softmax"), ErrorCode::kInvalidArgument);
}

TEST_CASE("rerank fusion: convex combination with per-query weights") {
  // Sparse: slot 1 = 10, slot 2 = 5, slot 3 = 0 -> min-max 1, 0.5, 0.
  // Dense:  slot 2 = 0.9, slot 4 = 0.5         -> min-max 1, 0.
  std::vector<ScoredSlot> sparse = {{1, 10}, {2, 5}, {3, 0}}, dense = {{2, 0.9f}, {4, 0.5f}};
  auto fused = convex_combination({sparse, dense}, {3, 1}, ScoreNormalization::kMinMax, 10);
  // weights 0.75 / 0.25; absent from a list = that list's minimum (0 under min-max).
  REQUIRE(fused.size() == 4);
  CHECK(fused[0].slot == 1);
  CHECK(fused[0].score == doctest::Approx(0.75));
  CHECK(fused[1].slot == 2);
  CHECK(fused[1].score == doctest::Approx(0.75 * 0.5 + 0.25));
  CHECK(fused[2].score == doctest::Approx(0));
  // Other weights for another query flip the order.
  auto dense_heavy = convex_combination({sparse, dense}, {1, 3}, ScoreNormalization::kMinMax, 10);
  CHECK(dense_heavy[0].slot == 2);
  CHECK(dense_heavy[0].score == doctest::Approx(0.25 * 0.5 + 0.75));

  auto top1 = convex_combination({sparse, dense}, {1, 1}, ScoreNormalization::kZScore, 1);
  CHECK(top1.size() == 1);
  CHECK(convex_combination({{}, {}}, {1, 1}, ScoreNormalization::kMinMax, 10).empty());
  CHECK_OSPREY_ERROR(convex_combination({sparse, dense}, {1}, ScoreNormalization::kMinMax, 10),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(convex_combination({sparse, dense}, {0, 0}, ScoreNormalization::kMinMax, 10),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(convex_combination({sparse, dense}, {-1, 2}, ScoreNormalization::kMinMax, 10),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(
      convex_combination({{{1, NAN}}, dense}, {1, 1}, ScoreNormalization::kMinMax, 10),
      ErrorCode::kInvalidArgument);
}
