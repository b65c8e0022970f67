#include "sparse/bm25_index.h"

// Pruned and exhaustive search must add up identical scores: no fused multiply-adds, which the
// compiler would use in some inlined copies of the scoring code and not in others.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.h"
#include "sparse/position_varints.h"

namespace osprey {
namespace {

// Pruning compares sums of bounds added in another order than the final score: allow for the
// rounding so that a document is only skipped when it certainly cannot enter the top k.
constexpr double kBoundSlack = 1.0 + 1e-5;

constexpr size_t kMaxPrunedTerms = 64;
// Pruned search pays off from about this many postings per requested hit (measured on NPL and
// NPL x9 at k = 10, 100, 1000; bench/results/sparse.md).
constexpr size_t kMinPrunedPostingsPerHit = 2048;

// Worst of the kept hits first: a heap ordered by `better` keeps the worst at the front.
struct WorseFirst {
  bool operator()(const ScoredSlot& a, const ScoredSlot& b) const { return better(a, b); }
};

// Offers `hit` to a top-k heap (WorseFirst order); false when it does not make the top k.
bool offer(std::vector<ScoredSlot>& heap, size_t k, const ScoredSlot& hit) {
  if (heap.size() < k) {
    heap.push_back(hit);
    std::push_heap(heap.begin(), heap.end(), WorseFirst{});
    return true;
  }
  if (!better(hit, heap.front())) return false;
  std::pop_heap(heap.begin(), heap.end(), WorseFirst{});
  heap.back() = hit;
  std::push_heap(heap.begin(), heap.end(), WorseFirst{});
  return true;
}

}  // namespace

void Bm25Params::validate() const {
  if (!(k1 >= 0 && k1 <= 100))
    throw Error(ErrorCode::kInvalidArgument, "bm25.k1 must be in [0, 100]");
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
  // Occurrences sorted by (term, field, position): each term's run becomes one posting.
  struct Occurrence {
    const std::string* term;
    uint32_t field;
    uint32_t position;
  };
  std::vector<Occurrence> occurrences;
  occurrences.reserve(fields[0].size() + fields[1].size());
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (const Token& t : fields[f]) occurrences.push_back({&t.term, uint32_t(f), t.position});
  }
  std::sort(occurrences.begin(), occurrences.end(), [](const Occurrence& a, const Occurrence& b) {
    const int c = a.term->compare(*b.term);
    return c < 0 ||
           (c == 0 && (a.field < b.field || (a.field == b.field && a.position < b.position)));
  });
  if (field_lengths_.size() <= slot) field_lengths_.resize(slot + 1, {0, 0});
  for (size_t f = 0; f < kFieldCount; ++f) {
    field_lengths_[slot][f] = uint32_t(fields[f].size());
    total_lengths_[f] += fields[f].size();
  }
  for (size_t i = 0; i < occurrences.size();) {
    const std::string& term = *occurrences[i].term;
    PostingList& list = list_for_add(term, slot);
    Posting p{slot, {0, 0}, uint32_t(list.positions.size())};
    uint32_t previous = 0, previous_field = 0;
    for (; i < occurrences.size() && *occurrences[i].term == term; ++i) {
      const Occurrence& o = occurrences[i];
      if (o.field != previous_field) previous = 0;  // each field's positions are delta-coded
      previous_field = o.field;
      p.tf[o.field]++;
      put_varint(list.positions, o.position - previous);
      previous = o.position;
    }
    // Slots are usually appended in increasing order; reused slots are inserted in place.
    if (list.postings.empty() || list.postings.back().slot < slot) {
      list.postings.push_back(p);
    } else {
      auto it = std::lower_bound(list.postings.begin(), list.postings.end(), slot,
                                 [](const Posting& q, uint32_t s) { return q.slot < s; });
      list.postings.insert(it, p);
    }
  }
  doc_count_++;
  generation_++;
}

void Bm25Index::remove(uint32_t slot, const std::array<std::vector<Token>, kFieldCount>& fields) {
  for (size_t f = 0; f < kFieldCount; ++f) {
    for (const Token& t : fields[f]) {
      PostingList* found = find_for_update(t.term);
      if (!found) continue;  // already removed (the term repeats)
      PostingList& list = *found;
      auto p = std::lower_bound(list.postings.begin(), list.postings.end(), slot,
                                [](const Posting& q, uint32_t s) { return q.slot < s; });
      if (p == list.postings.end() || p->slot != slot) continue;
      // Cut the posting's positions out of the byte array and shift the offsets behind them.
      const uint32_t offset = p->positions;
      const size_t size = skip_varints(list.positions.data() + offset, p->tf[0] + p->tf[1]);
      list.positions.erase(list.positions.begin() + offset,
                           list.positions.begin() + offset + long(size));
      list.postings.erase(p);
      for (Posting& q : list.postings) {
        if (q.positions > offset) q.positions -= uint32_t(size);
      }
      if (list.postings.empty()) postings_.erase(t.term);
    }
  }
  for (size_t f = 0; f < kFieldCount; ++f) {
    total_lengths_[f] -= field_lengths_[slot][f];
    field_lengths_[slot][f] = 0;
  }
  doc_count_--;
  generation_++;
}

float Bm25Index::idf(size_t df) const {
  // Lucene's variant: always positive, so a term in most documents still counts a little.
  double n = double(doc_count_);
  return float(std::log(1.0 + (n - double(df) + 0.5) / (double(df) + 0.5)));
}

const Bm25Index::PostingList* Bm25Index::find(const std::string& term) const {
  auto it = postings_.find(term);
  if (it != postings_.end()) {
    if (it->second.stored_prefix) join_stored(it->second);
    return &it->second;
  }
  StoredList* stored = stored_list(term);
  return stored ? take(*stored) : nullptr;
}

Bm25Index::PostingList* Bm25Index::find_for_update(const std::string& term) {
  return const_cast<PostingList*>(find(term));
}

Bm25Index::PostingList& Bm25Index::list_for_add(const std::string& term, uint32_t slot) {
  auto it = postings_.find(term);
  if (it != postings_.end()) {
    if (it->second.stored_prefix && slot < stored_slots_) join_stored(it->second);
    return it->second;
  }
  StoredList* stored = stored_list(term);
  if (!stored) return postings_[term];
  if (slot < stored_slots_) return *take(*stored);
  PostingList& tail = postings_[term];
  tail.stored_prefix = stored;
  stored->taken = true;
  stored_left_--;
  return tail;
}

size_t Bm25Index::document_frequency(const std::string& term) const {
  auto it = postings_.find(term);
  if (it != postings_.end()) {
    const PostingList& list = it->second;
    return list.postings.size() + (list.stored_prefix ? list.stored_prefix->count : 0);
  }
  const StoredList* stored = stored_list(term);  // its count, without decoding it
  return stored ? stored->count : 0;
}

void Bm25Index::refresh_norms() const {
  if (norms_generation_ == generation_) return;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const float average =
        doc_count_ ? std::max(1.0f, float(double(total_lengths_[f]) / double(doc_count_))) : 1.0f;
    auto& inv = inverse_norms_[f];
    inv.resize(field_lengths_.size());
    for (size_t slot = 0; slot < field_lengths_.size(); ++slot) {
      inv[slot] = 1.0f / (1.0f - params_.b + params_.b * float(field_lengths_[slot][f]) / average);
    }
  }
  norms_generation_ = generation_;
}

// BM25F's saturated term frequency of one posting: tf' / (k1 + tf'), where tf' is the sum of the
// fields' weighted, length-normalized frequencies. Every score is weight * this value.
// Branch-free (whether a document has the term in its title is unpredictable): a field outside
// `fields`, or without the term, adds exactly 0.
inline float Bm25Index::saturated(const Posting& p, FieldMask fields) const {
  float tf = 0;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const float weight = (fields >> f & 1) ? params_.field_weights[f] : 0.0f;
    tf += weight * float(p.tf[f]) * inverse_norms_[f][p.slot];
  }
  return tf > 0 ? tf / (params_.k1 + tf) : 0.0f;
}

float Bm25Index::bound(const PostingList& list, FieldMask fields) const {
  const size_t i = size_t(fields) - 1;
  if (list.bound_generation[i] != generation_) {
    float best = 0;
    for (const Posting& p : list.postings) best = std::max(best, saturated(p, fields));
    list.bound[i] = best;
    list.bound_generation[i] = generation_;
  }
  return list.bound[i];
}

struct Bm25Index::Cursor {
  const Posting* it;
  const Posting* end;
  float weight;
  FieldMask fields;
  const Bitset* gate;
  float upper;       // weight * the list's bound: no posting scores more
  uint32_t ordinal;  // position in the query (scores are summed in this order)

  // First posting with slot >= target (galloping: targets are usually near).
  void advance_to(uint32_t target) {
    if (it == end || it->slot >= target) return;
    size_t step = 1;
    const Posting* low = it;
    while (low + step < end && low[step].slot < target) {
      low += step;
      step *= 2;
    }
    const Posting* high = low + step < end ? low + step + 1 : end;
    it = std::lower_bound(low, high, target,
                          [](const Posting& p, uint32_t s) { return p.slot < s; });
  }
};

std::vector<ScoredSlot> Bm25Index::search_exhaustive(const std::vector<TermQuery>& terms, size_t k,
                                                     const Bitset* allowed) const {
  std::vector<ScoredSlot> heap;
  if (k == 0 || doc_count_ == 0) return heap;
  refresh_norms();
  // Every list is looked up (and decoded, which may fail) before any score is added.
  std::vector<std::pair<const TermQuery*, const PostingList*>> lists;
  size_t postings = 0;
  for (const TermQuery& q : terms) {
    const PostingList* list = find(q.term);
    if (!list || q.fields == 0 || !(q.weight > 0)) continue;
    lists.emplace_back(&q, list);
    postings += list->postings.size();
  }
  // Accumulators by slot, kept between searches (no allocation and clearing of a collection-sized
  // array per query): every added score is positive, so zero means "not touched yet", and every
  // touched accumulator is zero again when this returns.
  thread_local std::vector<float> scores;
  thread_local std::vector<uint32_t> touched;
  if (scores.size() < field_lengths_.size()) scores.resize(field_lengths_.size(), 0.0f);
  touched.clear();
  touched.reserve(postings);
  heap.reserve(std::min(k, postings) + 1);
  for (const auto& [q, list] : lists) {  // query order: the same sums as the pruned search
    for (const Posting& p : list->postings) {
      if (q->gate && !q->gate->test(p.slot)) continue;
      const float score = q->weight * saturated(p, q->fields);
      if (!(score > 0)) continue;
      float& total = scores[p.slot];
      if (total == 0) touched.push_back(p.slot);
      total += score;
    }
  }
  for (uint32_t slot : touched) {
    const ScoredSlot hit{slot, scores[slot]};
    scores[slot] = 0.0f;
    if (allowed && !allowed->test(slot)) continue;
    if (heap.size() == k && hit.score < heap.front().score) continue;  // most end here
    offer(heap, k, hit);
  }
  std::sort(heap.begin(), heap.end(), Better{});
  return heap;
}

std::vector<ScoredSlot> Bm25Index::search(const std::vector<TermQuery>& terms, size_t k,
                                          const Bitset* allowed) const {
  // Very long queries: the pruned search's per-candidate rescoring costs a step per term; scoring
  // every posting once is cheaper. So it is when the lists are short for this k: pruning only
  // starts once the top k is full, and then costs more per posting than it saves.
  size_t lists = 0, postings = 0;
  for (const TermQuery& q : terms) {
    const PostingList* list = find(q.term);
    if (!list || q.fields == 0 || !(q.weight > 0)) continue;
    lists++;
    postings += list->postings.size();
  }
  if (lists > kMaxPrunedTerms || postings <= kMinPrunedPostingsPerHit * k)
    return search_exhaustive(terms, k, allowed);
  return search_pruned(terms, k, allowed);
}

std::vector<ScoredSlot> Bm25Index::search_pruned(const std::vector<TermQuery>& terms, size_t k,
                                                 const Bitset* allowed) const {
  std::vector<ScoredSlot> heap;
  if (k == 0 || doc_count_ == 0) return heap;
  refresh_norms();

  // MaxScore, scored a window of documents at a time (as Lucene's MaxScoreBulkScorer): the
  // "essential" terms are added up term-at-a-time into a small accumulator, which is cheap per
  // posting; a document whose partial score plus the bounds of the other terms cannot beat the
  // k-th best is skipped, and the rest are scored exactly, adding the terms in query order as the
  // exhaustive search does. Documents are offered to the top k in increasing slot order, so ties
  // resolve exactly as in the exhaustive search too.
  std::vector<Cursor> cursors;  // in query order (ordinal = index here)
  cursors.reserve(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    const TermQuery& q = terms[i];
    const PostingList* list = find(q.term);
    if (!list || q.fields == 0 || !(q.weight > 0)) continue;
    const Posting* begin = list->postings.data();
    cursors.push_back({begin, begin + list->postings.size(), q.weight, q.fields, q.gate,
                       q.weight * bound(*list, q.fields), uint32_t(cursors.size())});
  }
  if (cursors.empty()) return heap;

  const size_t n = cursors.size();
  std::vector<Cursor> by_bound = cursors;  // ascending bounds: essential terms are a suffix
  std::sort(by_bound.begin(), by_bound.end(),
            [](const Cursor& a, const Cursor& b) { return a.upper < b.upper; });
  std::vector<double> prefix(n + 1, 0.0);  // prefix[i]: sum of the bounds of by_bound[0, i)
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + double(by_bound[i].upper);

  constexpr uint32_t kWindow = 4096;
  std::vector<float> partial(kWindow, 0.0f);
  std::vector<uint64_t> touched(kWindow / 64, 0);
  // Each essential term's score per document of the window (by ordinal), so that the exact sum
  // needs no second walk over their lists; the other terms' scores of the current document.
  std::vector<float> window_scores(n * kWindow, 0.0f);
  std::vector<float> other_scores(n, 0.0f);
  std::vector<uint8_t> essential(n, 0);
  heap.reserve(std::min(k, doc_count_) + 1);
  double threshold = -1;  // the k-th best score once the heap is full
  size_t first_essential = 0;

  while (first_essential < n) {
    // The next window starts at the first document any essential term still has.
    uint32_t next = std::numeric_limits<uint32_t>::max();
    for (size_t i = first_essential; i < n; ++i) {
      if (by_bound[i].it != by_bound[i].end) next = std::min(next, by_bound[i].it->slot);
    }
    if (next == std::numeric_limits<uint32_t>::max()) break;
    const uint32_t window = next - next % kWindow;
    const uint64_t window_end = uint64_t(window) + kWindow;
    std::fill(essential.begin(), essential.end(), 0);
    for (size_t i = first_essential; i < n; ++i) {
      Cursor& c = by_bound[i];
      essential[c.ordinal] = 1;
      float* scores = window_scores.data() + size_t(c.ordinal) * kWindow;
      for (; c.it != c.end && c.it->slot < window_end; ++c.it) {
        if (c.gate && !c.gate->test(c.it->slot)) continue;
        const uint32_t d = c.it->slot - window;
        const float score = c.weight * saturated(*c.it, c.fields);
        scores[d] = score;
        partial[d] += score;
        touched[d >> 6] |= uint64_t(1) << (d & 63);
      }
    }
    const double others = prefix[first_essential];  // bound of the non-essential terms
    for (size_t w = 0; w < touched.size(); ++w) {
      for (uint64_t bits = touched[w]; bits; bits &= bits - 1) {
        const uint32_t d = uint32_t(w * 64 + size_t(__builtin_ctzll(bits)));
        const uint32_t doc = window + d;
        const float partial_score = partial[d];
        partial[d] = 0.0f;
        // This document's essential scores, in query order (absent terms add 0, which changes
        // no sum); cleared for the next window whatever happens to the document.
        float score = 0;
        for (size_t o = 0; o < n; ++o) {
          if (!essential[o]) continue;
          float& slot_score = window_scores[o * kWindow + d];
          other_scores[o] = slot_score;
          slot_score = 0.0f;
        }
        if (allowed && !allowed->test(doc)) continue;
        // Add the other terms' actual scores, largest bounds first, while the document can
        // still make it; most candidates drop out after a term or two.
        double sum = double(partial_score);
        bool hopeless = heap.size() == k && (sum + others) * kBoundSlack <= threshold;
        for (size_t i = first_essential; i-- > 0 && !hopeless;) {
          Cursor& c = by_bound[i];
          c.advance_to(doc);
          float term_score = 0;
          if (c.it != c.end && c.it->slot == doc && (!c.gate || c.gate->test(doc))) {
            term_score = c.weight * saturated(*c.it, c.fields);
          }
          other_scores[c.ordinal] = term_score;
          sum += double(term_score);
          hopeless = heap.size() == k && (sum + prefix[i]) * kBoundSlack <= threshold;
        }
        if (hopeless) continue;
        // The exact score: the terms added in query order, as the exhaustive search does.
        for (size_t o = 0; o < n; ++o) score += other_scores[o];
        if (!(score > 0)) continue;
        if (!offer(heap, k, {doc, score})) continue;
        if (heap.size() == k) threshold = heap.front().score;
      }
      touched[w] = 0;
    }
    // Terms whose bounds add up to no more than the k-th best score cannot bring a new document
    // into the top k by themselves: from the next window on, only candidates score them.
    while (first_essential < n && prefix[first_essential + 1] * kBoundSlack <= threshold) {
      first_essential++;
    }
  }
  std::sort(heap.begin(), heap.end(), Better{});
  return heap;
}

std::vector<ScoredSlot> Bm25Index::search(const std::vector<std::string>& terms, size_t k,
                                          const Bitset* allowed) const {
  std::map<std::string_view, float> weights;
  for (const auto& t : terms) weights[t] += 1.0f;
  std::vector<TermQuery> queries;
  for (const auto& [term, weight] : weights) {
    const PostingList* list = find(std::string(term));
    if (list)
      queries.push_back(
          {std::string(term), kAllFields, weight * idf(list->postings.size()), nullptr});
  }
  return search(queries, k, allowed);
}

void Bm25Index::collect(const std::string& term, FieldMask fields, Bitset& out) const {
  const PostingList* list = find(term);
  if (!list) return;
  for (const Posting& p : list->postings) {
    if (((fields & 1) && p.tf[0]) || ((fields & 2) && p.tf[1])) out.set(p.slot);
  }
}

void Bm25Index::decode_positions(const PostingList& list, const Posting& p, Field field,
                                 std::vector<uint32_t>& out) const {
  const uint8_t* cursor = list.positions.data() + p.positions;
  if (field == kBody) cursor += skip_varints(cursor, p.tf[kTitle]);
  out.resize(p.tf[field]);
  uint32_t value = 0;
  for (uint32_t& pos : out) {
    value += get_varint(cursor);
    pos = value;
  }
}

void Bm25Index::collect_phrase(const std::vector<PhraseTerm>& phrase, FieldMask fields,
                               Bitset& out) const {
  if (phrase.empty()) return;
  // One cursor per phrase term: candidates come in slot order, so each list is walked forward
  // once (galloping) instead of searched from its start for every candidate.
  std::vector<const PostingList*> lists;
  std::vector<Cursor> cursors;
  for (const PhraseTerm& t : phrase) {
    const PostingList* list = find(t.term);
    if (!list) return;  // a missing term: nothing matches
    lists.push_back(list);
    const Posting* begin = list->postings.data();
    cursors.push_back({begin, begin + list->postings.size(), 0, 0, nullptr, 0, 0});
  }
  // Walk the rarest list and look each candidate up in the others.
  size_t rarest = 0;
  for (size_t i = 1; i < lists.size(); ++i) {
    if (lists[i]->postings.size() < lists[rarest]->postings.size()) rarest = i;
  }
  std::vector<std::vector<uint32_t>> positions(lists.size());
  for (const Posting& candidate : lists[rarest]->postings) {
    bool all = true;
    for (size_t i = 0; i < lists.size() && all; ++i) {
      cursors[i].advance_to(candidate.slot);
      all = cursors[i].it != cursors[i].end && cursors[i].it->slot == candidate.slot;
    }
    if (!all) continue;
    for (size_t f = 0; f < kFieldCount; ++f) {
      if (!(fields >> f & 1)) continue;
      bool present = true;
      for (size_t i = 0; i < lists.size() && present; ++i) {
        decode_positions(*lists[i], *cursors[i].it, Field(f), positions[i]);
        present = !positions[i].empty();
      }
      if (!present) continue;
      // A start s matches when every term i occurs at s + offset_i.
      bool match = false;
      for (uint32_t first : positions[0]) {
        if (first < phrase[0].offset) continue;
        const uint64_t start = uint64_t(first) - phrase[0].offset;
        match = true;
        for (size_t i = 1; i < lists.size() && match; ++i) {
          match = std::binary_search(positions[i].begin(), positions[i].end(),
                                     uint32_t(start + phrase[i].offset));
        }
        if (match) break;
      }
      if (match) {
        out.set(candidate.slot);
        break;
      }
    }
  }
}

size_t Bm25Index::memory_bytes() const {
  size_t bytes = field_lengths_.capacity() * sizeof(field_lengths_[0]);
  bytes += stored_.capacity() * sizeof(StoredList);
  for (const StoredList& stored : stored_) bytes += stored.taken ? 0 : stored.size;
  for (const auto& inv : inverse_norms_) bytes += inv.capacity() * sizeof(float);
  for (const auto& [term, list] : postings_) {
    bytes += sizeof(term) + term.capacity() + sizeof(list) + 16;  // hash node overhead
    bytes += list.postings.capacity() * sizeof(Posting) + list.positions.capacity();
  }
  return bytes;
}

}  // namespace osprey
