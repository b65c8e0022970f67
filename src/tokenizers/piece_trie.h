// Byte trie over vocabulary pieces: all prefixes of a text that are pieces in one walk (Unigram's
// lattice, WordPiece's longest match).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace osprey::tokenizers {

// Children live in sorted edge lists (binary search per byte).
class PieceTrie {
 public:
  PieceTrie() : nodes_(1) {}
  void insert(std::string_view key, int32_t id) {
    uint32_t node = 0;
    for (unsigned char c : key) {
      auto [it, added] = building_.emplace((uint64_t(node) << 8) | c, uint32_t(nodes_.size()));
      if (added) {
        nodes_.push_back(Node{});
        edges_.push_back({node, c, it->second});
      }
      node = it->second;
    }
    nodes_[node].id = id;
  }
  // Call once after all inserts.
  void finish() {
    std::sort(edges_.begin(), edges_.end(), [](const Edge& a, const Edge& b) {
      return a.parent != b.parent ? a.parent < b.parent : a.byte < b.byte;
    });
    for (auto& n : nodes_) n.first_edge = n.edge_count = 0;
    for (uint32_t i = 0; i < edges_.size(); ++i) {
      Node& p = nodes_[edges_[i].parent];
      if (p.edge_count == 0) p.first_edge = i;
      ++p.edge_count;
    }
    building_ = {};
  }
  // Calls f(length, id) for every vocabulary piece that is a prefix of s, shortest first.
  template <typename F>
  void prefixes(std::string_view s, F&& f) const {
    uint32_t node = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      node = find_child(node, static_cast<unsigned char>(s[i]));
      if (node == 0) return;
      if (nodes_[node].id >= 0) f(i + 1, nodes_[node].id);
    }
  }

 private:
  struct Node {
    int32_t id = -1;
    uint32_t first_edge = 0, edge_count = 0;
  };
  struct Edge {
    uint32_t parent;
    unsigned char byte;
    uint32_t child;
  };
  uint32_t find_child(uint32_t node, unsigned char c) const {
    const Node& n = nodes_[node];
    uint32_t lo = n.first_edge, hi = n.first_edge + n.edge_count;
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (edges_[mid].byte < c)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < n.first_edge + n.edge_count && edges_[lo].byte == c ? edges_[lo].child : 0;
  }
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::unordered_map<uint64_t, uint32_t> building_;  // (node, byte) -> child, until finish()
};

}  // namespace osprey::tokenizers
