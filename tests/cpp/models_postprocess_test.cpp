// Pooling, normalization, length bucketing, cross-encoder score conventions and token vectors.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "models/batching.h"
#include "models/pooling.h"
#include "models/scores.h"
#include "test_util.h"

using namespace osprey;
using namespace osprey::models;

TEST_CASE("models: mean pooling averages only the masked-in tokens") {
  // batch 2, seq 3, dim 2; row 1 has one padding token whose values must not count.
  const std::vector<float> data = {1, 2, 3, 4, 5, 6, /* row 1 */ 2, 0, 4, 2, 100, 100};
  const std::vector<int32_t> mask = {1, 1, 1, 1, 1, 0};
  const auto out = pool({data.data(), 2, 3, 2, mask.data()}, Pooling::kMean);
  CHECK(out == std::vector<float>{3, 4, 3, 1});
}

TEST_CASE("models: CLS, last-token and none pooling") {
  const std::vector<float> data = {1, 2, 3, 4, 5, 6, /* row 1 */ 7, 8, 9, 10, 11, 12};
  const std::vector<int32_t> right_padded = {1, 1, 0, 1, 1, 1};
  CHECK(pool({data.data(), 2, 3, 2, right_padded.data()}, Pooling::kCls) ==
        std::vector<float>{1, 2, 7, 8});
  CHECK(pool({data.data(), 2, 3, 2, right_padded.data()}, Pooling::kLastToken) ==
        std::vector<float>{3, 4, 11, 12});
  const std::vector<int32_t> left_padded = {0, 1, 1, 0, 0, 1};
  CHECK(pool({data.data(), 2, 3, 2, left_padded.data()}, Pooling::kLastToken) ==
        std::vector<float>{5, 6, 11, 12});
  CHECK(pool({data.data(), 3, 1, 4, nullptr}, Pooling::kNone) == data);
  CHECK(parse_pooling("last_token") == Pooling::kLastToken);
  CHECK_OSPREY_ERROR(parse_pooling("max"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(pool({data.data(), 2, 3, 2, nullptr}, Pooling::kMean),
                     ErrorCode::kInvalidArgument);
}

TEST_CASE("models: L2 normalization gives unit rows and keeps zero rows zero") {
  std::vector<float> rows = {3, 4, 0, 0, -1, 0};
  l2_normalize_rows(rows.data(), 3, 2);
  CHECK(rows[0] == doctest::Approx(0.6));
  CHECK(rows[1] == doctest::Approx(0.8));
  CHECK(rows[2] == 0);
  CHECK(rows[3] == 0);
  CHECK(rows[4] == doctest::Approx(-1));
}

TEST_CASE("models: length bucketing sorts by length and respects both budgets") {
  std::mt19937 rng(7);
  std::vector<uint32_t> lengths(101);
  for (auto& l : lengths) l = 1 + rng() % 200;
  const BatchPlan plan = plan_batches(lengths, 8, 512);
  std::vector<uint32_t> seen(plan.order);
  std::sort(seen.begin(), seen.end());
  std::vector<uint32_t> all(lengths.size());
  std::iota(all.begin(), all.end(), 0u);
  CHECK(seen == all);  // every text exactly once
  REQUIRE(plan.starts.front() == 0);
  REQUIRE(plan.starts.back() == lengths.size());
  for (size_t b = 0; b + 1 < plan.starts.size(); ++b) {
    const size_t n = plan.starts[b + 1] - plan.starts[b];
    CHECK(n >= 1);
    CHECK(n <= 8);
    uint32_t longest = 0;
    for (size_t i = plan.starts[b]; i < plan.starts[b + 1]; ++i) {
      longest = std::max(longest, lengths[plan.order[i]]);
      if (i > plan.starts[b]) CHECK(lengths[plan.order[i - 1]] <= lengths[plan.order[i]]);
    }
    if (n > 1) CHECK(n * longest <= 512);
  }
  CHECK(plan_batches({}, 4, 100).starts.size() == 1);
  CHECK_OSPREY_ERROR(plan_batches(lengths, 0, 100), ErrorCode::kInvalidArgument);
}

TEST_CASE("models: gather_rows pads and truncates into int64") {
  const std::vector<int32_t> m = {101, 7, 102, 0, /* row 1 */ 101, 8, 9, 102};
  CHECK(gather_rows(m.data(), 2, 4, {1, 0}, 5, -1) ==
        std::vector<int64_t>{101, 8, 9, 102, -1, 101, 7, 102, 0, -1});
  CHECK(gather_rows(m.data(), 2, 4, {0}, 2, 0) == std::vector<int64_t>{101, 7});
  CHECK_OSPREY_ERROR(gather_rows(m.data(), 2, 4, {2}, 4, 0), ErrorCode::kInvalidArgument);
}

TEST_CASE("models: cross-encoder scores never softmax a single logit") {
  const std::vector<float> one = {2.0f, -1.0f};
  CHECK(scores_from_logits(one.data(), 2, 1, ScoreMode::kRaw, 0) == std::vector<float>{2, -1});
  const auto sig = scores_from_logits(one.data(), 2, 1, ScoreMode::kAuto, 0);
  CHECK(sig[0] == doctest::Approx(1 / (1 + std::exp(-2.0))));
  CHECK(sig[1] == doctest::Approx(1 / (1 + std::exp(1.0))));
  CHECK(sig[0] != sig[1]);
  CHECK_OSPREY_ERROR(scores_from_logits(one.data(), 2, 1, ScoreMode::kSoftmax, 0),
                     ErrorCode::kInvalidArgument);
  // Two logits [negative, positive]: softmax of the positive label.
  const std::vector<float> two = {0.0f, 1.0f, 3.0f, 1.0f};
  const auto soft = scores_from_logits(two.data(), 2, 2, ScoreMode::kAuto, 1);
  CHECK(soft[0] == doctest::Approx(std::exp(1.0) / (1 + std::exp(1.0))));
  CHECK(soft[1] == doctest::Approx(std::exp(1.0) / (std::exp(3.0) + std::exp(1.0))));
  CHECK_OSPREY_ERROR(scores_from_logits(two.data(), 2, 2, ScoreMode::kAuto, 2),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(parse_score_mode("softmax1"), ErrorCode::kInvalidArgument);
}

TEST_CASE("models: token vectors drop padding and skipped ids, one block per text") {
  const std::vector<float> data = {3, 4, 1, 0, 0, 2, /* row 1 */ 5, 0, 9, 9, 7, 7};
  const std::vector<int32_t> mask = {1, 1, 1, 1, 1, 0};
  const std::vector<int32_t> ids = {101, 1010, 2000, 101, 3000, 0};
  const TokenVectors tv = token_vectors({data.data(), 2, 3, 2, mask.data()}, ids.data(), {1010},
                                        /*normalize=*/true);
  CHECK(tv.counts == std::vector<uint32_t>{2, 2});
  REQUIRE(tv.data.size() == 8);
  CHECK(tv.data[0] == doctest::Approx(0.6));
  CHECK(tv.data[1] == doctest::Approx(0.8));
  CHECK(tv.data[2] == doctest::Approx(0));
  CHECK(tv.data[3] == doctest::Approx(1));
  CHECK(tv.data[4] == doctest::Approx(1));
  CHECK(tv.data[6] == doctest::Approx(std::sqrt(0.5)));
}

TEST_CASE("models: the batch cut keeps padding low on mixed lengths") {
  // 32 short and 32 long texts, interleaved: sorted batching must not mix them.
  std::vector<uint32_t> lengths;
  for (int i = 0; i < 32; ++i) {
    lengths.push_back(8);
    lengths.push_back(200);
  }
  const BatchPlan plan = plan_batches(lengths, 32, 1 << 20);
  size_t padded = 0, real = 0;
  for (size_t b = 0; b + 1 < plan.starts.size(); ++b) {
    uint32_t longest = 0;
    for (size_t i = plan.starts[b]; i < plan.starts[b + 1]; ++i) {
      longest = std::max(longest, lengths[plan.order[i]]);
      real += lengths[plan.order[i]];
    }
    padded += size_t(longest) * (plan.starts[b + 1] - plan.starts[b]);
  }
  CHECK(padded == real);           // no padding at all
  CHECK(plan.starts.size() == 3);  // two batches: a call costs more than the padding it would save
  // Nearly equal lengths are batched together rather than split into many calls.
  const BatchPlan close = plan_batches(std::vector<uint32_t>(20, 50), 32, 1 << 20);
  CHECK(close.starts.size() == 2);
}
