#include "rerank/feedback.h"

#include <cmath>

#include "core/error.h"
#include "text/utf8.h"

namespace osprey {
namespace {
std::string trim(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}
}  // namespace

void FeedbackStore::record(const std::string& query, const std::string& doc_id, float signal) {
  validate_utf8(query, "feedback query");
  validate_utf8(doc_id, "feedback docId");
  const std::string q = trim(query);
  if (q.empty()) throw Error(ErrorCode::kInvalidArgument, "feedback needs a non-empty query");
  if (doc_id.empty()) throw Error(ErrorCode::kInvalidArgument, "feedback needs a docId");
  if (q.size() > (1u << 16) || doc_id.size() > 1024) {
    throw Error(ErrorCode::kLimitExceeded, "feedback query is over 64 KiB or docId over 1 KiB");
  }
  if (!std::isfinite(signal) || signal < 0 || signal > kMaxSignal) {
    throw Error(ErrorCode::kInvalidArgument,
                "feedback signal must be a number in [0, 100] (0 = shown, not chosen; > 0 = "
                "clicked or relevant)");
  }
  if (events_ >= kMaxEvents) {
    throw Error(ErrorCode::kLimitExceeded, "a collection keeps at most 1,000,000 feedback events");
  }
  apply(q, doc_id, signal);
}

void FeedbackStore::apply(const std::string& query, const std::string& doc_id, float signal) {
  auto& grade = judgements_[query].emplace(doc_id, signal).first->second;
  grade = std::max(grade, signal);
  Counts& c = counts_[doc_id];
  ++c.views;
  ++total_views_;
  if (signal > 0) ++c.clicks, ++total_clicks_;
  log_.emplace_back(query, doc_id, signal);
  ++events_;
}

double FeedbackStore::popularity(const std::string& doc_id, double prior_strength) const {
  if (total_views_ == 0) return 0;
  const double mean = double(total_clicks_) / double(total_views_);
  auto it = counts_.find(doc_id);
  if (it == counts_.end()) return mean;
  return (double(it->second.clicks) + prior_strength * mean) /
         (double(it->second.views) + prior_strength);
}

void FeedbackStore::save(ByteWriter& out) const {
  out.varint(log_.size());
  for (const auto& [q, id, s] : log_) {
    out.str(q);
    out.str(id);
    out.f32(s);
  }
}

FeedbackStore FeedbackStore::load(ByteReader& in) {
  FeedbackStore f;
  const size_t n = in.count(6);
  if (n > kMaxEvents) in.fail("feedback event count");
  for (size_t i = 0; i < n; ++i) {
    std::string q = in.str();
    std::string id = in.str();
    const float s = in.f32();
    if (q.empty() || id.empty() || !std::isfinite(s) || s < 0 || s > kMaxSignal)
      in.fail("feedback event");
    f.apply(q, id, s);
  }
  return f;
}

}  // namespace osprey
