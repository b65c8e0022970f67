#include "search_options.h"

#include "errors.h"

namespace osprey::bindings {

using emscripten::val;

namespace {

void read_fusion(const val& fusion, SearchRequest& r) {
  if (fusion.isUndefined() || fusion.isNull()) return;
  std::string method;
  if (fusion.isString()) {
    method = checked_string(fusion, "options.fusion");
  } else if (is_object(fusion)) {
    method = get_string(fusion, "method", "options.fusion", false);
    r.sparse_weight = get_number(fusion, "sparseWeight", "options.fusion", r.sparse_weight);
    r.dense_weight = get_number(fusion, "denseWeight", "options.fusion", r.dense_weight);
    const std::string norm = get_string(fusion, "normalization", "options.fusion", false);
    if (!norm.empty()) r.normalization = parse_score_normalization(norm);
  } else {
    type_error("options.fusion",
               "'rrf', 'convex' or {method, sparseWeight, denseWeight, normalization}");
  }
  if (method.empty() || method == "rrf") {
    r.fusion = HybridFusion::kRrf;
  } else if (method == "convex") {
    r.fusion = HybridFusion::kConvex;
    if (!(r.sparse_weight >= 0 && r.dense_weight >= 0 && r.sparse_weight + r.dense_weight > 0)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "options.fusion: sparseWeight and denseWeight must be >= 0 and not both 0");
    }
  } else {
    throw Error(ErrorCode::kInvalidArgument,
                "options.fusion: unknown method '" + method + "': use 'rrf' or 'convex'");
  }
}

}  // namespace

SearchRequest read_search_request(const val& o, const char* k_key, size_t default_k) {
  if (!is_object(o)) type_error("search options", "an object");
  SearchRequest r;
  r.text = get_string(o, "text", "query", false);
  val vector = o["vector"];
  if (!vector.isUndefined() && !vector.isNull()) r.vector = get_vector(vector, "options.vector");
  // Past Limits::kTopK, the collection refuses k with LIMIT_EXCEEDED.
  r.k = get_whole(o, k_key, "options", double(default_k), 1e12);
  r.mode = parse_search_mode(get_string(o, "mode", "options", false));
  r.filter_json = get_string(o, "filterJson", "options", false);
  r.ef = uint32_t(get_whole(o, "ef", "options", 0, 65536));
  r.exact = get_bool(o, "exact", "options", false);
  r.candidates = get_whole(o, "candidates", "options", 0, double(Limits::kTopK));
  r.rrf_k = get_number(o, "rrfK", "options", 60);
  if (!(r.rrf_k >= 0)) type_error("options.rrfK", "a number >= 0");
  read_fusion(o["fusion"], r);
  return r;
}

}  // namespace osprey::bindings
