// Combining ranked lists from several first stages (sparse, dense) into one.
#pragma once

#include <vector>

#include "core/scored.h"

namespace osprey {

// Reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009): score(d) = sum 1/(k + rank),
// ranks from 1. Needs no score calibration between the lists; k = 60 is the paper's constant.
std::vector<ScoredSlot> reciprocal_rank_fusion(const std::vector<std::vector<ScoredSlot>>& lists,
                                               double k, size_t top);

}  // namespace osprey
