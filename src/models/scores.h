// Cross-encoder scores from logits, by the model's convention. The trap this avoids: a softmax over
// a single logit is always 1.0, so single-logit rerankers (ms-marco MiniLM, bge-reranker) must use
// the raw logit or its sigmoid, and two-logit classifiers the softmax probability of the positive.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace osprey::models {

enum class ScoreMode {
  kAuto,     // one logit: sigmoid; two or more: softmax[positive]
  kRaw,      // the logit itself (one logit), or logit[positive]
  kSigmoid,  // sigmoid(logit) (one logit), or sigmoid(logit[positive])
  kSoftmax,  // softmax(logits)[positive]; refused for a single logit
};

ScoreMode parse_score_mode(const std::string& name);

// logits: [batch, labels] row-major.
std::vector<float> scores_from_logits(const float* logits, size_t batch, size_t labels,
                                      ScoreMode mode, size_t positive);

}  // namespace osprey::models
