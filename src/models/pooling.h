// Turning a transformer's outputs into what retrieval needs: one vector per text (pooling +
// normalization) and one vector per kept token (late interaction). Runs in WebAssembly next to the
// collection, so vectors go from the model's output tensor into the index without a JS loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace osprey::models {

enum class Pooling {
  kMean,       // average of the token vectors under the attention mask (sentence-transformers)
  kCls,        // the first token's vector (bge, DPR)
  kLastToken,  // the last non-padding token (decoder embedders); handles left and right padding
  kNone,       // the model already pools: its output is [batch, dim]
};

Pooling parse_pooling(const std::string& name);
const char* pooling_name(Pooling pooling);

// A [batch, seq, dim] (or [batch, dim] for kNone) float tensor and its [batch, seq] attention mask.
struct TokenTensor {
  const float* data;
  size_t batch;
  size_t seq;  // 1 for kNone
  size_t dim;
  const int32_t* mask;  // may be null for kNone
};

// One vector per row, [batch, dim]. A row whose mask is all zero pools to the zero vector.
std::vector<float> pool(const TokenTensor& t, Pooling pooling);

// Scales each row to unit L2 norm; zero rows stay zero.
void l2_normalize_rows(float* data, size_t rows, size_t dim);

// Per-token vectors for late interaction (ColBERT): for each row, the tokens whose mask is set and
// whose id is not in `skip_ids` (e.g. punctuation for documents), optionally normalized.
struct TokenVectors {
  std::vector<float> data;       // concatenated [count_i, dim] blocks, rows in batch order
  std::vector<uint32_t> counts;  // tokens kept per row
};
TokenVectors token_vectors(const TokenTensor& t, const int32_t* input_ids,
                           const std::vector<int32_t>& skip_ids, bool normalize);

}  // namespace osprey::models
