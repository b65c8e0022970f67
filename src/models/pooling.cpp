#include "models/pooling.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace osprey::models {

Pooling parse_pooling(const std::string& name) {
  if (name == "mean") return Pooling::kMean;
  if (name == "cls") return Pooling::kCls;
  if (name == "last_token" || name == "last") return Pooling::kLastToken;
  if (name == "none") return Pooling::kNone;
  throw Error(ErrorCode::kInvalidArgument,
              "pooling '" + name + "' is unknown: use 'mean', 'cls', 'last_token' or 'none'");
}

const char* pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::kMean:
      return "mean";
    case Pooling::kCls:
      return "cls";
    case Pooling::kLastToken:
      return "last_token";
    case Pooling::kNone:
      return "none";
  }
  return "none";
}

namespace {

void check_tensor(const TokenTensor& t, bool needs_mask) {
  if (t.dim == 0) throw Error(ErrorCode::kInvalidArgument, "the model output has dimension 0");
  if (t.seq == 0 && t.batch > 0) {
    throw Error(ErrorCode::kInvalidArgument, "the model output has sequence length 0");
  }
  if (needs_mask && t.mask == nullptr && t.batch > 0) {
    throw Error(ErrorCode::kInvalidArgument, "this pooling needs the attention mask");
  }
}

}  // namespace

std::vector<float> pool(const TokenTensor& t, Pooling pooling) {
  check_tensor(t, pooling != Pooling::kNone && pooling != Pooling::kCls);
  const size_t dim = t.dim;
  std::vector<float> out(t.batch * dim, 0.0f);
  for (size_t b = 0; b < t.batch; ++b) {
    float* dst = out.data() + b * dim;
    const float* rows = t.data + b * t.seq * dim;
    const int32_t* mask = t.mask ? t.mask + b * t.seq : nullptr;
    switch (pooling) {
      case Pooling::kNone:
      case Pooling::kCls:
        std::copy(rows, rows + dim, dst);  // kNone has seq == 1; CLS is token 0
        break;
      case Pooling::kMean: {
        // Accumulate in double: long texts add hundreds of vectors.
        std::vector<double> sum(dim, 0.0);
        size_t count = 0;
        for (size_t s = 0; s < t.seq; ++s) {
          if (mask[s] == 0) continue;
          const float* row = rows + s * dim;
          for (size_t d = 0; d < dim; ++d) sum[d] += row[d];
          ++count;
        }
        if (count > 0) {
          for (size_t d = 0; d < dim; ++d) dst[d] = float(sum[d] / double(count));
        }
        break;
      }
      case Pooling::kLastToken: {
        // With right padding the last real token precedes the first 0; with left padding it is
        // the final position. Taking the last position whose mask is set covers both.
        for (size_t s = t.seq; s-- > 0;) {
          if (mask[s] != 0) {
            std::copy(rows + s * dim, rows + (s + 1) * dim, dst);
            break;
          }
        }
        break;
      }
    }
  }
  return out;
}

void l2_normalize_rows(float* data, size_t rows, size_t dim) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = data + r * dim;
    double norm = 0;
    for (size_t d = 0; d < dim; ++d) norm += double(row[d]) * row[d];
    // Same guard as torch.nn.functional.normalize (eps 1e-12).
    const double scale = 1.0 / std::max(std::sqrt(norm), 1e-12);
    for (size_t d = 0; d < dim; ++d) row[d] = float(row[d] * scale);
  }
}

TokenVectors token_vectors(const TokenTensor& t, const int32_t* input_ids,
                           const std::vector<int32_t>& skip_ids, bool normalize) {
  check_tensor(t, true);
  std::vector<int32_t> skip = skip_ids;
  std::sort(skip.begin(), skip.end());
  TokenVectors out;
  out.counts.assign(t.batch, 0);
  out.data.reserve(t.batch * t.seq * t.dim);
  for (size_t b = 0; b < t.batch; ++b) {
    for (size_t s = 0; s < t.seq; ++s) {
      const size_t at = b * t.seq + s;
      if (t.mask[at] == 0) continue;
      if (input_ids && std::binary_search(skip.begin(), skip.end(), input_ids[at])) continue;
      const float* row = t.data + at * t.dim;
      const size_t start = out.data.size();
      out.data.insert(out.data.end(), row, row + t.dim);
      if (normalize) l2_normalize_rows(out.data.data() + start, 1, t.dim);
      ++out.counts[b];
    }
  }
  return out;
}

}  // namespace osprey::models
