// Late interaction (ColBERT, Khattab & Zaharia, SIGIR 2020): a document is a bag of token vectors
// and its score for a query is MaxSim = sum over query tokens of the best dot product with any
// document token. Token vectors are stored as int8 codes with one float scale per token (4x smaller
// than float32); the kernels compute exact integer dot products (int8 x int8 summed in int32), so
// native and WASM builds give identical scores.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

// Codes are padded with zeros to `stride` (a multiple of 16) so the SIMD loops need no tail.
struct TokenMatrix {
  uint32_t count = 0;
  uint32_t dim = 0;
  uint32_t stride = 0;
  std::vector<int8_t> codes;  // count x stride
  std::vector<float> scales;  // count: token i = codes[i] * scales[i]

  const int8_t* token(size_t i) const { return codes.data() + i * stride; }
  void save(ByteWriter& out) const;
  static TokenMatrix load(ByteReader& in);
};

// Limits: a document or query of more than kMaxTokens tokens, or tokens of more than kMaxDim
// dimensions, is refused with LIMIT_EXCEEDED.
struct LateInteractionLimits {
  static constexpr size_t kMaxTokens = 4096;
  static constexpr size_t kMaxDim = 4096;
};

// Quantises `count` row-major vectors of `dim` floats. With `normalize`, each token is first scaled
// to unit length so MaxSim sums cosines (as ColBERT does); zero vectors stay zero. Non-finite
// values are refused with INVALID_VECTOR; `what` names the input in error messages.
TokenMatrix quantize_tokens(const float* data, size_t count, size_t dim, bool normalize,
                            const std::string& what);

// Weights a query's tokens (e.g. by IDF): MaxSim then sums weight x best cosine per token. Folded
// into the token scales, so the kernels are unchanged. One finite weight >= 0 per token
// (INVALID_ARGUMENT otherwise).
void weight_tokens(TokenMatrix& query, const std::vector<float>& weights, const std::string& what);

// MaxSim of a query (quantised the same way) against a document; 0 for an empty side. Dimensions
// must agree (DIMENSION_MISMATCH).
float maxsim(const TokenMatrix& query, const TokenMatrix& doc);
// The same arithmetic in plain scalar C++: the reference the SIMD kernels are tested against.
float maxsim_scalar(const TokenMatrix& query, const TokenMatrix& doc);
// MaxSim with a float32 query and the dequantised document, in double: measures quantisation error.
double maxsim_float_reference(const float* query, size_t query_count, size_t dim, bool normalize,
                              const TokenMatrix& doc);

// Token vectors of the collection's documents, by document id.
class TokenVectorStore {
 public:
  void put(const std::string& id, TokenMatrix tokens);
  void erase(const std::string& id) { by_id_.erase(id); }
  const TokenMatrix* find(const std::string& id) const;
  size_t size() const { return by_id_.size(); }
  uint32_t dim() const { return dim_; }  // 0 while empty

  void save(ByteWriter& out) const;
  static TokenVectorStore load(ByteReader& in);

 private:
  std::unordered_map<std::string, TokenMatrix> by_id_;
  uint32_t dim_ = 0;
};

}  // namespace osprey
