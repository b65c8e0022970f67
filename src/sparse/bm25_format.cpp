// The BM25 index's stored form, and the lazy decoding of posting lists from it.
//
// Section layout 3 (collection format 4):
//   u8 3 | params | varint documents | varint slots | per slot: varint title, body length |
//   varint terms | per term, in sorted order: str term, varint postings, varint bytes, postings
// where a posting is: varint slot delta, varint tf per field, then its positions (each field's
// delta-coded, as varints). The byte size lets a loaded index find every term's list without
// decoding it; layout 2 (collection formats 2 and 3) has no byte size and is decoded at once.
#include <algorithm>
#include <limits>

#include "core/error.h"
#include "sparse/bm25_index.h"
#include "sparse/position_varints.h"

namespace osprey {
namespace {

constexpr uint8_t kLegacyLayout = 2;
constexpr uint8_t kLayout = 3;

// Reads a varint of at most 32 bits from [p, end); false when cut short or larger. Inline and
// unchecked beyond `end`: decoding posting lists is what a first query after opening waits for.
inline bool read_varint(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  uint32_t v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (p == end) return false;
    const uint8_t b = *p++;
    if (shift == 28 && (b & 0x70)) return false;  // bits above 32
    v |= uint32_t(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      out = v;
      return true;
    }
  }
  return false;
}

}  // namespace

void Bm25Index::encode_postings(const PostingList& list, ByteWriter& out) const {
  uint32_t previous = 0;
  for (const Posting& p : list.postings) {
    out.varint(p.slot - previous);  // delta-coded: slots are sorted
    previous = p.slot;
    for (uint32_t tf : p.tf) out.varint(tf);
    const size_t size = skip_varints(list.positions.data() + p.positions, p.tf[0] + p.tf[1]);
    out.raw(list.positions.data() + p.positions, size);
  }
}

void Bm25Index::save(ByteWriter& out) const {
  out.u8(kLayout);
  params_.save(out);
  out.varint(doc_count_);
  out.varint(field_lengths_.size());
  for (const auto& lengths : field_lengths_) {
    for (uint32_t l : lengths) out.varint(l);
  }
  // Terms in sorted order: the same collection always serializes to the same bytes. Decoded
  // lists are encoded again; stored ones nobody touched are copied as they are.
  std::vector<const std::pair<const std::string, PostingList>*> decoded;
  decoded.reserve(postings_.size());
  for (auto& entry : postings_) {
    if (entry.second.stored_prefix) join_stored(entry.second);  // the first delta needs it
    decoded.push_back(&entry);
  }
  std::sort(decoded.begin(), decoded.end(), [](auto* a, auto* b) { return a->first < b->first; });
  out.varint(term_count());
  ByteWriter list_bytes;
  auto next_stored = stored_.begin();
  auto skip_taken = [&] {
    while (next_stored != stored_.end() && next_stored->taken) ++next_stored;
  };
  skip_taken();
  for (auto next_decoded = decoded.begin();
       next_decoded != decoded.end() || next_stored != stored_.end();) {
    if (next_decoded == decoded.end() ||
        (next_stored != stored_.end() && term_of(*next_stored) < (*next_decoded)->first)) {
      const StoredList& stored = *next_stored++;
      out.str(term_of(stored));
      out.varint(stored.count);
      out.varint(stored.size);
      out.raw(bytes_->data() + stored.offset, stored.size);
      skip_taken();
    } else {
      const auto& [term, list] = **next_decoded++;
      list_bytes.bytes().clear();
      encode_postings(list, list_bytes);
      out.str(term);
      out.varint(list.postings.size());
      out.varint(list_bytes.size());
      out.raw(list_bytes.bytes().data(), list_bytes.size());
    }
  }
}

// The positions are copied as they are stored (the index keeps the same varints), after checking
// that each one is a varint of at most 32 bits and that they increase within a field.
void Bm25Index::decode_postings(const uint8_t*& p, const uint8_t* end, size_t count,
                                size_t slot_limit, PostingList& list,
                                const ByteReader& errors) const {
  list.postings.resize(count);
  uint64_t slot = 0;
  for (size_t i = 0; i < count; ++i) {
    uint32_t delta, tf[kFieldCount];
    if (!read_varint(p, end, delta) || !read_varint(p, end, tf[0]) || !read_varint(p, end, tf[1])) {
      errors.fail("a posting is cut short");
    }
    slot += delta;
    if (slot >= slot_limit) {
      errors.fail("a posting for slot " + std::to_string(slot) + " beyond the " +
                  std::to_string(slot_limit) + " document slots");
    }
    if (i > 0 && delta == 0) errors.fail("postings not in increasing slot order");
    if (tf[0] > field_lengths_[slot][0] || tf[1] > field_lengths_[slot][1]) {
      errors.fail("term frequency above length");
    }
    if (tf[0] + tf[1] == 0) errors.fail("posting without occurrences");
    Posting& posting = list.postings[i];
    posting.slot = uint32_t(slot);
    posting.tf = {tf[0], tf[1]};
    posting.positions = uint32_t(list.positions.size());
    const uint8_t* positions = p;
    for (size_t f = 0; f < kFieldCount; ++f) {
      uint64_t position = 0;
      for (uint32_t j = 0; j < tf[f]; ++j) {
        uint32_t gap;
        if (!read_varint(p, end, gap)) errors.fail("a position is cut short or too large");
        if (j > 0 && gap == 0) errors.fail("positions not increasing");
        position += gap;
        if (position > std::numeric_limits<uint32_t>::max()) errors.fail("position out of range");
      }
    }
    list.positions.insert(list.positions.end(), positions, p);
  }
  if (list.postings.empty()) errors.fail("empty posting list");
}

Bm25Index::PostingList Bm25Index::decode_stored(const StoredList& stored) const {
  const ByteReader errors(nullptr, 0, "collection", "bm25 section");
  const uint8_t* p = bytes_->data() + stored.offset;
  const uint8_t* end = p + stored.size;
  PostingList list;
  list.positions.reserve(stored.size);
  decode_postings(p, end, stored.count, stored_slots_, list, errors);
  if (p != end) errors.fail("a posting list is shorter than its stored size");
  return list;
}

void Bm25Index::join_stored(PostingList& list) const {
  PostingList joined = decode_stored(*list.stored_prefix);
  const uint32_t shift = uint32_t(joined.positions.size());
  for (Posting posting : list.postings) {
    posting.positions += shift;
    joined.postings.push_back(posting);
  }
  joined.positions.insert(joined.positions.end(), list.positions.begin(), list.positions.end());
  list = std::move(joined);  // no stored prefix, no cached bounds
}

Bm25Index::StoredList* Bm25Index::stored_list(const std::string& term) const {
  auto it =
      std::lower_bound(stored_.begin(), stored_.end(), std::string_view(term),
                       [this](const StoredList& s, std::string_view t) { return term_of(s) < t; });
  if (it == stored_.end() || term_of(*it) != term || it->taken) return nullptr;
  return &*it;
}

Bm25Index::PostingList* Bm25Index::take(StoredList& stored) const {
  auto [it, inserted] = postings_.emplace(std::string(term_of(stored)), decode_stored(stored));
  if (!inserted) throw Error(ErrorCode::kInternal, "a stored posting list was decoded twice");
  stored.taken = true;
  stored_left_--;
  return &it->second;
}

void Bm25Index::decode_terms(const std::array<std::vector<Token>, kFieldCount>& fields) const {
  if (stored_left_ == 0) return;
  for (const auto& tokens : fields) {
    for (const Token& t : tokens) find(t.term);
  }
}

Bm25Index Bm25Index::load(ByteReader& in, const SharedBytes& bytes) {
  const uint8_t layout = in.u8();
  if (layout != kLayout && layout != kLegacyLayout) {
    in.fail("unknown BM25 index layout version " + std::to_string(layout));
  }
  Bm25Index index(Bm25Params::load(in));
  index.doc_count_ = in.varint();
  size_t slots = in.count(kFieldCount);
  index.field_lengths_.resize(slots);
  size_t present = 0;
  for (auto& lengths : index.field_lengths_) {
    bool any = false;
    for (size_t f = 0; f < kFieldCount; ++f) {
      uint64_t length = in.varint();
      if (length > std::numeric_limits<uint32_t>::max()) in.fail("field length out of range");
      lengths[f] = uint32_t(length);
      index.total_lengths_[f] += lengths[f];
      any = any || lengths[f] > 0;
    }
    present += any;
  }
  if (present > index.doc_count_) in.fail("more documents with text than documents");
  // A term takes at least 6 bytes: its length, its posting count and one posting of 4 (layout 3
  // adds the list's byte size).
  size_t term_count = in.count(layout == kLegacyLayout ? 6 : 7);
  if (layout == kLegacyLayout) {
    // No list sizes: decode everything now (an upgraded collection is saved in layout 3).
    index.postings_.reserve(term_count);
    for (size_t t = 0; t < term_count; ++t) {
      std::string term = in.str();
      const size_t count = in.count(1 + kFieldCount);
      const uint8_t* start = in.position();
      const uint8_t* p = start;
      PostingList list;
      index.decode_postings(p, start + in.remaining(), count, slots, list, in);
      in.raw(size_t(p - start));
      if (!index.postings_.emplace(std::move(term), std::move(list)).second) {
        in.fail("repeated term in the dictionary");
      }
    }
    return index;
  }
  index.bytes_ = bytes;
  index.stored_slots_ = slots;
  index.stored_.reserve(term_count);
  std::string_view previous;
  for (size_t t = 0; t < term_count; ++t) {
    const size_t term_size = in.count(1);
    const size_t term_offset = size_t(in.position() - bytes->data());
    const std::string_view term(reinterpret_cast<const char*>(in.raw(term_size)), term_size);
    const size_t count = in.count(1 + kFieldCount);
    const size_t size = in.count(1);
    if (count == 0 || size < count * (1 + kFieldCount + 1)) in.fail("bad posting list size");
    if (t > 0 && !(previous < term)) in.fail("terms not sorted or repeated");
    previous = term;
    const size_t offset = size_t(in.position() - bytes->data());
    in.raw(size);
    index.stored_.push_back({term_offset, uint32_t(term_size), uint32_t(count), offset, size});
  }
  index.stored_left_ = term_count;
  return index;
}

}  // namespace osprey
