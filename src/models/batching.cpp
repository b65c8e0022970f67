#include "models/batching.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/error.h"

namespace osprey::models {

BatchPlan plan_batches(const std::vector<uint32_t>& lengths, size_t max_batch, size_t max_tokens) {
  if (max_batch == 0) throw Error(ErrorCode::kInvalidArgument, "batchSize must be at least 1");
  BatchPlan plan;
  plan.order.resize(lengths.size());
  std::iota(plan.order.begin(), plan.order.end(), 0u);
  std::stable_sort(plan.order.begin(), plan.order.end(),
                   [&](uint32_t a, uint32_t b) { return lengths[a] < lengths[b]; });
  plan.starts.push_back(0);
  size_t in_batch = 0;
  for (size_t i = 0; i < plan.order.size(); ++i) {
    // Sorted ascending: the text being added is the longest of its batch.
    const size_t longest = std::max<size_t>(lengths[plan.order[i]], 1);
    if (in_batch > 0 && (in_batch == max_batch || (in_batch + 1) * longest > max_tokens)) {
      plan.starts.push_back(uint32_t(i));
      in_batch = 0;
    }
    ++in_batch;
  }
  if (!plan.order.empty()) plan.starts.push_back(uint32_t(plan.order.size()));
  return plan;
}

std::vector<int64_t> gather_rows(const int32_t* matrix, size_t n, size_t width,
                                 const std::vector<uint32_t>& rows, size_t seq, int64_t fill) {
  std::vector<int64_t> out(rows.size() * seq, fill);
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r] >= n) {
      throw Error(
          ErrorCode::kInvalidArgument,
          "row " + std::to_string(rows[r]) + " is out of range (" + std::to_string(n) + " texts)");
    }
    const int32_t* src = matrix + size_t(rows[r]) * width;
    const size_t copy = std::min(seq, width);
    std::copy(src, src + copy, out.data() + r * seq);
  }
  return out;
}

}  // namespace osprey::models
