#include "rerank/late_interaction.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "dense/distance.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace osprey {

void TokenMatrix::save(ByteWriter& out) const {
  out.varint(count);
  out.varint(dim);
  out.raw(codes.data(), codes.size());
  out.floats(scales.data(), scales.size());
}

TokenMatrix TokenMatrix::load(ByteReader& in) {
  TokenMatrix m;
  const uint64_t count = in.varint();
  const uint64_t dim = in.varint();
  if (count > LateInteractionLimits::kMaxTokens || dim == 0 ||
      dim > LateInteractionLimits::kMaxDim) {
    in.fail("token matrix shape");
  }
  m.count = uint32_t(count);
  m.dim = uint32_t(dim);
  m.stride = (m.dim + 15) / 16 * 16;
  const size_t bytes = size_t(m.count) * m.stride;
  const uint8_t* codes = in.raw(bytes);
  m.codes.assign(reinterpret_cast<const int8_t*>(codes),
                 reinterpret_cast<const int8_t*>(codes) + bytes);
  m.scales.resize(m.count);
  in.floats(m.scales.data(), m.count);
  for (size_t i = 0; i < m.count; ++i) {
    for (size_t d = m.dim; d < m.stride; ++d) {
      if (m.codes[i * m.stride + d] != 0) in.fail("token matrix padding");
    }
    if (!std::isfinite(m.scales[i]) || m.scales[i] < 0) in.fail("token scale");
  }
  return m;
}

TokenMatrix quantize_tokens(const float* data, size_t count, size_t dim, bool normalize,
                            const std::string& what) {
  if (dim == 0)
    throw Error(ErrorCode::kInvalidArgument, what + ": token vectors need a dimension > 0");
  if (count > LateInteractionLimits::kMaxTokens || dim > LateInteractionLimits::kMaxDim) {
    throw Error(ErrorCode::kLimitExceeded,
                what + ": at most " + std::to_string(LateInteractionLimits::kMaxTokens) +
                    " tokens of at most " + std::to_string(LateInteractionLimits::kMaxDim) +
                    " dimensions");
  }
  TokenMatrix m;
  m.count = uint32_t(count);
  m.dim = uint32_t(dim);
  m.stride = uint32_t((dim + 15) / 16 * 16);
  m.codes.assign(count * m.stride, 0);
  m.scales.assign(count, 0.0f);
  for (size_t i = 0; i < count; ++i) {
    const float* v = data + i * dim;
    double norm = 0;
    float max_abs = 0;
    for (size_t d = 0; d < dim; ++d) {
      if (!std::isfinite(v[d])) {
        throw Error(ErrorCode::kInvalidVector,
                    what + ": token " + std::to_string(i) + " has a NaN or infinite component");
      }
      norm += double(v[d]) * v[d];
      max_abs = std::max(max_abs, std::fabs(v[d]));
    }
    norm = std::sqrt(norm);
    if (max_abs == 0) continue;
    const double unit = normalize ? 1.0 / norm : 1.0;
    const double scale = max_abs * unit / 127.0;  // largest component maps to +-127
    m.scales[i] = float(scale);
    for (size_t d = 0; d < dim; ++d) {
      long code = std::lround(v[d] * unit / scale);
      m.codes[i * m.stride + d] = int8_t(std::clamp(code, -127L, 127L));
    }
  }
  return m;
}

void weight_tokens(TokenMatrix& query, const std::vector<float>& weights, const std::string& what) {
  if (weights.size() != query.count) {
    throw Error(ErrorCode::kInvalidArgument, what + " has " + std::to_string(weights.size()) +
                                                 " weights for " + std::to_string(query.count) +
                                                 " tokens");
  }
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  what + "[" + std::to_string(i) + "] must be a finite number >= 0");
    }
  }
  for (size_t i = 0; i < weights.size(); ++i) query.scales[i] *= weights[i];
}

namespace {

void check_dims(const TokenMatrix& q, const TokenMatrix& d) {
  if (q.dim != d.dim && q.count && d.count) {
    throw Error(ErrorCode::kDimensionMismatch, "query token vectors have " + std::to_string(q.dim) +
                                                   " dimensions but the document's have " +
                                                   std::to_string(d.dim));
  }
}

#if defined(__wasm_simd128__)
// Lanes t of the result: the horizontal sum of a_t (a 4x4 transpose-and-add in five shuffles).
inline v128_t sum_lanes(v128_t a0, v128_t a1, v128_t a2, v128_t a3) {
  const v128_t s01 = wasm_i32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5),
                                    wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  const v128_t s23 = wasm_i32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5),
                                    wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(s01, s23, 0, 1, 4, 5),
                        wasm_i32x4_shuffle(s01, s23, 2, 3, 6, 7));
}

// The query's codes are widened to int16 once (padded to a multiple of 4 zero tokens); document
// codes are widened as they are loaded (i16x8.load8x8_s), so a document costs no pass of its own.
// Query tokens go in blocks of 4 and document tokens in pairs: each k-step loads 4 query and 2
// document vectors for 8 dot products. The 4 sums of a document token are reduced together and
// kept as one f32x4 of running maxima. Same arithmetic per (query, document) token pair as
// maxsim_scalar.
float maxsim_kernel(const TokenMatrix& q, const TokenMatrix& d) {
  const size_t stride = q.stride;
  const size_t q_blocks = (q.count + 3) / 4;
  thread_local std::vector<int16_t> q16;
  thread_local std::vector<float> q_scales, best;
  q16.assign(q_blocks * 4 * stride, 0);
  for (size_t i = 0; i < q.codes.size(); ++i) q16[i] = q.codes[i];
  q_scales.assign(q_blocks * 4, 0.0f);
  std::copy(q.scales.begin(), q.scales.end(), q_scales.begin());
  best.resize(q_blocks * 4);
  for (size_t b = 0; b < q_blocks; ++b) {
    const int16_t* q0 = q16.data() + b * 4 * stride;
    const int16_t* q1 = q0 + stride;
    const int16_t* q2 = q1 + stride;
    const int16_t* q3 = q2 + stride;
    const v128_t qs = wasm_v128_load(q_scales.data() + b * 4);
    v128_t top = wasm_f32x4_splat(-std::numeric_limits<float>::infinity());
    auto keep = [&](v128_t sums, float ds) {
      const v128_t scale = wasm_f32x4_mul(qs, wasm_f32x4_splat(ds));
      top = wasm_f32x4_pmax(top, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(sums), scale));
    };
    size_t j = 0;
    for (; j + 2 <= d.count; j += 2) {
      const int8_t* e0 = d.token(j);
      const int8_t* e1 = e0 + stride;
      v128_t a00 = wasm_i32x4_splat(0), a10 = a00, a20 = a00, a30 = a00;
      v128_t a01 = a00, a11 = a00, a21 = a00, a31 = a00;
      for (size_t k = 0; k < stride; k += 8) {
        const v128_t d0 = wasm_i16x8_load8x8(e0 + k), d1 = wasm_i16x8_load8x8(e1 + k);
        const v128_t v0 = wasm_v128_load(q0 + k), v1 = wasm_v128_load(q1 + k);
        const v128_t v2 = wasm_v128_load(q2 + k), v3 = wasm_v128_load(q3 + k);
        a00 = wasm_i32x4_add(a00, wasm_i32x4_dot_i16x8(d0, v0));
        a10 = wasm_i32x4_add(a10, wasm_i32x4_dot_i16x8(d0, v1));
        a20 = wasm_i32x4_add(a20, wasm_i32x4_dot_i16x8(d0, v2));
        a30 = wasm_i32x4_add(a30, wasm_i32x4_dot_i16x8(d0, v3));
        a01 = wasm_i32x4_add(a01, wasm_i32x4_dot_i16x8(d1, v0));
        a11 = wasm_i32x4_add(a11, wasm_i32x4_dot_i16x8(d1, v1));
        a21 = wasm_i32x4_add(a21, wasm_i32x4_dot_i16x8(d1, v2));
        a31 = wasm_i32x4_add(a31, wasm_i32x4_dot_i16x8(d1, v3));
      }
      keep(sum_lanes(a00, a10, a20, a30), d.scales[j]);
      keep(sum_lanes(a01, a11, a21, a31), d.scales[j + 1]);
    }
    if (j < d.count) {
      const int8_t* e0 = d.token(j);
      v128_t a0 = wasm_i32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (size_t k = 0; k < stride; k += 8) {
        const v128_t d0 = wasm_i16x8_load8x8(e0 + k);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(d0, wasm_v128_load(q0 + k)));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(d0, wasm_v128_load(q1 + k)));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(d0, wasm_v128_load(q2 + k)));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(d0, wasm_v128_load(q3 + k)));
      }
      keep(sum_lanes(a0, a1, a2, a3), d.scales[j]);
    }
    wasm_v128_store(best.data() + b * 4, top);
  }
  float sum = 0;
  for (size_t i = 0; i < q.count; ++i) sum += best[i];
  return sum;
}
#else
// Natively: codes widened to float (int8 products summed over <= 4096 dims stay below 2^24, so
// float arithmetic is exact) and the AVX dot kernel of the dense index.
float maxsim_kernel(const TokenMatrix& q, const TokenMatrix& d) {
  const size_t stride = q.stride;
  thread_local std::vector<float> qf, df;
  qf.assign(q.codes.begin(), q.codes.end());
  df.resize(stride);
  thread_local std::vector<float> best;
  best.assign(q.count, -std::numeric_limits<float>::infinity());
  for (size_t j = 0; j < d.count; ++j) {
    const int8_t* dj = d.token(j);
    for (size_t k = 0; k < stride; ++k) df[k] = dj[k];
    const float ds = d.scales[j];
    for (size_t i = 0; i < q.count; ++i) {
      float dotv = dot(df.data(), qf.data() + i * stride, stride);
      best[i] = std::max(best[i], float(int32_t(dotv)) * (q.scales[i] * ds));
    }
  }
  float sum = 0;
  for (float b : best) sum += b;
  return sum;
}
#endif

}  // namespace

float maxsim(const TokenMatrix& query, const TokenMatrix& doc) {
  check_dims(query, doc);
  if (query.count == 0 || doc.count == 0) return 0;
  return maxsim_kernel(query, doc);
}

float maxsim_scalar(const TokenMatrix& query, const TokenMatrix& doc) {
  check_dims(query, doc);
  if (query.count == 0 || doc.count == 0) return 0;
  float sum = 0;
  for (size_t i = 0; i < query.count; ++i) {
    float best = -std::numeric_limits<float>::infinity();
    for (size_t j = 0; j < doc.count; ++j) {
      int32_t dotv = 0;
      for (size_t k = 0; k < query.dim; ++k) dotv += int32_t(query.token(i)[k]) * doc.token(j)[k];
      best = std::max(best, float(dotv) * (query.scales[i] * doc.scales[j]));
    }
    sum += best;
  }
  return sum;
}

double maxsim_float_reference(const float* query, size_t query_count, size_t dim, bool normalize,
                              const TokenMatrix& doc) {
  if (query_count == 0 || doc.count == 0) return 0;
  double sum = 0;
  for (size_t i = 0; i < query_count; ++i) {
    const float* q = query + i * dim;
    double norm = 0;
    for (size_t k = 0; k < dim; ++k) norm += double(q[k]) * q[k];
    const double unit = normalize && norm > 0 ? 1.0 / std::sqrt(norm) : 1.0;
    double best = -std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < doc.count; ++j) {
      double dotv = 0;
      for (size_t k = 0; k < dim; ++k)
        dotv += q[k] * unit * double(doc.token(j)[k]) * doc.scales[j];
      best = std::max(best, dotv);
    }
    sum += best;
  }
  return sum;
}

void TokenVectorStore::put(const std::string& id, TokenMatrix tokens) {
  const bool only_this = by_id_.size() == 1 && by_id_.count(id);
  if (dim_ != 0 && tokens.dim != dim_ && !by_id_.empty() && !only_this) {
    throw Error(ErrorCode::kDimensionMismatch,
                "token vectors of '" + id + "' have " + std::to_string(tokens.dim) +
                    " dimensions; this collection's have " + std::to_string(dim_));
  }
  dim_ = tokens.dim;
  by_id_[id] = std::move(tokens);
}

const TokenMatrix* TokenVectorStore::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

void TokenVectorStore::save(ByteWriter& out) const {
  std::vector<const std::string*> ids;
  for (const auto& [id, m] : by_id_) ids.push_back(&id);
  std::sort(ids.begin(), ids.end(),
            [](auto* a, auto* b) { return *a < *b; });  // deterministic bytes
  out.varint(ids.size());
  for (const std::string* id : ids) {
    out.str(*id);
    by_id_.at(*id).save(out);
  }
}

TokenVectorStore TokenVectorStore::load(ByteReader& in) {
  TokenVectorStore s;
  const size_t n = in.count(3);
  for (size_t i = 0; i < n; ++i) {
    std::string id = in.str();
    TokenMatrix m = TokenMatrix::load(in);
    if (s.dim_ != 0 && m.dim != s.dim_) in.fail("token vector dimensions differ");
    s.dim_ = m.dim;
    if (!s.by_id_.emplace(std::move(id), std::move(m)).second) in.fail("duplicate token vectors");
  }
  return s;
}

}  // namespace osprey
