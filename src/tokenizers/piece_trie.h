// Byte trie over vocabulary pieces: all prefixes of a text that are pieces in one walk (Unigram's
// lattice, WordPiece's longest match).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace osprey::tokenizers {

// Children live in per-node runs of parallel arrays (bytes, children): a node with few children is
// found by a short linear scan over its bytes; a node with many (the root, common prefixes) gets a
// dense 256-entry table, so no lookup ever binary-searches (the lattice walk is the tokenizer's
// hot loop).
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
    edge_bytes_.resize(edges_.size());
    edge_children_.resize(edges_.size());
    for (uint32_t i = 0; i < edges_.size(); ++i) {
      Node& p = nodes_[edges_[i].parent];
      if (p.edge_count == 0) p.first_edge = i;
      ++p.edge_count;
      edge_bytes_[i] = edges_[i].byte;
      edge_children_[i] = edges_[i].child;
    }
    dense_.clear();
    for (Node& n : nodes_) {
      if (n.edge_count < kDenseFrom) continue;
      uint32_t table = uint32_t(dense_.size());
      dense_.resize(dense_.size() + 256, 0);
      for (uint32_t e = n.first_edge; e < n.first_edge + n.edge_count; ++e) {
        dense_[table + edge_bytes_[e]] = edge_children_[e];
      }
      n.first_edge = table;  // now the offset of its table in dense_
    }
    edges_ = {};
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
  static constexpr uint32_t kDenseFrom = 12;  // children from which a node gets a dense table
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
    if (n.edge_count >= kDenseFrom) return dense_[n.first_edge + c];
    const unsigned char* bytes = edge_bytes_.data() + n.first_edge;
    for (uint32_t i = 0; i < n.edge_count; ++i) {
      if (bytes[i] == c) return edge_children_[n.first_edge + i];
    }
    return 0;
  }
  std::vector<Node> nodes_;
  std::vector<unsigned char> edge_bytes_;
  std::vector<uint32_t> edge_children_;
  std::vector<uint32_t>
      dense_;                // 256 children per dense node; 0 = none (the root is nobody's child)
  std::vector<Edge> edges_;  // until finish()
  std::unordered_map<uint64_t, uint32_t> building_;  // (node, byte) -> child, until finish()
};

}  // namespace osprey::tokenizers
