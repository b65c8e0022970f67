#include "sparse/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.h"

namespace osprey {

void Bm25Params::validate() const {
  if (!(k1 >= 0 && k1 <= 100)) throw Error(ErrorCode::kInvalidArgument, "bm25.k1 must be in [0, 100]");
  if (!(b >= 0 && b <= 1)) throw Error(ErrorCode::kInvalidArgument, "bm25.b must be in [0, 1]");
  for (float w : field_weights) {
    if (!(w >= 0 && w <= 1000)) {
      throw Error(ErrorCode::kInvalidArgument, "bm25 field weights must be in [0, 1000]");
    }
  }
}

void Bm25Params::save(ByteWriter& out) const {
  out.f32(k1);
  out.f32(b);
  for (float w : field_weights) out.f32(w);
}

Bm25Params Bm25Params::load(ByteReader& in) {
  Bm25Params p;
  p.k1 = in.f32();
  p.b = in.f32();
  for (float& w : p.field_weights) w = in.f32();
  try {
    p.validate();
  } catch (const Error& e) {
    in.fail(e.what());
  }
  return p;
}

void Bm25Index::add(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields) {
  std::map<std::string_view, std::array<uint32_t, kFieldCount>> tf;
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (const Token& t : fields[f]) tf[t.term][f]++;
  }
  if (field_lengths_.size() <= slot) field_lengths_.resize(slot + 1, {0, 0});
  for (size_t f = 0; f < kFieldCount; ++f) {
    field_lengths_[slot][f] = uint32_t(fields[f].size());
    total_lengths_[f] += fields[f].size();
  }
  for (const auto& [term, counts] : tf) {
    auto& list = postings_[std::string(term)];
    Posting p{slot, counts};
    // Slots are usually appended in increasing order; reused slots are inserted in place.
    if (list.empty() || list.back().slot < slot) {
      list.push_back(p);
    } else {
      auto it = std::lower_bound(list.begin(), list.end(), slot,
                                 [](const Posting& q, uint32_t s) { return q.slot < s; });
      list.insert(it, p);
    }
  }
  doc_count_++;
}

void Bm25Index::remove(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields) {
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (const Token& t : fields[f]) {
      auto it = postings_.find(t.term);
      if (it == postings_.end()) continue;
      auto& list = it->second;
      auto p = std::lower_bound(list.begin(), list.end(), slot,
                                [](const Posting& q, uint32_t s) { return q.slot < s; });
      if (p != list.end() && p->slot == slot) list.erase(p);
      if (list.empty()) postings_.erase(it);
    }
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    total_lengths_[f] -= field_lengths_[slot][f];
    field_lengths_[slot][f] = 0;
  }
  doc_count_--;
}

float Bm25Index::idf(size_t df) const {
  // Lucene's variant: always positive, so a term in most documents still counts a little.
  double n = double(doc_count_);
  return float(std::log(1.0 + (n - double(df) + 0.5) / (double(df) + 0.5)));
}

std::vector<ScoredSlot> Bm25Index::search(const std::vector<std::string>& terms, size_t k,
                                          const Bitset* allowed) const {
  std::vector<ScoredSlot> hits;
  if (k == 0 || doc_count_ == 0) return hits;
  std::array<float, kFieldCount> avg_length{};
  for (size_t f = 0; f < kFieldCount; ++f) {
    avg_length[f] = std::max(1.0f, float(double(total_lengths_[f]) / double(doc_count_)));
  }
  // A repeated query term counts as often as it is repeated (query term frequency).
  std::map<std::string_view, uint32_t> query_tf;
  for (const auto& t : terms) query_tf[t]++;

  std::vector<float> scores(field_lengths_.size(), 0.0f);
  std::vector<uint32_t> touched;
  for (const auto& [term, qtf] : query_tf) {
    auto it = postings_.find(std::string(term));
    if (it == postings_.end()) continue;
    const float weight = idf(it->second.size()) * float(qtf);
    for (const Posting& p : it->second) {
      if (allowed && !allowed->test(p.slot)) continue;
      float tf = 0;
      for (size_t f = 0; f < kFieldCount; ++f) {
        if (p.tf[f] == 0) continue;
        float norm = 1.0f - params_.b + params_.b * float(field_lengths_[p.slot][f]) / avg_length[f];
        tf += params_.field_weights[f] * float(p.tf[f]) / norm;
      }
      if (scores[p.slot] == 0.0f) touched.push_back(p.slot);
      scores[p.slot] += weight * tf / (params_.k1 + tf);
    }
  }
  hits.reserve(touched.size());
  for (uint32_t slot : touched) {
    if (scores[slot] > 0) hits.push_back({slot, scores[slot]});
  }
  keep_top_k(hits, k);
  return hits;
}

void Bm25Index::save(ByteWriter& out) const {
  params_.save(out);
  out.varint(doc_count_);
  out.varint(field_lengths_.size());
  for (const auto& lengths : field_lengths_) {
    for (uint32_t l : lengths) out.varint(l);
  }
  // Terms in sorted order: the same collection always serializes to the same bytes.
  std::vector<const std::string*> terms;
  terms.reserve(postings_.size());
  for (const auto& entry : postings_) terms.push_back(&entry.first);
  std::sort(terms.begin(), terms.end(), [](auto* a, auto* b) { return *a < *b; });
  out.varint(terms.size());
  for (const std::string* term : terms) {
    const auto& list = postings_.at(*term);
    out.str(*term);
    out.varint(list.size());
    uint32_t previous = 0;
    for (const Posting& p : list) {
      out.varint(p.slot - previous);  // delta-coded: slots are sorted
      previous = p.slot;
      for (uint32_t tf : p.tf) out.varint(tf);
    }
  }
}

Bm25Index Bm25Index::load(ByteReader& in) {
  Bm25Index index(Bm25Params::load(in));
  index.doc_count_ = in.varint();
  size_t slots = in.count(kFieldCount);
  index.field_lengths_.resize(slots);
  size_t present = 0;
  for (auto& lengths : index.field_lengths_) {
    bool any = false;
    for (size_t f = 0; f < kFieldCount; ++f) {
      lengths[f] = uint32_t(in.varint());
      index.total_lengths_[f] += lengths[f];
      any = any || lengths[f] > 0;
    }
    present += any;
  }
  if (present > index.doc_count_) in.fail("more documents with text than documents");
  size_t term_count = in.count(2);
  index.postings_.reserve(term_count);
  for (size_t t = 0; t < term_count; ++t) {
    std::string term = in.str();
    size_t n = in.count(1 + kFieldCount);
    std::vector<Posting> list(n);
    uint64_t slot = 0;
    for (size_t i = 0; i < n; ++i) {
      slot += in.varint();
      if (slot >= slots || (i > 0 && slot == list[i - 1].slot)) in.fail("posting out of range");
      list[i].slot = uint32_t(slot);
      for (size_t f = 0; f < kFieldCount; ++f) {
        list[i].tf[f] = uint32_t(in.varint());
        if (list[i].tf[f] > index.field_lengths_[slot][f]) in.fail("term frequency above length");
      }
    }
    if (list.empty() || !index.postings_.emplace(std::move(term), std::move(list)).second) {
      in.fail("empty or repeated term in the dictionary");
    }
  }
  return index;
}

}  // namespace osprey
