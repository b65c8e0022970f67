// Length bucketing: texts are grouped by token count so that each batch pads to a similar length.
// A transformer's cost grows with batch x padded length, so sorting before batching removes most of
// the padding work without changing any result (each text is encoded independently under its mask).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace osprey::models {

struct BatchPlan {
  std::vector<uint32_t> order;  // text indices, sorted by length (stable)
  std::vector<uint32_t>
      starts;  // batch b covers order[starts[b] .. starts[b+1]) ; size = batches + 1
};

// Cost of one model call in padded-token equivalents: the batch cut trades padding against calls.
constexpr size_t kBatchOverheadTokens = 16;

// Batches hold at most `max_batch` texts and at most `max_tokens` padded tokens (batch x longest),
// but always at least one text. Over the texts sorted by length, the cut into consecutive batches
// minimises padded tokens + kBatchOverheadTokens per batch (dynamic programming, O(n x max_batch)).
BatchPlan plan_batches(const std::vector<uint32_t>& lengths, size_t max_batch, size_t max_tokens);

// Copies rows `rows` of a [n, width] token matrix into a [rows.size(), seq] int64 tensor (the dtype
// of Hugging Face ONNX exports), keeping the first `seq` columns; `fill` for columns past width.
std::vector<int64_t> gather_rows(const int32_t* matrix, size_t n, size_t width,
                                 const std::vector<uint32_t>& rows, size_t seq, int64_t fill);

}  // namespace osprey::models
