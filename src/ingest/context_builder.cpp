#include "ingest/context_builder.h"

#include <algorithm>
#include <unordered_map>

#include "core/error.h"
#include "ingest/document_search.h"
#include "ingest/near_duplicates.h"

namespace osprey {
namespace {

const ApproximateTokenCounter kApproximateCounter;

// A block while it is being assembled: which passages it holds.
struct Piece {
  ContextBlock block;
  const DocumentRecord* document;
  uint32_t first_ordinal, last_ordinal;
  uint32_t text_start, text_end;  // readable-text bytes, to splice overlapping neighbours
  size_t rank;                    // of its best passage among the candidates
};

std::vector<Piece> merge_neighbors(std::vector<Piece> pieces, size_t& merged) {
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    if (a.document != b.document) return a.document < b.document;
    return a.first_ordinal < b.first_ordinal;
  });
  std::vector<Piece> out;
  for (Piece& p : pieces) {
    if (!out.empty()) {
      Piece& last = out.back();
      if (last.document == p.document && last.block.section == p.block.section &&
          p.first_ordinal == last.last_ordinal + 1) {
        if (p.text_start < last.text_end) {  // overlap: the shared sentences once
          const size_t shared = std::min<size_t>(last.text_end - p.text_start, p.block.text.size());
          last.block.text += p.block.text.substr(shared);
        } else {
          last.block.text += p.text_start - last.text_end > 1 ? "\n\n" : " ";
          last.block.text += p.block.text;
        }
        last.last_ordinal = p.last_ordinal;
        last.text_end = p.text_end;
        last.block.source_end = p.block.source_end;
        last.block.utf16_end = p.block.utf16_end;
        last.block.score = std::max(last.block.score, p.block.score);
        last.rank = std::min(last.rank, p.rank);
        for (auto& id : p.block.passage_ids) last.block.passage_ids.push_back(std::move(id));
        ++merged;
        continue;
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

void order_pieces(std::vector<Piece>& pieces, ContextOrder order) {
  auto by_rank = [](const Piece& a, const Piece& b) { return a.rank < b.rank; };
  std::sort(pieces.begin(), pieces.end(), by_rank);
  if (order == ContextOrder::kDocument) {
    std::unordered_map<const DocumentRecord*, size_t> document_rank;
    for (const Piece& p : pieces) document_rank.emplace(p.document, document_rank.size());
    std::stable_sort(pieces.begin(), pieces.end(), [&](const Piece& a, const Piece& b) {
      if (a.document != b.document) return document_rank[a.document] < document_rank[b.document];
      return a.first_ordinal < b.first_ordinal;
    });
  } else if (order == ContextOrder::kEdges) {
    // Ranks 1, 3, 5, ... from the front; 2, 4, 6, ... from the back.
    std::vector<Piece> out(pieces.size());
    size_t front = 0, back = pieces.size();
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i % 2 == 0)
        out[front++] = std::move(pieces[i]);
      else
        out[--back] = std::move(pieces[i]);
    }
    pieces = std::move(out);
  }
}

}  // namespace

ContextOrder parse_context_order(const std::string& name) {
  if (name == "relevance" || name.empty()) return ContextOrder::kRelevance;
  if (name == "document") return ContextOrder::kDocument;
  if (name == "edges") return ContextOrder::kEdges;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown context order '" + name + "': use 'relevance', 'document' or 'edges'");
}

std::string format_context_block(const ContextBlock& block) {
  std::string out = "[" + std::to_string(block.citation) + "] " + block.document_id;
  if (!block.title.empty()) out += " \xE2\x80\x94 " + block.title;
  if (!block.section.empty())
    out += (block.title.empty() ? " \xE2\x80\x94 " : " > ") + block.section;
  out += "\n";
  out += block.text;
  return out;
}

Context build_context(const Collection& collection, const ContextOptions& options) {
  const TokenCounter& counter = options.counter ? *options.counter : kApproximateCounter;
  if (options.token_budget == 0 || options.token_budget > 10000000) {
    throw Error(ErrorCode::kInvalidArgument, "tokenBudget must be between 1 and 10000000");
  }
  if (options.candidates == 0 || options.candidates > 10000) {
    throw Error(ErrorCode::kInvalidArgument, "candidates must be between 1 and 10000");
  }
  if (!(options.duplicate_threshold >= 0)) {
    throw Error(ErrorCode::kInvalidArgument, "the duplicate threshold must be a number >= 0");
  }
  SearchRequest request = options.request;
  request.k = options.candidates;
  const std::vector<PassageHit> hits = search_passages(collection, request);

  Context context;
  context.candidates = hits.size();
  // Near-duplicates: a passage too similar to a better one is dropped (neighbours of one
  // document overlap by design and are merged instead).
  std::vector<size_t> kept;
  std::vector<std::vector<uint64_t>> kept_shingles;
  const bool dedupe = options.duplicate_threshold <= 1.0;
  for (size_t i = 0; i < hits.size(); ++i) {
    std::vector<uint64_t> sh;
    if (dedupe) {
      sh = shingles(collection.document(hits[i].slot).body);
      bool duplicate = false;
      for (size_t k = 0; k < kept.size() && !duplicate; ++k) {
        const PassageHit& other = hits[kept[k]];
        const bool neighbours = other.owner.document == hits[i].owner.document &&
                                (other.owner.ordinal + 1 == hits[i].owner.ordinal ||
                                 hits[i].owner.ordinal + 1 == other.owner.ordinal);
        duplicate = !neighbours && jaccard(sh, kept_shingles[k]) >= options.duplicate_threshold;
      }
      if (duplicate) {
        ++context.duplicates_removed;
        continue;
      }
    }
    kept.push_back(i);
    kept_shingles.push_back(std::move(sh));
  }

  // Greedy packing by relevance; each block's cost is its own formatted text.
  std::vector<Piece> selected;
  std::unordered_map<const DocumentRecord*, size_t> per_document;
  size_t used = 0;
  for (size_t rank = 0; rank < kept.size(); ++rank) {
    const PassageHit& hit = hits[kept[rank]];
    const PassageRecord& p = hit.record();
    if (options.max_per_document && per_document[hit.owner.document] >= options.max_per_document) {
      ++context.left_out;
      continue;
    }
    Piece piece{ContextBlock{0,
                             *hit.owner.document_id,
                             hit.owner.document->title,
                             p.section,
                             collection.document(hit.slot).body,
                             p.source_start,
                             p.source_end,
                             p.utf16_start,
                             p.utf16_end,
                             hit.score,
                             {p.id}},
                hit.owner.document,
                hit.owner.ordinal,
                hit.owner.ordinal,
                p.text_start,
                p.text_end,
                rank};
    piece.block.citation = selected.size() + 1;
    const size_t cost = counter.count(format_context_block(piece.block));
    if (used + cost > options.token_budget) {
      ++context.left_out;
      continue;
    }
    used += cost;
    ++per_document[hit.owner.document];
    selected.push_back(std::move(piece));
  }

  // Merge, order, format; a tokenizer that is not additive may need the weakest block dropped.
  while (true) {
    size_t merged = 0;
    std::vector<Piece> pieces =
        options.merge_neighbors ? merge_neighbors(selected, merged) : selected;
    order_pieces(pieces, options.order);
    std::string prompt;
    context.blocks.clear();
    for (size_t i = 0; i < pieces.size(); ++i) {
      pieces[i].block.citation = i + 1;
      if (i) prompt += "\n\n";
      prompt += format_context_block(pieces[i].block);
      context.blocks.push_back(std::move(pieces[i].block));
    }
    const size_t tokens = prompt.empty() ? 0 : counter.count(prompt);
    if (tokens <= options.token_budget || selected.empty()) {
      context.prompt = std::move(prompt);
      context.tokens = tokens;
      context.merged = merged;
      break;
    }
    selected.pop_back();
    ++context.left_out;
  }
  return context;
}

}  // namespace osprey
