#include "ingest/ingestor.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/input_checks.h"
#include "ingest/content_hash.h"
#include "text/utf8.h"

namespace osprey {

using nlohmann::json;

const char* const kReservedPassageKeys[6] = {"docId", "section",   "start",
                                             "end",   "byteStart", "byteEnd"};

namespace {

const ApproximateTokenCounter kApproximateCounter;

std::string join_section(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& heading : path) {
    if (heading.empty()) continue;
    if (!out.empty()) out += " > ";
    out += heading;
  }
  return out;
}

// Checks one document; returns its metadata object.
json check_document(const SourceDocument& doc, size_t index) {
  const std::string where = "document #" + std::to_string(index);
  if (doc.id.empty()) throw Error(ErrorCode::kInvalidArgument, where + " has an empty id");
  if (doc.id.size() > IngestLimits::kDocumentIdBytes) {
    throw Error(ErrorCode::kLimitExceeded, where + " has an id longer than " +
                                               std::to_string(IngestLimits::kDocumentIdBytes) +
                                               " bytes");
  }
  validate_utf8(doc.id, where + " id");
  const std::string what = "document '" + doc.id + "'";
  if (doc.text.size() > IngestLimits::kDocumentBytes) {
    throw Error(ErrorCode::kLimitExceeded, what + " is " + std::to_string(doc.text.size()) +
                                               " bytes; documents are limited to " +
                                               std::to_string(IngestLimits::kDocumentBytes) +
                                               " bytes (64 MiB): split it into several documents");
  }
  if (doc.title.size() > Limits::kFieldBytes || doc.metadata_json.size() > Limits::kFieldBytes) {
    throw Error(ErrorCode::kLimitExceeded, what + " title or metadata is larger than 64 MiB");
  }
  validate_utf8(doc.text, what + " text");
  validate_utf8(doc.title, what + " title");
  validate_utf8(doc.metadata_json, what + " metadata");
  // Valid UTF-8 can still be binary data: NUL never occurs in text.
  if (size_t nul = doc.text.find('\0'); nul != std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument, what + " looks binary (a NUL byte at offset " +
                                                 std::to_string(nul) +
                                                 "): give text, Markdown or HTML");
  }
  if (doc.metadata_json.size() > IngestLimits::kMetadataBytes) {
    throw Error(ErrorCode::kLimitExceeded,
                what + " metadata is " + std::to_string(doc.metadata_json.size()) +
                    " bytes; the limit is " + std::to_string(IngestLimits::kMetadataBytes) +
                    " bytes of metadata JSON per ingested document (32 KiB: every passage adds "
                    "its own keys to a copy)");
  }
  json metadata = parse_metadata(doc.metadata_json, what);  // the depth limit before parsing
  if (!metadata.empty()) {
    for (const char* key : kReservedPassageKeys) {
      if (metadata.contains(key)) {
        throw Error(ErrorCode::kInvalidArgument,
                    what + " metadata uses the key '" + std::string(key) +
                        "', which ingestion writes into every passage (docId, section, start, end, "
                        "byteStart, byteEnd): rename it");
      }
    }
  }
  return metadata;
}

uint64_t fingerprint(const SourceDocument& doc, const ChunkOptions& chunk,
                     const TokenCounter& counter) {
  uint64_t h = content_hash(doc.text, 1);
  h = hash_combine(h, content_hash(doc.title, 2));
  h = hash_combine(h, content_hash(doc.metadata_json, 3));
  h = hash_combine(h, uint64_t(doc.format));
  h = hash_combine(h, chunk.max_tokens);
  h = hash_combine(h, chunk.overlap);
  h = hash_combine(h, chunk.split_long_words ? 1 : 0);
  h = hash_combine(h, content_hash(counter.name(), 4));
  h = hash_combine(h, counter.max_length() * 1000003 + counter.special_tokens());
  return h;
}

}  // namespace

std::vector<uint32_t> utf16_offsets(std::string_view text,
                                    const std::vector<uint32_t>& sorted_bytes) {
  std::vector<uint32_t> out;
  out.reserve(sorted_bytes.size());
  size_t pos = 0;
  uint32_t units = 0;
  for (uint32_t target : sorted_bytes) {
    for (; pos < target && pos < text.size(); ++pos) {
      const unsigned char b = static_cast<unsigned char>(text[pos]);
      if ((b & 0xC0) != 0x80) units += b >= 0xF0 ? 2 : 1;
    }
    out.push_back(units);
  }
  return out;
}

SourceDocument source_from_json_record(const std::string& json_text, const JsonFieldMap& fields,
                                       size_t index) {
  const std::string where = "record #" + std::to_string(index);
  if (json_text.size() > IngestLimits::kDocumentBytes) {
    throw Error(ErrorCode::kLimitExceeded, where + " is larger than 64 MiB");
  }
  validate_utf8(json_text, where);
  // Its other fields become the metadata: the metadata depth limit holds for the whole record.
  if (json_depth(json_text, MetadataLimits::kMaxDepth) > MetadataLimits::kMaxDepth) {
    throw Error(ErrorCode::kLimitExceeded, where + " nests objects and arrays deeper than " +
                                               std::to_string(MetadataLimits::kMaxDepth) +
                                               " levels (the metadata depth limit)");
  }
  json record = json::parse(json_text, nullptr, false);
  if (record.is_discarded() || !record.is_object()) {
    throw Error(ErrorCode::kInvalidJson, where + " must be a JSON object");
  }
  auto scalar_text = [&](const json& v, const std::string& field) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
    throw Error(ErrorCode::kInvalidArgument, where + " field '" + field + "' must be a string" +
                                                 (v.is_number() ? " or an integer" : ""));
  };
  SourceDocument doc;
  doc.format = fields.body_format;
  std::unordered_set<std::string> used;
  for (const auto& f : fields.id) {
    if (record.contains(f) && !record[f].is_null()) {
      doc.id = scalar_text(record[f], f);
      used.insert(f);
      break;
    }
  }
  if (doc.id.empty()) {
    std::string names;
    for (const auto& f : fields.id) names += (names.empty() ? "'" : ", '") + f + "'";
    throw Error(ErrorCode::kInvalidArgument, where + " has no id (looked for " + names + ")");
  }
  for (const auto& f : fields.title) {
    if (record.contains(f) && !record[f].is_null()) {
      doc.title = scalar_text(record[f], f);
      used.insert(f);
      break;
    }
  }
  for (const auto& f : fields.body) {
    if (!record.contains(f) || record[f].is_null()) continue;
    std::string part = scalar_text(record[f], f);
    if (!doc.text.empty() && !part.empty()) doc.text += "\n\n";
    doc.text += part;
    used.insert(f);
  }
  json metadata = json::object();
  if (fields.metadata.empty()) {
    for (auto it = record.begin(); it != record.end(); ++it) {
      if (!used.count(it.key())) metadata[it.key()] = it.value();
    }
  } else {
    for (const auto& f : fields.metadata) {
      if (record.contains(f)) metadata[f] = record[f];
    }
  }
  if (!metadata.empty()) doc.metadata_json = metadata.dump();
  return doc;
}

IngestPlan plan_documents(const Collection& collection, std::vector<SourceDocument> documents,
                          const IngestOptions& options) {
  const TokenCounter& counter = options.counter ? *options.counter : kApproximateCounter;
  options.chunk.validate();
  options.chunk.budget(counter);
  const DocumentIndex& index = collection.ingested();
  IngestPlan plan;
  plan.stats.documents = documents.size();

  // Check every document before the (costly) chunking of any.
  std::vector<json> metadata;
  metadata.reserve(documents.size());
  std::unordered_set<std::string> batch_ids;
  for (size_t i = 0; i < documents.size(); ++i) {
    metadata.push_back(check_document(documents[i], i));
    if (!batch_ids.insert(documents[i].id).second) {
      throw Error(ErrorCode::kDuplicateId,
                  "document '" + documents[i].id + "' appears twice in the batch");
    }
  }

  uint64_t chunked = 0;
  for (size_t i = 0; i < documents.size(); ++i) {
    SourceDocument& doc = documents[i];
    const uint64_t fp = fingerprint(doc, options.chunk, counter);
    const DocumentRecord* old = index.find(doc.id);
    plan.expected.push_back({doc.id, old != nullptr, old ? old->fingerprint : 0});
    if (old && old->fingerprint == fp) {
      ++plan.stats.unchanged_documents;
      plan.stats.passages_kept += old->passages.size();
      continue;
    }
    ++chunked;
    const ParsedDocument parsed = parse_document(doc.format, doc.text);
    const std::vector<Chunk> chunks = chunk_document(parsed, counter, options.chunk);
    if (chunks.empty()) ++plan.stats.empty_documents;

    std::vector<uint32_t> byte_offsets;
    byte_offsets.reserve(chunks.size() * 2);
    for (const Chunk& c : chunks) byte_offsets.push_back(c.source_start);
    for (const Chunk& c : chunks) byte_offsets.push_back(c.source_end);
    std::sort(byte_offsets.begin(), byte_offsets.end());
    byte_offsets.erase(std::unique(byte_offsets.begin(), byte_offsets.end()), byte_offsets.end());
    const std::vector<uint32_t> units = utf16_offsets(doc.text, byte_offsets);
    auto utf16 = [&](uint32_t byte) {
      return units[size_t(std::lower_bound(byte_offsets.begin(), byte_offsets.end(), byte) -
                          byte_offsets.begin())];
    };

    DocumentRecord record;
    record.fingerprint = fp;
    record.title = doc.title.empty() ? parsed.title : doc.title;
    std::unordered_set<std::string> old_ids;
    if (old) {
      for (const auto& p : old->passages) old_ids.insert(p.id);
    }
    std::unordered_map<uint64_t, int> occurrences;
    std::unordered_set<std::string> new_ids;
    const std::string_view text = parsed.text();
    for (const Chunk& c : chunks) {
      PassageRecord p;
      p.section = join_section(parsed.section_path(c.section));
      std::string stored_title = record.title;
      if (!p.section.empty()) stored_title += (stored_title.empty() ? "" : " > ") + p.section;
      std::string body(text.substr(c.text_start, c.text_end - c.text_start));
      p.content_hash = hash_combine(content_hash(body, 5), content_hash(stored_title, 6));
      p.id = doc.id + "#" + hash_hex(p.content_hash);
      if (int n = ++occurrences[p.content_hash]; n > 1) p.id += "~" + std::to_string(n);
      p.source_start = c.source_start;
      p.source_end = c.source_end;
      p.utf16_start = utf16(c.source_start);
      p.utf16_end = utf16(c.source_end);
      p.text_start = c.text_start;
      p.text_end = c.text_end;
      p.tokens = c.tokens;
      new_ids.insert(p.id);

      json meta = metadata[i];
      meta["docId"] = doc.id;
      meta["section"] = p.section;
      meta["start"] = p.utf16_start;
      meta["end"] = p.utf16_end;
      meta["byteStart"] = p.source_start;
      meta["byteEnd"] = p.source_end;
      const StoredDocument* stored = old_ids.count(p.id) ? collection.find(p.id) : nullptr;
      if (stored) {
        ++plan.stats.passages_kept;
        if (stored->metadata != meta) {
          ++plan.stats.passages_moved;
          plan.metadata_updates.emplace_back(p.id, meta.dump());
        }
      } else {
        ++plan.stats.passages_added;
        plan.embed_texts.push_back(stored_title.empty() ? body : stored_title + "\n\n" + body);
        DocumentInput input;
        input.id = p.id;
        input.title = std::move(stored_title);
        input.body = std::move(body);
        input.metadata_json = meta.dump();
        plan.add_passages.push_back(std::move(input));
      }
      record.passages.push_back(std::move(p));
    }
    if (old) {
      for (const auto& p : old->passages) {
        if (!new_ids.count(p.id) && collection.find(p.id)) {
          plan.remove_passages.push_back(p.id);
          ++plan.stats.passages_removed;
        }
      }
    }
    plan.records.emplace_back(doc.id, std::move(record));
  }
  index.counters().documents_chunked += chunked;
  index.counters().documents_skipped += plan.stats.unchanged_documents;
  return plan;
}

IngestPlan plan_deletion(const Collection& collection,
                         const std::vector<std::string>& document_ids) {
  const DocumentIndex& index = collection.ingested();
  IngestPlan plan;
  std::unordered_set<std::string> seen;
  for (const auto& id : document_ids) {
    const DocumentRecord* record = index.find(id);
    if (!record) throw Error(ErrorCode::kUnknownId, "no ingested document with id '" + id + "'");
    if (!seen.insert(id).second) continue;
    plan.expected.push_back({id, true, record->fingerprint});
    plan.deleted_documents.push_back(id);
    for (const auto& p : record->passages) {
      if (collection.find(p.id)) {
        plan.remove_passages.push_back(p.id);
        ++plan.stats.passages_removed;
      }
    }
  }
  plan.stats.documents = plan.stats.deleted_documents = plan.deleted_documents.size();
  return plan;
}

void apply_plan(Collection& collection, IngestPlan& plan, std::vector<std::vector<float>> vectors) {
  if (plan.applied)
    throw Error(ErrorCode::kInvalidArgument, "this ingestion plan was already applied");
  DocumentIndex& index = collection.ingested();
  for (const auto& e : plan.expected) {
    const DocumentRecord* now = index.find(e.document_id);
    if ((now != nullptr) != e.existed || (now && now->fingerprint != e.fingerprint)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "document '" + e.document_id +
                      "' changed while its passages were being prepared: add the documents again");
    }
  }
  const bool dense = collection.options().dense.dimension > 0;
  if (dense && vectors.size() != plan.add_passages.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                std::to_string(plan.add_passages.size()) +
                    " passages need vectors (the collection has a " +
                    std::to_string(collection.options().dense.dimension) +
                    "-dimensional index); got " + std::to_string(vectors.size()) +
                    ": give the collection an embedding model or an embed function");
  }
  if (!dense && !vectors.empty()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "vectors were given, but this collection has no dense index (open it with a dimension)");
  }
  const size_t added = plan.add_passages.size();
  for (size_t i = 0; i < vectors.size(); ++i) plan.add_passages[i].vector = std::move(vectors[i]);
  collection.apply_batch(plan.metadata_updates, plan.remove_passages, std::move(plan.add_passages));
  plan.applied = true;
  for (auto& [id, record] : plan.records) index.put(id, std::move(record));
  for (const auto& id : plan.deleted_documents) index.erase(id);
  IngestCounters& counters = index.counters();
  ++counters.plans_applied;
  counters.passages_indexed += added;
  counters.passages_embedded += dense ? added : 0;
  counters.passages_removed += plan.remove_passages.size();
  counters.metadata_updates += plan.metadata_updates.size();
}

IngestStats ingest_documents(Collection& collection, std::vector<SourceDocument> documents,
                             const IngestOptions& options, const Embedder& embed) {
  IngestPlan plan = plan_documents(collection, std::move(documents), options);
  std::vector<std::vector<float>> vectors;
  if (collection.options().dense.dimension > 0 && !plan.embed_texts.empty()) {
    if (!embed) {
      throw Error(ErrorCode::kInvalidArgument,
                  "this collection has a dense index: ingesting documents needs an embedder");
    }
    vectors = embed(plan.embed_texts);
  }
  apply_plan(collection, plan, std::move(vectors));
  return plan.stats;
}

IngestStats delete_documents(Collection& collection, const std::vector<std::string>& document_ids) {
  IngestPlan plan = plan_deletion(collection, document_ids);
  apply_plan(collection, plan, {});
  return plan.stats;
}

}  // namespace osprey
