// What the rerank stage keeps with a collection (one section of the collection format): per-token
// document vectors for late interaction, recorded feedback, and the trained ranker.
#pragma once

#include <optional>

#include "core/byte_io.h"
#include "rerank/feedback.h"
#include "rerank/late_interaction.h"
#include "rerank/ranker.h"

namespace osprey {

struct RerankState {
  TokenVectorStore tokens;
  FeedbackStore feedback;
  std::optional<Ranker> ranker;

  void save(ByteWriter& out) const;
  static RerankState load(ByteReader& in);
};

}  // namespace osprey
