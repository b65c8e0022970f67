#include "models/batching.h"

#include <algorithm>
#include <limits>
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
  const size_t n = plan.order.size();
  // best[i]: least cost of batching the first i sorted texts; cut[i]: where its last batch starts.
  std::vector<uint64_t> best(n + 1, std::numeric_limits<uint64_t>::max());
  std::vector<uint32_t> cut(n + 1, 0);
  best[0] = 0;
  for (size_t i = 1; i <= n; ++i) {
    // Sorted ascending: text i-1 is the longest of a batch that ends with it.
    const uint64_t longest = std::max<uint32_t>(lengths[plan.order[i - 1]], 1);
    for (size_t count = 1; count <= std::min(max_batch, i); ++count) {
      if (count > 1 && count * longest > max_tokens) break;
      const uint64_t cost = best[i - count] + count * longest + kBatchOverheadTokens;
      if (cost < best[i]) {
        best[i] = cost;
        cut[i] = uint32_t(i - count);
      }
    }
  }
  std::vector<uint32_t> ends;
  for (size_t i = n; i > 0; i = cut[i]) ends.push_back(uint32_t(i));
  plan.starts.push_back(0);
  plan.starts.insert(plan.starts.end(), ends.rbegin(), ends.rend());
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
