#include "rerank/features.h"

#include <unordered_set>

#include "core/error.h"

namespace osprey {

std::optional<size_t> FeatureSet::index_of(const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

void FeatureSet::validate() const {
  using namespace feature_names;
  if (names.empty())
    throw Error(ErrorCode::kInvalidArgument, "a ranker needs at least one feature");
  if (names.size() > 256)
    throw Error(ErrorCode::kLimitExceeded, "a ranker takes at most 256 features");
  std::unordered_set<std::string> seen;
  for (const auto& n : names) {
    const bool known = n == kBm25 || n == kBm25Title || n == kBm25Body || n == kDense ||
                       n == kMaxSim || n == kCrossEncoder || n == kLogLength || n == kFreshness ||
                       n == kPopularity || n == kRecallScore || n == kPrf ||
                       (n.rfind(kMetaPrefix, 0) == 0 && n.size() > 5);
    if (!known) {
      throw Error(ErrorCode::kInvalidArgument, "unknown feature '" + n +
                                                   "': use bm25, bm25_title, bm25_body, dense, "
                                                   "maxsim, cross_encoder, log_length, freshness, "
                                                   "popularity, recall_score, prf or meta:<field>");
    }
    if (!seen.insert(n).second) {
      throw Error(ErrorCode::kInvalidArgument, "feature '" + n + "' is listed twice");
    }
  }
}

std::string FeatureSet::describe() const {
  std::string s = "[";
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s + "]";
}

void FeatureSet::save(ByteWriter& out) const {
  out.varint(names.size());
  for (const auto& n : names) out.str(n);
}

FeatureSet FeatureSet::load(ByteReader& in) {
  FeatureSet f;
  const size_t n = in.count(1);
  if (n > 256) in.fail("feature set: more than 256 features");  // before reading them all
  for (size_t i = 0; i < n; ++i) f.names.push_back(in.str());
  try {
    f.validate();
  } catch (const Error& e) {
    in.fail(std::string("feature set: ") + e.what());
  }
  return f;
}

}  // namespace osprey
