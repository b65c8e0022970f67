#include <cmath>

#include "rerank/feedback.h"
#include "rerank/mmr.h"
#include "rerank/ranker.h"
#include "rerank/training.h"
#include "test_util.h"

using namespace osprey;

namespace {

// Queries of 8 candidates; feature 0 ("bm25") decides relevance (> 0.5 = relevant, graded by
// size), feature 1 ("dense") is noise, feature 2 ("log_length") is constant.
std::vector<TrainingQuery> separable_set(std::mt19937& rng, size_t queries) {
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<TrainingQuery> out;
  for (size_t q = 0; q < queries; ++q) {
    TrainingQuery tq;
    tq.features = FeatureMatrix(8, 3);
    for (size_t r = 0; r < 8; ++r) {
      const float signal = u(rng);
      tq.features.at(r, 0) = signal * 10;
      tq.features.at(r, 1) = u(rng);
      tq.features.at(r, 2) = 5;
      tq.labels.push_back(signal > 0.75f ? 2.0f : signal > 0.5f ? 1.0f : 0.0f);
    }
    out.push_back(std::move(tq));
  }
  return out;
}

FeatureSet three_features() {
  return FeatureSet{{"bm25", "dense", "log_length"}};
}

double mean_ndcg(const Ranker& r, const std::vector<TrainingQuery>& qs) {
  double sum = 0;
  size_t n = 0;
  for (const auto& q : qs) {
    std::vector<double> s;
    for (size_t i = 0; i < q.labels.size(); ++i) s.push_back(r.score(q.features.row(i)));
    if (*std::max_element(q.labels.begin(), q.labels.end()) == 0) continue;
    sum += ndcg_at(s, q.labels, 8);
    ++n;
  }
  return sum / double(n);
}

}  // namespace

TEST_CASE(
    "rerank training: every model and loss lowers the loss and ranks a separable set perfectly") {
  std::mt19937 rng(11);
  auto train = separable_set(rng, 40);
  auto test = separable_set(rng, 20);
  for (RankerKind kind : {RankerKind::kLinear, RankerKind::kTrees}) {
    for (RankLoss loss : {RankLoss::kPairwise, RankLoss::kListwise}) {
      CAPTURE(int(kind));
      CAPTURE(int(loss));
      TrainOptions o;
      o.kind = kind;
      o.loss = loss;
      o.trees = 30;
      o.min_leaf = 3;
      TrainReport report;
      Ranker r = train_ranker(three_features(), train, o, report);
      REQUIRE(report.loss_history.size() >= 2);
      CHECK(report.loss_history.back() < report.loss_history.front() * 0.8);
      CHECK(report.queries_used + report.queries_skipped == train.size());
      CHECK(mean_ndcg(r, test) == doctest::Approx(1.0));
      CHECK(ranking_loss(r, test, loss) < report.loss_history.front());
      CHECK(r.loss() == rank_loss_name(loss));
    }
  }
}

TEST_CASE("rerank training: explanations sum to the score; constant and missing features") {
  std::mt19937 rng(5);
  auto train = separable_set(rng, 30);
  train[0].features.at(0, 1) = NAN;  // a missing value for one candidate is allowed
  for (RankerKind kind : {RankerKind::kLinear, RankerKind::kTrees}) {
    TrainOptions o;
    o.kind = kind;
    o.trees = 20;
    o.min_leaf = 3;
    TrainReport report;
    Ranker r = train_ranker(three_features(), train, o, report);
    for (const auto& q : train) {
      for (size_t i = 0; i < q.labels.size(); ++i) {
        auto e = r.explain(q.features.row(i));
        double sum = e.bias;
        for (double c : e.contributions) sum += c;
        CHECK(sum == doctest::Approx(e.score).epsilon(1e-9));
        CHECK(e.contributions[2] == 0);  // the constant feature never contributes
      }
    }
    // Missing at scoring time: takes the training mean, contributes nothing for linear models.
    float row[3] = {NAN, 0.5f, 5};
    auto e = r.explain(row);
    CHECK(e.missing[0]);
    CHECK(!e.missing[1]);
    if (kind == RankerKind::kLinear) CHECK(e.contributions[0] == 0);
    CHECK(std::isfinite(e.score));
  }
}

TEST_CASE("rerank training: a saved ranker reloads identically") {
  std::mt19937 rng(9);
  auto train = separable_set(rng, 20);
  for (RankerKind kind : {RankerKind::kLinear, RankerKind::kTrees}) {
    TrainOptions o;
    o.kind = kind;
    o.trees = 10;
    TrainReport report;
    Ranker r = train_ranker(three_features(), train, o, report);
    ByteWriter out;
    r.save(out);
    ByteReader in(out.bytes().data(), out.size(), "ranker");
    Ranker back = Ranker::load(in);
    CHECK(in.done());
    CHECK(back == r);
    for (const auto& q : train) {
      for (size_t i = 0; i < q.labels.size(); ++i)
        CHECK(back.score(q.features.row(i)) == r.score(q.features.row(i)));
    }
    for (size_t cut : {size_t(0), size_t(3), out.size() - 1}) {
      ByteReader partial(out.bytes().data(), cut, "ranker");
      CHECK_OSPREY_ERROR(Ranker::load(partial), ErrorCode::kCorruptData);
    }
  }
}

TEST_CASE("rerank training: bad input is refused clearly") {
  std::mt19937 rng(2);
  auto train = separable_set(rng, 5);
  TrainOptions o;
  TrainReport report;
  CHECK_OSPREY_ERROR(train_ranker(FeatureSet{{"bm25", "dense"}}, train, o, report),
                     ErrorCode::kInvalidArgument);  // shape disagrees with the feature set
  CHECK_OSPREY_ERROR(train_ranker(FeatureSet{{"bm25", "bm25", "x"}}, train, o, report),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(train_ranker(FeatureSet{{"colour", "dense", "log_length"}}, train, o, report),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(train_ranker(three_features(), {}, o, report), ErrorCode::kInvalidArgument);
  auto flat = train;
  for (auto& q : flat) std::fill(q.labels.begin(), q.labels.end(), 1.0f);
  CHECK_OSPREY_ERROR(train_ranker(three_features(), flat, o, report), ErrorCode::kInvalidArgument);
  auto nan_label = train;
  nan_label[0].labels[0] = NAN;
  CHECK_OSPREY_ERROR(train_ranker(three_features(), nan_label, o, report),
                     ErrorCode::kInvalidArgument);
  auto all_missing = train;
  for (auto& q : all_missing) {
    for (size_t r = 0; r < q.features.rows; ++r) q.features.at(r, 1) = NAN;
  }
  CHECK_OSPREY_ERROR(train_ranker(three_features(), all_missing, o, report),
                     ErrorCode::kInvalidArgument);
  auto inf = train;
  inf[1].features.at(0, 0) = INFINITY;
  CHECK_OSPREY_ERROR(train_ranker(three_features(), inf, o, report), ErrorCode::kInvalidArgument);
  TrainOptions bad = o;
  bad.learning_rate = 0;
  CHECK_OSPREY_ERROR(train_ranker(three_features(), train, bad, report),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(parse_rank_loss("hinge"), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(parse_ranker_kind("forest"), ErrorCode::kInvalidArgument);
}

TEST_CASE("rerank: nDCG of hand-made rankings") {
  CHECK(ndcg_at({3, 2, 1}, {1, 0, 0}, 10) == doctest::Approx(1));
  CHECK(ndcg_at({1, 2, 3}, {1, 0, 0}, 10) == doctest::Approx(1 / std::log2(4.0)));
  CHECK(ndcg_at({1, 2}, {0, 0}, 10) == 0);
}

TEST_CASE("rerank feedback: judgements, smoothed popularity, save and reload") {
  FeedbackStore f;
  CHECK(f.popularity("a", 10) == 0);
  for (int i = 0; i < 9; ++i) f.record("wing lift", "a", 1);
  f.record("wing lift", "a", 0);
  f.record(" wing lift ", "b", 1);
  f.record("heat", "c", 0);
  // 10 clicks in 12 views overall; a: 9/10, b: 1/1, c: 0/1.
  const double mean = 10.0 / 12;
  CHECK(f.popularity("a", 10) == doctest::Approx((9 + 10 * mean) / (10 + 10)));
  CHECK(f.popularity("b", 10) == doctest::Approx((1 + 10 * mean) / (1 + 10)));
  CHECK(f.popularity("unseen", 10) == doctest::Approx(mean));
  CHECK(f.popularity("a", 10) > f.popularity("c", 10));
  REQUIRE(f.judgements().count("wing lift"));
  CHECK(f.judgements().at("wing lift").at("a") == 1);
  CHECK(f.judgements().at("wing lift").at("b") == 1);
  CHECK_OSPREY_ERROR(f.record("", "a", 1), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(f.record("q", "", 1), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(f.record("q", "a", NAN), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(f.record("q", "a", -1), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(f.record("q\xff", "a", 1), ErrorCode::kInvalidUtf8);
  CHECK(f.size() == 12);
  ByteWriter out;
  f.save(out);
  ByteReader in(out.bytes().data(), out.size(), "feedback");
  FeedbackStore back = FeedbackStore::load(in);
  CHECK(back.size() == 12);
  CHECK(back.popularity("a", 10) == f.popularity("a", 10));
  CHECK(back.judgements() == f.judgements());
}

TEST_CASE("rerank mmr: near-duplicates sink") {
  // 0 and 1 are duplicates; 2 is different and a bit less relevant.
  auto sim = [](size_t a, size_t b) { return (a < 2 && b < 2) ? 1.0 : 0.0; };
  auto order = mmr_order({1.0, 0.95, 0.9}, sim, 0.5, 3);
  CHECK(order == std::vector<size_t>{0, 2, 1});
  CHECK(mmr_order({1.0, 0.95, 0.9}, sim, 1.0, 3) == std::vector<size_t>{0, 1, 2});
  CHECK(mmr_order({1.0, 0.95, 0.9}, sim, 0.5, 1) == std::vector<size_t>{0});
  CHECK(mmr_order({}, sim, 0.5, 3).empty());
  CHECK_OSPREY_ERROR(mmr_order({1.0}, sim, 1.5, 3), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(mmr_order({NAN, 1.0}, sim, 0.5, 3), ErrorCode::kInvalidArgument);
}

TEST_CASE("rerank training: per-query normalisation is learned, saved and applied") {
  FeatureMatrix x(3, 2);
  x.at(0, 0) = 2, x.at(1, 0) = 4, x.at(2, 0) = 10;
  x.at(0, 1) = 7, x.at(1, 1) = NAN, x.at(2, 1) = 7;
  normalize_per_query(x, ScoreNormalization::kMinMax);
  CHECK(x.at(0, 0) == doctest::Approx(0));
  CHECK(x.at(1, 0) == doctest::Approx(0.25));
  CHECK(x.at(2, 0) == doctest::Approx(1));
  CHECK(x.at(0, 1) == 1);  // constant within the query
  CHECK(std::isnan(x.at(1, 1)));

  std::mt19937 rng(4);
  auto train = separable_set(rng, 30);
  // Each query's scores on its own scale: per-query normalisation removes it.
  std::uniform_real_distribution<float> scale(0.1f, 100);
  for (auto& q : train) {
    const float s = scale(rng);
    for (size_t r = 0; r < q.features.rows; ++r) q.features.at(r, 0) *= s;
  }
  TrainOptions o;
  o.query_normalization = ScoreNormalization::kMinMax;
  TrainReport report;
  Ranker r = train_ranker(three_features(), train, o, report);
  CHECK(r.query_normalization() == ScoreNormalization::kMinMax);
  CHECK(report.loss_history.back() < report.loss_history.front());
  ByteWriter out;
  r.save(out);
  ByteReader in(out.bytes().data(), out.size(), "ranker");
  Ranker back = Ranker::load(in);
  CHECK(back == r);
  CHECK(back.query_normalization() == ScoreNormalization::kMinMax);
  CHECK(ranking_loss(back, train, RankLoss::kPairwise) < 0.5 * report.loss_history.front());
}
