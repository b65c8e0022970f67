// Recorded user feedback: (query, document id, signal) events. A signal is a graded relevance: 0 =
// shown but not chosen, > 0 = clicked or judged relevant (the JS API maps 'click' to 1). Feedback
// yields training judgements per query and a popularity feature per document: the click-through
// rate smoothed towards the collection's mean rate with a Beta prior (Bayesian average), so a
// document with 1 click in 1 view does not outrank one with 90 in 100.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

class FeedbackStore {
 public:
  static constexpr size_t kMaxEvents = 1000000;
  static constexpr float kMaxSignal = 100;

  // Refuses empty or too long query/id, invalid UTF-8, and signals that are not finite in [0, 100]
  // (INVALID_ARGUMENT, LIMIT_EXCEEDED past kMaxEvents). Nothing is stored on error.
  void record(const std::string& query, const std::string& doc_id, float signal);

  size_t size() const { return events_; }
  // Per query text (trimmed): document id -> the highest signal recorded.
  const std::map<std::string, std::map<std::string, float>>& judgements() const {
    return judgements_;
  }
  // (clicks + strength * mean_ctr) / (views + strength); the mean rate of all documents when the
  // document has no feedback. 0 when there is no feedback at all.
  double popularity(const std::string& doc_id, double prior_strength) const;

  void save(ByteWriter& out) const;
  static FeedbackStore load(ByteReader& in);

 private:
  struct Counts {
    uint64_t views = 0;
    uint64_t clicks = 0;
  };
  void apply(const std::string& query, const std::string& doc_id, float signal);

  std::map<std::string, std::map<std::string, float>> judgements_;
  std::unordered_map<std::string, Counts> counts_;
  std::vector<std::tuple<std::string, std::string, float>> log_;  // kept to save and reload exactly
  uint64_t total_views_ = 0, total_clicks_ = 0;
  size_t events_ = 0;
};

}  // namespace osprey
