#include "rerank/rerank_state.h"

namespace osprey {
namespace {
constexpr uint8_t kRerankSectionVersion = 1;
}

void RerankState::save(ByteWriter& out) const {
  out.u8(kRerankSectionVersion);
  tokens.save(out);
  feedback.save(out);
  out.u8(ranker ? 1 : 0);
  if (ranker) ranker->save(out);
}

RerankState RerankState::load(ByteReader& in) {
  if (in.u8() != kRerankSectionVersion) in.fail("rerank section version");
  RerankState s;
  s.tokens = TokenVectorStore::load(in);
  s.feedback = FeedbackStore::load(in);
  const uint8_t has_ranker = in.u8();
  if (has_ranker > 1) in.fail("rerank section ranker flag");
  if (has_ranker) s.ranker = Ranker::load(in);
  return s;
}

}  // namespace osprey
