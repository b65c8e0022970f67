#include "store/id_index.h"

#include <random>
#include <string>
#include <unordered_map>

#include "test_util.h"

using namespace osprey;

TEST_CASE("id index: random inserts and erases agree with a hash map") {
  std::mt19937 rng(17);
  std::vector<std::string> ids(4000);  // by slot; empty when the slot is free
  std::unordered_map<std::string, uint32_t> reference;
  IdIndex index;
  auto id_of = [&](uint32_t slot) { return std::string_view(ids[slot]); };
  for (int step = 0; step < 60000; ++step) {
    const uint32_t slot = rng() % ids.size();
    if (ids[slot].empty()) {
      // Short ids from a small space: many collisions of the low hash bits, long probe runs.
      std::string id = "id" + std::to_string(rng() % 9000);
      if (reference.count(id)) continue;
      ids[slot] = id;
      reference[id] = slot;
      index.insert(id, slot);
    } else {
      index.erase(ids[slot], slot);
      reference.erase(ids[slot]);
      ids[slot].clear();
    }
    if (step % 997 == 0) {
      REQUIRE(index.size() == reference.size());
      for (const auto& [id, s] : reference) REQUIRE(index.find(id, id_of) == s);
      for (int probe = 0; probe < 200; ++probe) {
        std::string id = "id" + std::to_string(rng() % 9000);
        auto found = index.find(id, id_of);
        CHECK(found.has_value() == (reference.count(id) == 1));
      }
    }
  }
  CHECK(index.find("absent", id_of) == std::nullopt);
}
