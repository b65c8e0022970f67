#include "ingest/document_index.h"

#include <algorithm>

namespace osprey {

const DocumentRecord* DocumentIndex::find(const std::string& document_id) const {
  auto it = documents_.find(document_id);
  return it == documents_.end() ? nullptr : &it->second;
}

std::optional<PassageOwner> DocumentIndex::owner(const std::string& passage_id) const {
  auto it = owners_.find(passage_id);
  if (it == owners_.end()) return std::nullopt;
  auto doc = documents_.find(it->second.first);
  if (doc == documents_.end()) return std::nullopt;
  return PassageOwner{&doc->first, &doc->second, it->second.second};
}

void DocumentIndex::put(const std::string& document_id, DocumentRecord record) {
  erase(document_id);
  for (uint32_t n = 0; n < record.passages.size(); ++n) {
    owners_[record.passages[n].id] = {document_id, n};
  }
  documents_.emplace(document_id, std::move(record));
}

void DocumentIndex::erase(const std::string& document_id) {
  auto it = documents_.find(document_id);
  if (it == documents_.end()) return;
  for (const auto& p : it->second.passages) owners_.erase(p.id);
  documents_.erase(it);
}

std::vector<std::string> DocumentIndex::document_ids() const {
  std::vector<std::string> ids;
  ids.reserve(documents_.size());
  for (const auto& entry : documents_) ids.push_back(entry.first);
  std::sort(ids.begin(), ids.end());
  return ids;
}

void DocumentIndex::save(ByteWriter& out) const {
  out.varint(documents_.size());
  for (const auto& id :
       document_ids()) {  // sorted: the same collection always writes the same bytes
    const DocumentRecord& doc = documents_.at(id);
    out.str(id);
    out.u64(doc.fingerprint);
    out.str(doc.title);
    out.varint(doc.passages.size());
    for (const auto& p : doc.passages) {
      out.str(p.id);
      out.u64(p.content_hash);
      out.str(p.section);
      for (uint32_t v : {p.source_start, p.source_end, p.utf16_start, p.utf16_end, p.text_start,
                         p.text_end, p.tokens}) {
        out.varint(v);
      }
    }
  }
}

DocumentIndex DocumentIndex::load(ByteReader& in) {
  DocumentIndex index;
  const size_t documents = in.count(3);
  for (size_t d = 0; d < documents; ++d) {
    std::string id = in.str();
    DocumentRecord doc;
    doc.fingerprint = in.u64();
    doc.title = in.str();
    const size_t passages = in.count(17);
    doc.passages.reserve(passages);
    for (size_t n = 0; n < passages; ++n) {
      PassageRecord p;
      p.id = in.str();
      p.content_hash = in.u64();
      p.section = in.str();
      uint32_t* fields[] = {&p.source_start, &p.source_end, &p.utf16_start, &p.utf16_end,
                            &p.text_start,   &p.text_end,   &p.tokens};
      for (uint32_t* f : fields) {
        uint64_t v = in.varint();
        if (v > UINT32_MAX) in.fail("passage offset out of range");
        *f = uint32_t(v);
      }
      if (p.source_start > p.source_end || p.utf16_start > p.utf16_end ||
          p.text_start > p.text_end) {
        in.fail("passage offsets out of order");
      }
      if (index.owners_.count(p.id)) in.fail("passage '" + p.id + "' listed twice");
      doc.passages.push_back(std::move(p));
    }
    if (index.documents_.count(id)) in.fail("document '" + id + "' listed twice");
    index.put(id, std::move(doc));
  }
  return index;
}

}  // namespace osprey
