#include "rerank/training.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace osprey {

RankLoss parse_rank_loss(const std::string& name) {
  if (name == "pairwise" || name == "ranknet" || name.empty()) return RankLoss::kPairwise;
  if (name == "listwise" || name == "listnet") return RankLoss::kListwise;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown loss '" + name + "': use 'pairwise' or 'listwise'");
}

const char* rank_loss_name(RankLoss loss) {
  return loss == RankLoss::kListwise ? "listwise" : "pairwise";
}

void TrainOptions::validate() const {
  auto bad = [](const std::string& what) { throw Error(ErrorCode::kInvalidArgument, what); };
  if (epochs == 0 || epochs > 100000) bad("epochs must be in [1, 100000]");
  if (!(learning_rate > 0 && learning_rate <= 10)) bad("learningRate must be in (0, 10]");
  if (!(l2 >= 0 && l2 <= 100)) bad("l2 must be in [0, 100]");
  if (trees == 0 || trees > 10000) bad("trees must be in [1, 10000]");
  if (max_depth == 0 || max_depth > 10) bad("maxDepth must be in [1, 10]");
  if (min_leaf == 0) bad("minLeaf must be >= 1");
  if (!(shrinkage > 0 && shrinkage <= 1)) bad("shrinkage must be in (0, 1]");
}

double ndcg_at(const std::vector<double>& scores, const std::vector<float>& labels, size_t k) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  // Ties broken against the candidate (by index descending would be arbitrary): keep input order.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  std::vector<float> ideal = labels;
  std::sort(ideal.begin(), ideal.end(), std::greater<float>());
  double dcg = 0, idcg = 0;
  for (size_t r = 0; r < std::min(k, order.size()); ++r) {
    dcg += (std::pow(2.0, labels[order[r]]) - 1) / std::log2(double(r) + 2);
    idcg += (std::pow(2.0, ideal[r]) - 1) / std::log2(double(r) + 2);
  }
  return idcg > 0 ? dcg / idcg : 0;
}

namespace {

inline double softplus_neg(double d) {  // log(1 + exp(-d)), stable
  return d > 0 ? std::log1p(std::exp(-d)) : -d + std::log1p(std::exp(d));
}

// Loss of one query and (optionally) gradient and Hessian diagonal with respect to its scores,
// normalised so that every query weighs the same.
double query_loss(const std::vector<double>& s, const std::vector<float>& y, RankLoss loss,
                  bool lambda_weighting, double* g, double* h) {
  const size_t n = s.size();
  if (loss == RankLoss::kListwise) {
    double smax = *std::max_element(s.begin(), s.end());
    double ymax = *std::max_element(y.begin(), y.end());
    double zs = 0, zy = 0;
    for (size_t i = 0; i < n; ++i) zs += std::exp(s[i] - smax), zy += std::exp(double(y[i]) - ymax);
    double value = 0;
    for (size_t i = 0; i < n; ++i) {
      const double ps = std::exp(s[i] - smax) / zs;
      const double py = std::exp(double(y[i]) - ymax) / zy;
      // KL(P_y || P_s): the cross-entropy minus the labels' entropy, so a perfect fit is 0.
      value += py * ((double(y[i]) - ymax - std::log(zy)) - (s[i] - smax - std::log(zs)));
      if (g) g[i] += ps - py;
      if (h) h[i] += ps * (1 - ps);
    }
    return value;
  }
  // Pairwise: every pair with different labels, the more relevant one should score higher.
  std::vector<double> inv_discount;
  double idcg = 0;
  if (lambda_weighting && g) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a] > s[b]; });
    inv_discount.resize(n);
    for (size_t r = 0; r < n; ++r) inv_discount[order[r]] = 1.0 / std::log2(double(r) + 2);
    std::vector<float> ideal = y;
    std::sort(ideal.begin(), ideal.end(), std::greater<float>());
    for (size_t r = 0; r < n; ++r) idcg += (std::pow(2.0, ideal[r]) - 1) / std::log2(double(r) + 2);
  }
  size_t pairs = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) pairs += y[i] > y[j];
  }
  if (pairs == 0) return 0;
  double value = 0;
  const double norm = 1.0 / double(pairs);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (!(y[i] > y[j])) continue;
      const double d = s[i] - s[j];
      value += softplus_neg(d) * norm;
      if (!g) continue;
      double w = norm;
      if (lambda_weighting && idcg > 0) {
        const double delta = std::fabs((std::pow(2.0, y[i]) - std::pow(2.0, y[j])) *
                                       (inv_discount[i] - inv_discount[j])) /
                             idcg;
        w *= delta * double(pairs) / double(n);  // keep the gradient scale comparable
      }
      const double rho = 1.0 / (1.0 + std::exp(d));
      g[i] -= w * rho;
      g[j] += w * rho;
      if (h) {
        h[i] += w * rho * (1 - rho);
        h[j] += w * rho * (1 - rho);
      }
    }
  }
  return value;
}

bool teaches_order(const std::vector<float>& labels) {
  return !labels.empty() && *std::max_element(labels.begin(), labels.end()) >
                                *std::min_element(labels.begin(), labels.end());
}

struct Dataset {
  std::vector<size_t> begin;  // row offset of each used query
  std::vector<const TrainingQuery*> queries;
  std::vector<float> z;  // standardised rows, row-major
  size_t rows = 0, cols = 0;
};

// Histogram split search: candidate thresholds are up to 32 quantiles of each feature.
struct TreeBuilder {
  const Dataset& data;
  const std::vector<double>& g;
  const std::vector<double>& h;
  const TrainOptions& options;
  std::vector<std::vector<float>> thresholds;
  double lambda;

  static constexpr size_t kBins = 32;

  void prepare_thresholds() {
    thresholds.assign(data.cols, {});
    for (size_t f = 0; f < data.cols; ++f) {
      std::vector<float> v(data.rows);
      for (size_t r = 0; r < data.rows; ++r) v[r] = data.z[r * data.cols + f];
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      if (v.size() <= 1) continue;
      if (v.size() <= kBins) {
        thresholds[f].assign(v.begin(), v.end() - 1);
      } else {
        for (size_t b = 1; b < kBins; ++b) thresholds[f].push_back(v[b * v.size() / kBins]);
        thresholds[f].erase(std::unique(thresholds[f].begin(), thresholds[f].end()),
                            thresholds[f].end());
      }
    }
  }

  float leaf_value(double G, double H) const {
    return float(-G / (H + lambda) * options.shrinkage);
  }

  uint32_t build(RegressionTree& tree, std::vector<uint32_t>& rows, uint32_t depth) {
    double G = 0, H = 0;
    for (uint32_t r : rows) G += g[r], H += h[r];
    const uint32_t id = uint32_t(tree.nodes.size());
    tree.nodes.push_back({});
    tree.nodes[id].value = leaf_value(G, H);
    if (depth >= options.max_depth || rows.size() < 2 * size_t(options.min_leaf)) return id;

    const double parent = G * G / (H + lambda);
    double best_gain = 1e-12;
    int best_feature = -1;
    float best_threshold = 0;
    for (size_t f = 0; f < data.cols; ++f) {
      const auto& t = thresholds[f];
      if (t.empty()) continue;
      std::vector<double> hg(t.size() + 1, 0), hh(t.size() + 1, 0);
      std::vector<uint32_t> hc(t.size() + 1, 0);
      for (uint32_t r : rows) {
        const float x = data.z[size_t(r) * data.cols + f];
        const size_t bin = size_t(std::lower_bound(t.begin(), t.end(), x) - t.begin());
        hg[bin] += g[r], hh[bin] += h[r], ++hc[bin];
      }
      double gl = 0, hl = 0;
      uint32_t cl = 0;
      for (size_t b = 0; b < t.size(); ++b) {
        gl += hg[b], hl += hh[b], cl += hc[b];
        const size_t cr = rows.size() - cl;
        if (cl < options.min_leaf || cr < options.min_leaf) continue;
        const double gr = G - gl, hr = H - hl;
        const double gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent;
        if (gain > best_gain) best_gain = gain, best_feature = int(f), best_threshold = t[b];
      }
    }
    if (best_feature < 0) return id;
    std::vector<uint32_t> left, right;
    for (uint32_t r : rows) {
      (data.z[size_t(r) * data.cols + size_t(best_feature)] <= best_threshold ? left : right)
          .push_back(r);
    }
    rows.clear();
    rows.shrink_to_fit();
    tree.nodes[id].feature = best_feature;
    tree.nodes[id].threshold = best_threshold;
    const uint32_t l = build(tree, left, depth + 1);
    const uint32_t r = build(tree, right, depth + 1);
    tree.nodes[id].left = l;
    tree.nodes[id].right = r;
    return id;
  }
};

double dataset_loss(const Dataset& d, const std::vector<double>& scores, RankLoss loss, bool lambda,
                    std::vector<double>* g, std::vector<double>* h) {
  double total = 0;
  if (g) g->assign(d.rows, 0.0);
  if (h) h->assign(d.rows, 0.0);
  for (size_t q = 0; q < d.queries.size(); ++q) {
    const size_t b = d.begin[q], n = d.queries[q]->labels.size();
    std::vector<double> s(scores.begin() + long(b), scores.begin() + long(b + n));
    total += query_loss(s, d.queries[q]->labels, loss, lambda, g ? g->data() + b : nullptr,
                        h ? h->data() + b : nullptr);
  }
  const double inv = 1.0 / double(d.queries.size());
  if (g)
    for (double& x : *g) x *= inv;
  if (h)
    for (double& x : *h) x *= inv;
  return total * inv;
}

}  // namespace

Ranker train_ranker(const FeatureSet& features, const std::vector<TrainingQuery>& raw_queries,
                    const TrainOptions& options, TrainReport& report) {
  std::vector<TrainingQuery> normalized;
  if (options.query_normalization != ScoreNormalization::kNone) {
    normalized = raw_queries;
    for (auto& q : normalized) {
      if (q.features.values.size() == q.features.rows * q.features.cols) {
        for (float v : q.features.values) {
          if (std::isinf(v))
            throw Error(ErrorCode::kInvalidArgument,
                        "a training query has an infinite feature value");
        }
        normalize_per_query(q.features, options.query_normalization);
      }
    }
  }
  const std::vector<TrainingQuery>& queries =
      options.query_normalization != ScoreNormalization::kNone ? normalized : raw_queries;
  features.validate();
  options.validate();
  const size_t cols = features.size();
  report = TrainReport{};
  Dataset data;
  data.cols = cols;
  for (size_t q = 0; q < queries.size(); ++q) {
    const TrainingQuery& tq = queries[q];
    const std::string where = "training query #" + std::to_string(q);
    if (tq.features.cols != cols || tq.features.rows != tq.labels.size() ||
        tq.features.values.size() != tq.features.rows * tq.features.cols) {
      throw Error(ErrorCode::kInvalidArgument,
                  where + " has " + std::to_string(tq.features.rows) + "x" +
                      std::to_string(tq.features.cols) + " features and " +
                      std::to_string(tq.labels.size()) + " labels; the ranker has " +
                      std::to_string(cols) + " features " + features.describe());
    }
    for (float v : tq.features.values) {
      if (std::isinf(v))
        throw Error(ErrorCode::kInvalidArgument, where + " has an infinite feature value");
    }
    for (float y : tq.labels) {
      if (!(y >= 0) || !std::isfinite(y)) {
        throw Error(ErrorCode::kInvalidArgument, where + " has a label that is negative or NaN");
      }
    }
    if (!teaches_order(tq.labels)) {
      ++report.queries_skipped;
      continue;
    }
    data.begin.push_back(data.rows);
    data.queries.push_back(&tq);
    data.rows += tq.labels.size();
  }
  if (data.queries.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "no training query has candidates of different relevance: nothing to learn from "
                "(give judgements with at least one relevant and one non-relevant candidate)");
  }
  report.queries_used = data.queries.size();
  report.candidates = data.rows;

  // Standardisation statistics over the candidates that have each feature.
  std::vector<float> mean(cols, 0), inv_std(cols, 0);
  for (size_t f = 0; f < cols; ++f) {
    double sum = 0, sq = 0;
    size_t n = 0;
    for (const auto* tq : data.queries) {
      for (size_t r = 0; r < tq->features.rows; ++r) {
        const float v = tq->features.at(r, f);
        if (!is_missing(v)) sum += v, sq += double(v) * v, ++n;
      }
    }
    if (n == 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "feature '" + features.names[f] + "' is missing for every training candidate");
    }
    const double m = sum / double(n);
    const double var = std::max(0.0, sq / double(n) - m * m);
    mean[f] = float(m);
    inv_std[f] = var > 1e-12 * std::max(1.0, m * m) ? float(1.0 / std::sqrt(var)) : 0.0f;
  }
  Ranker ranker(options.kind, features, mean, inv_std);
  ranker.set_loss(rank_loss_name(options.loss));
  ranker.set_query_normalization(options.query_normalization);

  data.z.resize(data.rows * cols);
  for (size_t q = 0; q < data.queries.size(); ++q) {
    for (size_t r = 0; r < data.queries[q]->features.rows; ++r) {
      ranker.standardize(data.queries[q]->features.row(r),
                         data.z.data() + (data.begin[q] + r) * cols);
    }
  }

  std::vector<double> scores(data.rows, 0.0), g, h;
  if (options.kind == RankerKind::kLinear) {
    std::vector<double> w(cols, 0.0), m1(cols, 0.0), m2(cols, 0.0);
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (uint32_t epoch = 0; epoch <= options.epochs; ++epoch) {
      for (size_t r = 0; r < data.rows; ++r) {
        double s = 0;
        for (size_t f = 0; f < cols; ++f) s += w[f] * data.z[r * cols + f];
        scores[r] = s;
      }
      double l = dataset_loss(data, scores, options.loss, options.lambda_weighting.value_or(false),
                              &g, nullptr);
      double reg = 0;
      for (double x : w) reg += x * x;
      report.loss_history.push_back(l + options.l2 * reg);
      if (epoch == options.epochs) break;
      for (size_t f = 0; f < cols; ++f) {
        double grad = 2 * options.l2 * w[f];
        for (size_t r = 0; r < data.rows; ++r) grad += g[r] * data.z[r * cols + f];
        m1[f] = b1 * m1[f] + (1 - b1) * grad;
        m2[f] = b2 * m2[f] + (1 - b2) * grad * grad;
        const double mh = m1[f] / (1 - std::pow(b1, epoch + 1));
        const double vh = m2[f] / (1 - std::pow(b2, epoch + 1));
        w[f] -= options.learning_rate * mh / (std::sqrt(vh) + eps);
      }
    }
    for (size_t f = 0; f < cols; ++f) ranker.weights()[f] = float(w[f]);
  } else {
    report.loss_history.push_back(
        dataset_loss(data, scores, options.loss, false, nullptr, nullptr));
    for (uint32_t t = 0; t < options.trees; ++t) {
      dataset_loss(data, scores, options.loss, options.lambda_weighting.value_or(true), &g, &h);
      double hsum = 0;
      for (double x : h) hsum += x;
      TreeBuilder builder{data, g, h, options, {}, std::max(1e-12, hsum / double(data.rows))};
      builder.prepare_thresholds();
      RegressionTree tree;
      std::vector<uint32_t> rows(data.rows);
      std::iota(rows.begin(), rows.end(), 0u);
      builder.build(tree, rows, 0);
      std::vector<double> contrib(cols);
      for (size_t r = 0; r < data.rows; ++r) {
        double b = 0;
        std::fill(contrib.begin(), contrib.end(), 0.0);
        tree.attribute(data.z.data() + r * cols, b, contrib.data());
        scores[r] += b + std::accumulate(contrib.begin(), contrib.end(), 0.0);
      }
      ranker.trees().push_back(std::move(tree));
      report.loss_history.push_back(
          dataset_loss(data, scores, options.loss, false, nullptr, nullptr));
    }
  }
  return ranker;
}

double ranking_loss(const Ranker& ranker, const std::vector<TrainingQuery>& queries,
                    RankLoss loss) {
  double total = 0;
  size_t used = 0;
  for (const auto& q : queries) {
    if (!teaches_order(q.labels) || q.features.cols != ranker.features().size()) continue;
    FeatureMatrix x = q.features;
    normalize_per_query(x, ranker.query_normalization());
    std::vector<double> s(q.labels.size());
    for (size_t r = 0; r < s.size(); ++r) s[r] = ranker.score(x.row(r));
    total += query_loss(s, q.labels, loss, false, nullptr, nullptr);
    ++used;
  }
  return used ? total / double(used) : 0;
}

}  // namespace osprey
