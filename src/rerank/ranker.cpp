#include "rerank/ranker.h"

#include <cmath>

#include "core/error.h"

namespace osprey {

RankerKind parse_ranker_kind(const std::string& name) {
  if (name == "linear" || name.empty()) return RankerKind::kLinear;
  if (name == "trees" || name == "lambdamart" || name == "gbdt") return RankerKind::kTrees;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown ranker model '" + name + "': use 'linear' or 'trees'");
}

const char* ranker_kind_name(RankerKind kind) {
  return kind == RankerKind::kTrees ? "trees" : "linear";
}

void RegressionTree::attribute(const float* z, double& bias, double* contributions) const {
  if (nodes.empty()) return;
  uint32_t at = 0;
  bias += nodes[0].value;
  while (nodes[at].feature >= 0) {
    const Node& n = nodes[at];
    const uint32_t next = z[n.feature] <= n.threshold ? n.left : n.right;
    contributions[n.feature] += double(nodes[next].value) - double(n.value);
    at = next;
  }
}

Ranker::Ranker(RankerKind kind, FeatureSet features, std::vector<float> mean,
               std::vector<float> inv_std)
    : kind_(kind),
      features_(std::move(features)),
      mean_(std::move(mean)),
      inv_std_(std::move(inv_std)) {
  weights_.assign(features_.size(), 0.0f);
}

void Ranker::standardize(const float* raw, float* z) const {
  for (size_t f = 0; f < features_.size(); ++f) {
    z[f] = is_missing(raw[f]) ? 0.0f : (raw[f] - mean_[f]) * inv_std_[f];
  }
}

Ranker::Explanation Ranker::explain(const float* raw) const {
  const size_t n = features_.size();
  Explanation e;
  e.contributions.assign(n, 0.0);
  e.missing.assign(n, false);
  std::vector<float> z(n);
  standardize(raw, z.data());
  for (size_t f = 0; f < n; ++f) e.missing[f] = is_missing(raw[f]);
  if (kind_ == RankerKind::kLinear) {
    e.bias = bias_;
    for (size_t f = 0; f < n; ++f) e.contributions[f] = double(weights_[f]) * z[f];
  } else {
    for (const auto& t : trees_) t.attribute(z.data(), e.bias, e.contributions.data());
  }
  e.score = e.bias;
  for (double c : e.contributions) e.score += c;
  return e;
}

double Ranker::score(const float* raw) const {
  return explain(raw).score;
}

namespace {
constexpr uint8_t kRankerVersion = 2;  // 2: query normalisation
}

void Ranker::save(ByteWriter& out) const {
  out.u8(kRankerVersion);
  out.u8(uint8_t(kind_));
  out.u8(uint8_t(query_norm_));
  out.str(loss_);
  features_.save(out);
  out.floats(mean_.data(), mean_.size());
  out.floats(inv_std_.data(), inv_std_.size());
  out.floats(weights_.data(), weights_.size());
  out.f32(bias_);
  out.varint(trees_.size());
  for (const auto& t : trees_) {
    out.varint(t.nodes.size());
    for (const auto& node : t.nodes) {
      out.u32(uint32_t(node.feature));
      out.f32(node.threshold);
      out.varint(node.left);
      out.varint(node.right);
      out.f32(node.value);
    }
  }
}

Ranker Ranker::load(ByteReader& in) {
  const uint8_t version = in.u8();
  if (version < 1 || version > kRankerVersion) in.fail("ranker version");
  const uint8_t kind = in.u8();
  if (kind > 1) in.fail("ranker kind");
  const uint8_t query_norm = version >= 2 ? in.u8() : 0;
  if (query_norm > 2) in.fail("ranker query normalisation");
  std::string loss = in.str();
  FeatureSet features = FeatureSet::load(in);
  const size_t n = features.size();
  std::vector<float> mean(n), inv_std(n);
  if (in.remaining() < 12 * n) in.fail("ranker parameters");
  in.floats(mean.data(), n);
  in.floats(inv_std.data(), n);
  Ranker r(RankerKind(kind), std::move(features), std::move(mean), std::move(inv_std));
  r.loss_ = std::move(loss);
  r.query_norm_ = ScoreNormalization(query_norm);
  in.floats(r.weights_.data(), n);
  r.bias_ = in.f32();
  const size_t tree_count = in.count(4);
  for (size_t t = 0; t < tree_count; ++t) {
    RegressionTree tree;
    const size_t nodes = in.count(12);
    if (nodes == 0) in.fail("empty tree");
    for (size_t i = 0; i < nodes; ++i) {
      RegressionTree::Node node;
      node.feature = int32_t(in.u32());
      node.threshold = in.f32();
      node.left = uint32_t(in.varint());
      node.right = uint32_t(in.varint());
      node.value = in.f32();
      // Children come after their parent: no cycles, every index in range.
      if (node.feature >= 0 && (size_t(node.feature) >= n || node.left <= i || node.right <= i ||
                                node.left >= nodes || node.right >= nodes)) {
        in.fail("tree structure");
      }
      if (node.feature < -1) in.fail("tree structure");
      tree.nodes.push_back(node);
    }
    r.trees_.push_back(std::move(tree));
  }
  for (size_t f = 0; f < n; ++f) {
    if (!std::isfinite(r.mean_[f]) || !std::isfinite(r.inv_std_[f]) ||
        !std::isfinite(r.weights_[f])) {
      in.fail("ranker parameters are not finite");
    }
  }
  return r;
}

bool Ranker::operator==(const Ranker& o) const {
  auto same_trees = [&] {
    if (trees_.size() != o.trees_.size()) return false;
    for (size_t t = 0; t < trees_.size(); ++t) {
      const auto& a = trees_[t].nodes;
      const auto& b = o.trees_[t].nodes;
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].feature != b[i].feature || a[i].threshold != b[i].threshold ||
            a[i].left != b[i].left || a[i].right != b[i].right || a[i].value != b[i].value) {
          return false;
        }
      }
    }
    return true;
  };
  return kind_ == o.kind_ && features_ == o.features_ && mean_ == o.mean_ &&
         inv_std_ == o.inv_std_ && weights_ == o.weights_ && bias_ == o.bias_ && loss_ == o.loss_ &&
         query_norm_ == o.query_norm_ && same_trees();
}

void normalize_per_query(FeatureMatrix& x, ScoreNormalization normalization) {
  if (normalization == ScoreNormalization::kNone) return;
  std::vector<float> column;
  std::vector<size_t> rows;
  for (size_t c = 0; c < x.cols; ++c) {
    column.clear();
    rows.clear();
    for (size_t r = 0; r < x.rows; ++r) {
      if (!is_missing(x.at(r, c))) column.push_back(x.at(r, c)), rows.push_back(r);
    }
    normalize_scores(column, normalization);
    for (size_t i = 0; i < rows.size(); ++i) x.at(rows[i], c) = column[i];
  }
}

}  // namespace osprey
