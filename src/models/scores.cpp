#include "models/scores.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace osprey::models {

ScoreMode parse_score_mode(const std::string& name) {
  if (name.empty() || name == "auto") return ScoreMode::kAuto;
  if (name == "raw" || name == "logit") return ScoreMode::kRaw;
  if (name == "sigmoid") return ScoreMode::kSigmoid;
  if (name == "softmax") return ScoreMode::kSoftmax;
  throw Error(ErrorCode::kInvalidArgument,
              "score '" + name + "' is unknown: use 'auto', 'raw', 'sigmoid' or 'softmax'");
}

namespace {
float sigmoid(float x) {
  return float(1.0 / (1.0 + std::exp(-double(x))));
}
}  // namespace

std::vector<float> scores_from_logits(const float* logits, size_t batch, size_t labels,
                                      ScoreMode mode, size_t positive) {
  if (labels == 0) throw Error(ErrorCode::kInvalidArgument, "the model returned no logits");
  if (positive >= labels) {
    throw Error(ErrorCode::kInvalidArgument, "positiveLabel " + std::to_string(positive) +
                                                 " is out of range: the model has " +
                                                 std::to_string(labels) + " logit(s)");
  }
  if (mode == ScoreMode::kSoftmax && labels == 1) {
    throw Error(ErrorCode::kInvalidArgument,
                "a softmax over a single logit is always 1: use score 'raw' or 'sigmoid'");
  }
  if (mode == ScoreMode::kAuto) mode = labels == 1 ? ScoreMode::kSigmoid : ScoreMode::kSoftmax;
  std::vector<float> out(batch);
  for (size_t b = 0; b < batch; ++b) {
    const float* row = logits + b * labels;
    switch (mode) {
      case ScoreMode::kRaw:
        out[b] = row[positive];
        break;
      case ScoreMode::kSigmoid:
        out[b] = sigmoid(row[positive]);
        break;
      default: {
        const float top = *std::max_element(row, row + labels);
        double sum = 0;
        for (size_t l = 0; l < labels; ++l) sum += std::exp(double(row[l] - top));
        out[b] = float(std::exp(double(row[positive] - top)) / sum);
      }
    }
  }
  return out;
}

}  // namespace osprey::models
