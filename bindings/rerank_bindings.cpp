// Embind surface of the rerank stage (src/rerank): token vectors, feedback, training, and the
// cascade as a session object that JS drives between stages (the cross-encoder is an async JS
// callback, so the C++ side takes its scores when they arrive).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>

#include "collection_handle.h"
#include "errors.h"
#include "rerank/rerank_state.h"
#include "rerank/reranker.h"
#include "search_options.h"

namespace osprey::bindings {
namespace {

using emscripten::val;

// Token vectors arrive flat (a Float32Array of count x dim) with their dimension.
TokenMatrix tokens_from(const val& flat, double dim, const std::string& what) {
  if (!(dim >= 1) || dim != std::floor(dim) || dim > double(LateInteractionLimits::kMaxDim)) {
    type_error(what + " dimension", "a whole number in [1, 4096]");
  }
  std::vector<float> data = get_vector(flat, what);
  const size_t d = size_t(dim);
  if (data.size() % d != 0) {
    throw Error(ErrorCode::kDimensionMismatch, what + " has " + std::to_string(data.size()) +
                                                   " numbers, not a multiple of the dimension " +
                                                   std::to_string(d));
  }
  return quantize_tokens(data.data(), data.size() / d, d, true, what);
}

FeatureSet features_from(const val& list, const std::string& where) {
  if (!val::global("Array").call<bool>("isArray", list))
    type_error(where, "an array of feature names");
  FeatureSet fs;
  const size_t n = list["length"].as<size_t>();
  for (size_t i = 0; i < n; ++i)
    fs.names.push_back(checked_string(list[i], where + "[" + std::to_string(i) + "]"));
  fs.validate();
  return fs;
}

FeatureOptions feature_options_from(const val& o) {
  FeatureOptions f;
  if (o.isUndefined() || o.isNull()) return f;
  if (!is_object(o)) type_error("options.features", "an object");
  const std::string field = get_string(o, "dateField", "options.features", false);
  if (!field.empty()) f.date_field = field;
  f.half_life_days = get_number(o, "halfLifeDays", "options.features", f.half_life_days);
  f.now_ms = get_number(o, "now", "options.features", 0);
  f.popularity_prior = get_number(o, "popularityPrior", "options.features", f.popularity_prior);
  f.validate();
  return f;
}

// The query side of a request: {text, vector, tokenVectors (flat), tokenDim, tokenWeights}.
RerankQuery query_from(const val& q, const std::string& where) {
  RerankQuery out;
  out.text = get_string(q, "text", where, false);
  val vector = q["vector"];
  if (!vector.isUndefined() && !vector.isNull()) out.vector = get_vector(vector, where + ".vector");
  val tokens = q["tokenVectors"];
  val weights = q["tokenWeights"];
  const bool has_weights = !weights.isUndefined() && !weights.isNull();
  if (!tokens.isUndefined() && !tokens.isNull()) {
    out.tokens = tokens_from(tokens, get_number(q, "tokenDim", where, 0), where + ".tokenVectors");
    if (has_weights) {
      weight_tokens(*out.tokens, get_vector(weights, where + ".tokenWeights"),
                    where + ".tokenWeights");
    }
  } else if (has_weights) {
    type_error(where + ".tokenWeights", "given with tokenVectors");
  }
  return out;
}

SearchRequest recall_from(const val& r, const RerankQuery& q, size_t default_k) {
  SearchRequest s = read_search_request(r, "recallK", default_k);
  s.text = q.text;
  s.vector = q.vector;
  return s;
}

val explanation_to_js(const RerankedHit& h) {
  val e = val::object();
  val contributions = val::object();
  val features = val::object();
  val missing = val::array();
  for (size_t i = 0; i < h.contribution_names.size() && i < h.explanation.contributions.size();
       ++i) {
    contributions.set(h.contribution_names[i], h.explanation.contributions[i]);
    if (i < h.explanation.missing.size() && h.explanation.missing[i]) {
      missing.call<void>("push", h.contribution_names[i]);
    }
  }
  if (h.features.size() == h.contribution_names.size()) {
    for (size_t i = 0; i < h.features.size(); ++i) {
      features.set(h.contribution_names[i],
                   std::isnan(h.features[i]) ? val::null() : val(h.features[i]));
    }
  }
  e.set("bias", h.explanation.bias);
  e.set("contributions", contributions);
  e.set("features", features);
  e.set("missing", missing);
  return e;
}

class RerankSession {
 public:
  RerankSession(const Collection& c, RerankOutcome outcome) : c_(c), outcome_(std::move(outcome)) {}

  val hits(size_t k, bool explain, bool documents) const {
    return guarded([&] {
      val out = val::array();
      for (size_t i = 0; i < std::min(k, outcome_.hits.size()); ++i) {
        const RerankedHit& h = outcome_.hits[i];
        const StoredDocument& doc = c_.document(h.slot);
        val hit = val::object();
        hit.set("id", doc.id);
        hit.set("score", h.score);
        hit.set("stage", h.stage);
        if (documents) {
          hit.set("title", doc.title);
          hit.set("body", doc.body);
          hit.set("metadataJson", doc.metadata.dump());
        }
        val stages = val::object();
        for (const auto& [name, score] : h.stage_scores) stages.set(name, score);
        hit.set("stageScores", stages);
        if (explain) hit.set("explain", explanation_to_js(h));
        out.call<void>("push", hit);
      }
      return out;
    });
  }

  void apply_scores(val scores, std::string stage) {
    guarded([&] {
      std::vector<float> s = get_vector(scores, stage + " scores");
      const Ranker* ranker = c_.rerank_state().ranker ? &*c_.rerank_state().ranker : nullptr;
      Reranker(c_).apply_external_scores(outcome_, s, ranker_ ? &*ranker_ : ranker, stage);
    });
  }

  void diversify(double lambda, double k) {
    guarded([&] {
      if (!(k >= 0)) type_error("mmr.k", "a number >= 0");
      Reranker(c_).diversify(outcome_, lambda, size_t(std::min(k, 1e9)));
    });
  }

  void mark_degraded(std::string reason) {
    outcome_.degraded = true;
    outcome_.degraded_reason = std::move(reason);
  }

  val info() const {
    val out = val::object();
    val stages = val::array();
    for (const auto& s : outcome_.stages) stages.call<void>("push", s);
    out.set("stages", stages);
    out.set("degraded", outcome_.degraded);
    if (outcome_.degraded) out.set("degradedReason", outcome_.degraded_reason);
    out.set("size", outcome_.hits.size());
    return out;
  }

  void set_manual_ranker(Ranker r) { ranker_ = std::move(r); }

 private:
  const Collection& c_;
  RerankOutcome outcome_;
  std::optional<Ranker> ranker_;
};

void set_token_vectors(val handle, val id, val flat, double dim) {
  guarded([&] {
    Collection& c = collection_of(handle);
    const std::string doc_id = checked_string(id, "id");
    if (!c.find(doc_id)) throw Error(ErrorCode::kUnknownId, "no document with id '" + doc_id + "'");
    c.rerank_state().tokens.put(doc_id,
                                tokens_from(flat, dim, "token vectors of '" + doc_id + "'"));
  });
}

void record_feedback(val handle, val query, val doc_id, double signal) {
  guarded([&] {
    collection_of(handle).rerank_state().feedback.record(checked_string(query, "feedback query"),
                                                         checked_string(doc_id, "feedback docId"),
                                                         float(signal));
  });
}

val feedback_queries(val handle) {
  return guarded([&] {
    val out = val::array();
    for (const auto& [query, rel] : collection_of(handle).rerank_state().feedback.judgements()) {
      val item = val::object();
      item.set("text", query);
      val relevance = val::object();
      for (const auto& [id, grade] : rel) relevance.set(id, grade);
      item.set("relevance", relevance);
      out.call<void>("push", item);
    }
    return out;
  });
}

val ranker_info(const Ranker& r) {
  val out = val::object();
  out.set("model", std::string(ranker_kind_name(r.kind())));
  out.set("loss", r.loss());
  out.set("queryNorm", std::string(score_normalization_name(r.query_normalization())));
  val names = val::array();
  for (const auto& n : r.features().names) names.call<void>("push", n);
  out.set("features", names);
  if (r.kind() == RankerKind::kLinear) {
    val weights = val::object();
    for (size_t i = 0; i < r.features().size(); ++i)
      weights.set(r.features().names[i], r.weights()[i]);
    out.set("weights", weights);
  } else {
    out.set("trees", r.trees().size());
  }
  return out;
}

val model_info(val handle) {
  return guarded([&] {
    const auto& ranker = collection_of(handle).rerank_state().ranker;
    return ranker ? ranker_info(*ranker) : val::null();
  });
}

void clear_model(val handle) {
  guarded([&] { collection_of(handle).rerank_state().ranker.reset(); });
}

// options: {queries: [{text, vector, tokenVectors, tokenDim, relevance: {id: grade}}], features,
// model, loss, epochs, learningRate, l2, trees, maxDepth, minLeaf, shrinkage, lambdaWeighting,
// recallK, mode, ...}
val train(val handle, val options) {
  return guarded([&] {
    Collection& c = collection_of(handle);
    if (!is_object(options)) type_error("train options", "an object");
    FeatureSet features = features_from(options["features"], "options.features");
    TrainOptions t;
    t.kind = parse_ranker_kind(get_string(options, "model", "options", false));
    t.loss = parse_rank_loss(get_string(options, "loss", "options", false));
    t.epochs = uint32_t(get_whole(options, "epochs", "options", t.epochs, 100000));
    t.learning_rate = get_number(options, "learningRate", "options", t.learning_rate);
    t.l2 = get_number(options, "l2", "options", t.l2);
    t.trees = uint32_t(get_whole(options, "trees", "options", t.trees, 10000));
    t.max_depth = uint32_t(get_whole(options, "maxDepth", "options", t.max_depth, 10));
    t.min_leaf = uint32_t(get_whole(options, "minLeaf", "options", t.min_leaf, 1e9));
    t.shrinkage = get_number(options, "shrinkage", "options", t.shrinkage);
    if (!options["lambdaWeighting"].isUndefined())
      t.lambda_weighting = get_bool(options, "lambdaWeighting", "options", true);
    const std::string query_norm = get_string(options, "queryNorm", "options", false);
    t.query_normalization =
        query_norm.empty() ? ScoreNormalization::kNone : parse_score_normalization(query_norm);
    t.validate();
    FeatureOptions fo = feature_options_from(options["featureOptions"]);
    val queries = options["queries"];
    if (!val::global("Array").call<bool>("isArray", queries))
      type_error("options.queries", "an array");
    std::vector<JudgedQuery> judged;
    const size_t n = queries["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i) {
      const std::string where = "options.queries[" + std::to_string(i) + "]";
      val q = queries[i];
      if (!is_object(q)) type_error(where, "an object");
      JudgedQuery jq;
      jq.query = query_from(q, where);
      val rel = q["relevance"];
      if (!is_object(rel)) type_error(where + ".relevance", "an object {docId: grade}");
      val keys = val::global("Object").call<val>("keys", rel);
      for (size_t j = 0; j < keys["length"].as<size_t>(); ++j) {
        const std::string id = keys[j].as<std::string>();
        val grade = rel[id];
        if (!grade.isNumber()) type_error(where + ".relevance['" + id + "']", "a number");
        jq.relevance[id] = float(grade.as<double>());
      }
      judged.push_back(std::move(jq));
    }
    SearchRequest recall = recall_from(options, RerankQuery{}, 100);
    auto data = build_training_set(c, features, judged, recall, fo);
    TrainReport report;
    Ranker ranker = train_ranker(features, data, t, report);
    c.rerank_state().ranker = ranker;  // only after training succeeded
    val out = ranker_info(ranker);
    val history = val::array();
    for (double l : report.loss_history) history.call<void>("push", l);
    out.set("lossHistory", history);
    out.set("initialLoss", report.loss_history.front());
    out.set("finalLoss", report.loss_history.back());
    out.set("queriesUsed", report.queries_used);
    out.set("queriesSkipped", report.queries_skipped);
    out.set("candidates", report.candidates);
    return out;
  });
}

// request: {text, vector, tokenVectors, tokenDim, recallK, mode, filterJson, candidates, rrfK,
// fusion, ranker: {k, weights?} | undefined, budgetMs, features}
RerankSession* begin(val handle, val request) {
  return guarded([&]() -> RerankSession* {
    const Collection& c = collection_of(handle);
    if (!is_object(request)) type_error("rerank request", "an object");
    RerankQuery q = query_from(request, "query");
    SearchRequest s = recall_from(request, q, 1000);
    const double budget = get_number(request, "budgetMs", "options", 0);
    FeatureOptions fo = feature_options_from(request["features"]);
    auto recall = c.search(s);
    Reranker reranker(c);
    val stage = request["ranker"];
    if (stage.isUndefined() || stage.isNull()) {
      return new RerankSession(c, reranker.from_recall(recall, recall.size()));
    }
    if (!is_object(stage)) type_error("ranker stage", "an object");
    const size_t k = get_whole(stage, "k", "ranker stage", 100, double(Limits::kTopK));
    std::optional<Ranker> manual;
    val weights = stage["weights"];
    if (!weights.isUndefined() && !weights.isNull()) {
      if (!is_object(weights)) type_error("ranker stage.weights", "an object {feature: weight}");
      val keys = val::global("Object").call<val>("keys", weights);
      FeatureSet fs;
      std::vector<float> w;
      for (size_t i = 0; i < keys["length"].as<size_t>(); ++i) {
        fs.names.push_back(keys[i].as<std::string>());
        val v = weights[fs.names.back()];
        if (!v.isNumber())
          type_error("ranker stage.weights['" + fs.names.back() + "']", "a number");
        w.push_back(float(v.as<double>()));
      }
      manual = manual_ranker(fs, w);
    }
    const auto& trained = c.rerank_state().ranker;
    if (!manual && !trained) {
      throw Error(ErrorCode::kInvalidArgument,
                  "this collection has no trained ranker: call train() first, or give the ranker "
                  "stage weights ({stage: 'ranker', weights: {bm25: 1, ...}})");
    }
    const Ranker& ranker = manual ? *manual : *trained;
    auto* session = new RerankSession(c, reranker.rank(q, recall, ranker, k, fo, budget));
    if (manual) session->set_manual_ranker(*manual);
    return session;
  });
}

val fuse_lists(val lists, val weights, std::string normalization, double k) {
  return guarded([&] {
    if (!val::global("Array").call<bool>("isArray", lists))
      type_error("lists", "an array of arrays of {id, score}");
    std::vector<std::vector<ScoredSlot>> in;
    std::vector<std::string> ids;
    std::unordered_map<std::string, uint32_t> slot_of;
    for (size_t i = 0; i < lists["length"].as<size_t>(); ++i) {
      val list = lists[i];
      std::vector<ScoredSlot> l;
      for (size_t j = 0; j < list["length"].as<size_t>(); ++j) {
        const std::string id = checked_string(list[j]["id"], "lists[][].id");
        auto [it, fresh] = slot_of.emplace(id, uint32_t(ids.size()));
        if (fresh) ids.push_back(id);
        l.push_back({it->second, float(get_number(list[j], "score", "lists[][]", NAN))});
      }
      in.push_back(std::move(l));
    }
    std::vector<float> w = get_vector(weights, "weights");
    auto fused =
        convex_combination(in, std::vector<double>(w.begin(), w.end()),
                           parse_score_normalization(normalization), size_t(std::min(k, 1e9)));
    val out = val::array();
    for (const auto& f : fused) {
      val hit = val::object();
      hit.set("id", ids[f.slot]);
      hit.set("score", f.score);
      out.call<void>("push", hit);
    }
    return out;
  });
}

}  // namespace
}  // namespace osprey::bindings

EMSCRIPTEN_BINDINGS(osprey_rerank) {
  using namespace osprey::bindings;
  emscripten::class_<RerankSession>("RerankSession")
      .function("hits", &RerankSession::hits)
      .function("applyScores", &RerankSession::apply_scores)
      .function("diversify", &RerankSession::diversify)
      .function("markDegraded", &RerankSession::mark_degraded)
      .function("info", &RerankSession::info);
  emscripten::function("rerankBegin", &begin, emscripten::allow_raw_pointers());
  emscripten::function("rerankSetTokenVectors", &set_token_vectors);
  emscripten::function("rerankFeedback", &record_feedback);
  emscripten::function("rerankFeedbackQueries", &feedback_queries);
  emscripten::function("rerankTrain", &train);
  emscripten::function("rerankModel", &model_info);
  emscripten::function("rerankClearModel", &clear_model);
  emscripten::function("fuseScores", &fuse_lists);
}
