#include "searcher.h"

#include <algorithm>
#include <set>
#include <climits>
#include <cmath>

#include "../analysis/hangul.h"
#include "../index/document.h"
#include "../index/writer.h"
#include "../schema.h"
#include "passage.h"
#include "snippet.h"

namespace sosik {

class Searcher::Lease {
 public:
  Lease(const Searcher& s, std::unique_ptr<IndexHandle> db) : s_(s), db_(std::move(db)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!db_) return;
    std::lock_guard lock(s_.mu_);
    s_.pool_.push_back(std::move(db_));
  }
  Xapian::Database& operator*() { return db_->main(); }
  Xapian::Database* operator->() { return &db_->main(); }
  IndexHandle& index() { return *db_; }
  void discard() { db_.reset(); }  // a shard stopped answering: never back to the pool

 private:
  const Searcher& s_;
  std::unique_ptr<IndexHandle> db_;
};

Searcher::Searcher(std::string path, std::shared_ptr<const Analyzer> analyzer, QueryOptions options,
                   std::shared_ptr<const AliasTable> aliases, size_t cache_size, ShardOptions shard_options)
    : path_(std::move(path)), source_(path_, std::move(shard_options)), analyzer_(analyzer),
      builder_(analyzer, options, std::move(aliases)), cache_(cache_size) {
  Lease db = acquire();  // fail now, with the path, if there is no index
  check_schema_version(*db, path_, *analyzer_);
  check_schema_version(db.index().side(), path_, *analyzer_);
}

Searcher::Lease Searcher::acquire() const {
  std::unique_ptr<IndexHandle> db;
  {
    std::lock_guard lock(mu_);
    if (!pool_.empty()) {
      db = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  if (db && source_.current(*db)) {
    try {
      db->reopen();  // cheap when nothing changed; picks up the latest commit otherwise
    } catch (const Xapian::NetworkError&) {
      source_.probe();  // a remote shard went away: open the others afresh
      db.reset();
    } catch (const Xapian::DatabaseOpeningError&) {
      // A shard's files went away (a replica switched to a fresh copy, a directory was moved).
      if (!source_.sharded()) throw;
      source_.probe();
      db.reset();
    }
  } else {
    db.reset();  // shards failed, came back or were added since it was opened
  }
  if (!db) db = source_.open();
  return Lease(*this, std::move(db));
}

// A remote shard can stop answering in the middle of a request (Xapian::NetworkError, or a
// timeout after remote_timeout_ms): the request runs again on the shards that still answer, and
// says so in SearchResponse::shards. A single database fails as before.
template <typename F>
auto Searcher::with_index(F&& f) const {
  for (int attempt = 0;; ++attempt) {
    Lease db = acquire();
    try {
      return f(db);
    } catch (const Xapian::NetworkError&) {
      db.discard();
      if (!source_.sharded() || attempt >= 2) throw;
      source_.probe();
    } catch (const Xapian::DatabaseOpeningError&) {  // as in acquire()
      db.discard();
      if (!source_.sharded() || attempt >= 2) throw;
      source_.probe();
    } catch (const Xapian::DatabaseModifiedError&) {
      // The indexer committed twice while this request read an older revision: read the newest.
      db.discard();
      if (attempt >= 2) throw;
    } catch (const Xapian::DatabaseCorruptError&) {
      // Seen in CI while an indexer was committing and being killed ("Expected block 119 to be
      // level 1, not 0"): Xapian 1.4 can report a block of an old revision, reused by newer
      // commits, as corruption. A fresh handle reads the newest revision; a real corruption
      // fails again and is reported.
      db.discard();
      if (attempt >= 2) throw;
    }
  }
}

Xapian::doccount Searcher::document_count() const {
  return with_index([](Lease& db) { return db->get_doccount(); });
}

IndexHealth Searcher::health() const {
  IndexHealth h;
  try {
    with_index([&](Lease& db) {
      h.documents = db->get_doccount();
      h.shards = db.index().health();
      return 0;
    });
  } catch (const Xapian::DatabaseOpeningError&) {
    if (!source_.sharded()) throw;
    h.documents = 0;
    h.shards = ShardHealth{};  // no shard answered: every one failed
    h.shards->failed = source_.lines();
    h.shards->total = h.shards->failed.size();
    return h;
  }
  if (h.shards)
    for (const auto& line : source_.lines())
      if (std::find(h.shards->failed.begin(), h.shards->failed.end(), line) == h.shards->failed.end()) h.answered.push_back(line);
  return h;
}

std::optional<int64_t> Searcher::committed_at() const {
  // The side index's, for shards: it is committed after every shard.
  std::string v = with_index([](Lease& db) { return db.index().side().get_metadata(std::string(kCommittedAtKey)); });
  if (v.empty()) return std::nullopt;
  return std::stoll(v);
}

const std::vector<std::string>& facet_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v(kFilterFields.begin(), kFilterFields.end());
    v.push_back("month");
    return v;
  }();
  return names;
}

namespace {

Xapian::valueno facet_slot(const std::string& name) { return name == "month" ? kMonthSlot : *field(name).slot; }

// Adds the request's filters (field values, date range) to a query.
Xapian::Query filtered(Xapian::Query q, const SearchRequest& req, const Analyzer& analyzer) {
  using Q = Xapian::Query;
  for (const auto& [name, values] : req.filters) {
    std::vector<Q> any;
    for (const auto& v : values) any.emplace_back(boolean_term(field(name).prefix, analyzer.normalize(v)));
    if (!any.empty()) q = Q(Q::OP_FILTER, q, Q(Q::OP_OR, any.begin(), any.end()));
  }
  if (req.from || req.to) {
    Xapian::valueno slot = *field("published_at").slot;
    std::string lo = Xapian::sortable_serialise(static_cast<double>(req.from.value_or(INT64_MIN / 2)));
    std::string hi = Xapian::sortable_serialise(static_cast<double>(req.to.value_or(INT64_MAX / 2)));
    q = Q(Q::OP_FILTER, q, Q(Q::OP_VALUE_RANGE, slot, lo, hi));
  }
  return q;
}

}  // namespace

namespace {

// Everything that shapes a response, as one string (the alias file's version included).
std::string cache_key(const SearchRequest& r, unsigned aliases) {
  nlohmann::json j = {r.q, r.limit, r.offset, static_cast<int>(r.sort), r.filters, r.from.value_or(-1), r.to.value_or(-1),
                      r.facets, r.spelling, r.snippets, aliases};
  // Any bytes can arrive in q or a filter: dump() threw on invalid UTF-8 (a 500 for q=%FF). The
  // raw q after the JSON (which never holds a raw '\n') keeps such queries apart: a response
  // echoes its query.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n' + r.q;
}

}  // namespace

SearchResponse Searcher::search(const SearchRequest& req) const {
  return with_index([&](Lease& db) {  // reopened: its revision is the latest commit
    // Several databases (shards) or a remote one have no single revision: no cache. Nor has a
    // degraded read: the shard that answered would stand for the index.
    const auto& health = db.index().health();
    const std::string revision = !health || health->total == 1 ? revision_key(*db) : std::string();
    if (revision.empty()) return search_uncached(db.index(), req);
    std::string key = cache_key(req, builder_.aliases_generation());
    if (auto hit = cache_.get(key, revision)) {
      hit->cached = true;
      return *hit;
    }
    SearchResponse res = search_uncached(db.index(), req);
    cache_.put(key, revision, res);
    return res;
  });
}

SearchResponse Searcher::search_uncached(IndexHandle& index, const SearchRequest& req) const {
  Xapian::Database& db = index.main();
  const Xapian::Database* expand = source_.sharded() ? &db : nullptr;  // wildcards as in one database
  ParsedQuery pq = builder_.build(req.q, expand, &index.side());
  bool browse = pq.empty();  // no words: everything that passes the filters, newest first
  if (browse) pq.query = pq.relaxed = match_all();
  SearchResponse res = run(db, req, pq);
  res.query = req.q;
  res.shards = index.health();
  if (browse || !req.spelling || (res.total_every_word >= 3 && !res.relaxed)) return res;

  // Few results, or not every word found: a word the index lacks may be misspelt. Offer the
  // closest spelling when it finds at least as much; when the query itself matched nothing, or
  // only some of its words, show the corrected results instead and say so.
  if (auto better = spelling_correction(db, index.side(), req.q)) {
    SearchRequest alt = req;
    alt.q = *better;
    SearchResponse corrected = run(db, alt, builder_.build(*better, expand, &index.side()));
    corrected.shards = res.shards;
    if (corrected.total_every_word > 0 && corrected.total_every_word >= res.total_every_word) {
      res.did_you_mean = *better;
      if (res.total == 0 || res.relaxed) {
        corrected.query = req.q;
        corrected.did_you_mean = *better;
        corrected.corrected = true;
        return corrected;
      }
    }
  }
  return res;
}

namespace {

// Hits whose weights differ only in the last bits (Xapian sums a document's parts in an order that
// follows each database's own term frequencies, so one database and shards can round the same
// sum differently) are ties: ordered by the order key, as Xapian orders exact ties.
bool same_weight(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(a)); }

// The positions of `mset`'s items in their final order: within each run of tied weights, by
// order key (descending, as Xapian sorts it). The keys are the MSet's sort keys, or with
// `read_keys` (an MSet sorted by relevance alone) read from the tied documents only. False when
// the run at position `need - 1` may go on past the end of the MSet (more matches than it
// holds): fetch more then.
bool tie_order(const Xapian::MSet& mset, size_t need, bool by_relevance, bool read_keys, std::vector<Xapian::doccount>& order) {
  order.resize(mset.size());
  for (Xapian::doccount i = 0; i < mset.size(); ++i) order[i] = i;
  if (!by_relevance) return true;  // by date: the order key alone, unique
  std::vector<double> w(mset.size());
  for (Xapian::doccount i = 0; i < mset.size(); ++i) w[i] = mset[i].get_weight();
  std::vector<std::string> key(mset.size());
  for (size_t i = 0, j; i < order.size(); i = j) {
    for (j = i + 1; j < order.size() && same_weight(w[j - 1], w[j]); ++j) {
    }
    if (j - i > 1)
      for (size_t k = i; k < j; ++k) key[k] = read_keys ? mset[k].get_document().get_value(kOrderSlot) : mset[k].get_sort_key();
    std::sort(order.begin() + i, order.begin() + j, [&](auto a, auto b) { return key[a] > key[b]; });
    if (i < need && j >= need && j == order.size() && mset.get_matches_lower_bound() > mset.size()) return false;
  }
  return true;
}

}  // namespace

// Matches that are always scored whole (see run()).
constexpr Xapian::doccount kScoredMatches = 1000;

namespace {

// The documents of a sorted docid list, weight 0: a filter that restricts a query to them. Local
// databases only: it has no name(), so it cannot be sent to a remote shard.
class DocidFilter : public Xapian::PostingSource {
 public:
  explicit DocidFilter(std::vector<Xapian::docid> ids) : ids_(std::move(ids)) {}
  Xapian::doccount get_termfreq_min() const override { return static_cast<Xapian::doccount>(ids_.size()); }
  Xapian::doccount get_termfreq_est() const override { return get_termfreq_min(); }
  Xapian::doccount get_termfreq_max() const override { return get_termfreq_min(); }
  void init(const Xapian::Database&) override { started_ = false; }
  void next(double) override {
    at_ = started_ ? at_ + 1 : 0;
    started_ = true;
  }
  void skip_to(Xapian::docid did, double) override {
    size_t from = started_ ? at_ : 0;
    at_ = static_cast<size_t>(std::lower_bound(ids_.begin() + static_cast<std::ptrdiff_t>(from), ids_.end(), did) - ids_.begin());
    started_ = true;
  }
  bool at_end() const override { return started_ && at_ >= ids_.size(); }
  Xapian::docid get_docid() const override { return ids_[at_]; }
  PostingSource* clone() const override { return new DocidFilter(ids_); }

 private:
  std::vector<Xapian::docid> ids_;
  size_t at_ = 0;
  bool started_ = false;
};

}  // namespace

SearchResponse Searcher::run(Xapian::Database& db, const SearchRequest& req, const ParsedQuery& pq) const {
  // A DatabaseModifiedError (the indexer committed twice meanwhile) goes up to with_index, which
  // runs the whole request again on the newest revision.
  SearchResponse res;
  const QueryOptions& opt = builder_.options();
  // Equal scores by the order key (newest first, then id), never by docid: the same order from
  // one database as from shards. By date (and browsing), by the order key alone.
  const bool by_relevance = req.sort != SortOrder::Date && pq.query.get_type() != Xapian::Query::LEAF_MATCH_ALL;
  std::vector<std::map<std::string, Xapian::doccount>> counts(req.facets.size());  // facet value counts
  // A question's top hits are re-ranked by passage evidence (passage.h), so at least
  // rerank_depth hits are read; below that the order is Xapian's, and pages never overlap.
  const bool rerank = by_relevance && opt.passage_weight > 0 && pq.question && pq.heads.size() > 1 &&
                      req.offset < opt.rerank_depth;
  const size_t need = rerank ? std::max<size_t>(req.offset + req.limit, opt.rerank_depth) : req.offset + req.limit;

  // The first `want` matches of `query` in their final order, from the first hit (the MSet's own
  // offset is not used: MSet::fetch crashes with one on these databases), with a margin: a run of
  // tied weights crossing the end is fetched whole, so which of its hits make the page does not
  // depend on the layout either.
  struct Matches {
    Xapian::MSet mset;
    std::vector<Xapian::doccount> order;
    bool complete = false;  // every match is in `mset`
  };
  auto enquire_for = [&](const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    set_bm25_query(enquire, filtered(query, req, *analyzer_), opt);
    return enquire;
  };
  auto match = [&](const Xapian::Query& query, size_t want, bool positional) {
    Xapian::Enquire enquire = enquire_for(query);
    // One database: by relevance alone, ties ordered by tie_order, which reads the keys of tied
    // documents only (Xapian reading every candidate's key cost keyword queries at 100K
    // articles 10% of their time). Shards: Xapian's own order by the key, which needs no
    // document read from a remote shard.
    const bool read_keys = by_relevance && !source_.sharded();
    if (read_keys) {
      // Xapian's default: by weight, then docid.
    } else if (by_relevance) {
      enquire.set_sort_by_relevance_then_value(kOrderSlot, true);
    } else {
      enquire.set_sort_by_value(kOrderSlot, true);
    }
    // Up to kScoredMatches, every match of a query with a phrase or NEAR is scored: Xapian 1.4
    // skips work for documents it expects below the page, and doing so can leave out a phrase or
    // proximity bonus from a document it does return, so its weight (and rank) would depend on
    // the page size and on how documents are split into shards. Scoring all of a large match
    // set cost keyword queries at 100K articles p50 2.2 -> 3.2 ms and p99 12 -> 31 ms
    // (bench/query_speed), so past that many matches Xapian may skip again. Without positions
    // its skipping changes no weight. Facets count the whole match set (`total` is then exact).
    const Xapian::doccount check =
        !req.facets.empty() ? db.get_doccount()
        : positional ? std::min(db.get_doccount(), std::max<Xapian::doccount>(kScoredMatches, static_cast<Xapian::doccount>(want + 100)))
                        : 0;
    Matches m;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (size_t window = want + 16;; window *= 2) {
      // A spy counts every match each time it runs: fresh ones for each run.
      enquire.clear_matchspies();
      spies.clear();
      for (const auto& name : req.facets) {
        spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(facet_slot(name)));
        enquire.add_matchspy(spies.back().get());
      }
      m.mset = enquire.get_mset(0, static_cast<Xapian::doccount>(window), check);
      m.complete = m.mset.size() < window;
      if (tie_order(m.mset, want, by_relevance, read_keys, m.order) || window > want + 10000) break;
    }
    for (size_t i = 0; i < spies.size(); ++i)
      for (auto v = spies[i]->values_begin(); v != spies[i]->values_end(); ++v) counts[i][*v] += v.get_termfreq();
    return m;
  };

  // A relaxed query matches the documents with any of its words or syllable bigrams, and scoring
  // all of them was most of a question's time (100K articles: p50 10 ms; the words alone 2.5).
  // Its words (and rarest bigrams) pick the candidates, the first candidate_depth by their weight,
  // without the words in most documents when the others match that many (candidate_max_df); the whole query
  // then ranks those, and its other matches follow them in its own order. The candidates are
  // the same for every page, so pages neither repeat nor skip a hit: picked as deep as a page
  // needed, and with every word only when the others did not fill the page, a deep page ranked
  // other documents than the first page did. (Every word unless the others fill candidate_depth,
  // rather than the first page: KorQuAD MRR .9702 -> .9707, R@1 .9483 -> .9485, R@10 .9948 ->
  // .9957; questions at 100K articles take the same time, median ratio 0.99.)
  // `total` counts the documents with any word (estimated, as the matcher estimates the rest),
  // and the others too on a page past the candidates. Not for facets (they count every match)
  // or shards (the filter is local docids).
  std::optional<Xapian::MSet> candidates, counted_words;
  std::optional<Xapian::Query> beyond;  // the whole query's matches that are not candidates
  Xapian::Query query = pq.query;
  bool positional = pq.positional;
  size_t want = need;
  bool pairs_apart = false;  // the proximity pairs are scored on the first hits only (below)
  if (!pq.strict && by_relevance && !pq.candidates.empty() && opt.candidate_depth > 0 && req.facets.empty() &&
      !source_.sharded() && db.get_doccount() > opt.candidate_depth) {
    // As match() fetches, a margin past them: `total` is exact when that many match or fewer.
    const Xapian::doccount n = opt.candidate_depth;
    candidates = enquire_for(pq.candidates).get_mset(0, n, n + 16);
    bool every_word = pq.any_word.empty();  // the candidates' query has all the words
    if (candidates->size() < n && !every_word) {
      candidates = enquire_for(pq.any_word).get_mset(0, n, n + 16);  // the less common words are too few
      every_word = true;
    }
    std::vector<Xapian::docid> ids;
    for (auto it = candidates->begin(); it != candidates->end(); ++it) ids.push_back(*it);
    std::sort(ids.begin(), ids.end());
    if (!pq.pairs.empty() && opt.pair_depth < ids.size()) {
      pairs_apart = true;
      query = pq.unpaired;
      positional = pq.unpaired_positional;
      want = std::max<size_t>(need, opt.pair_depth);
    }
    const bool past_candidates = need > ids.size();
    Xapian::Query only((new DocidFilter(std::move(ids)))->release());
    if (past_candidates) beyond = Xapian::Query(Xapian::Query::OP_AND_NOT, pq.query, only);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, only);
    counted_words = every_word ? *candidates : enquire_for(pq.any_word).get_mset(0, 0);
  }
  // A strict query ranks the documents with every word first. When they do not fill the page,
  // the documents with some of the words follow them, in the order of the relaxed query: a short
  // query whose words the answer lacks one of (KorQuAD questions cut to three words: R@10 .961 ->
  // .975, bench/relevance --dataset korquad-keywords) is still found, below every full match.
  Matches all = match(query, want, positional);
  std::optional<Matches> some;  // what follows `all`: the relaxed query's rest, or the non-candidates
  if (pq.strict && all.complete && all.mset.size() < need) {
    some = match(Xapian::Query(Xapian::Query::OP_AND_NOT, pq.relaxed, pq.query), need - all.mset.size(), pq.positional);
    res.relaxed = all.mset.empty();  // nothing has every word
  } else if (beyond && all.mset.size() < need) {
    some = match(*beyond, need - all.mset.size(), pq.positional);
  }
  const bool some_partial = pq.strict;  // some of the words only
  const Xapian::MSet& counted = counted_words && !some ? *counted_words : all.mset;
  res.total = counted.get_matches_estimated() + (some ? some->mset.get_matches_estimated() : 0);
  res.total_every_word = some && some_partial ? all.mset.size() : res.total;
  res.total_is_exact = counted.get_matches_lower_bound() == counted.get_matches_upper_bound() &&
                       (!some || some->mset.get_matches_lower_bound() == some->mset.get_matches_upper_bound());

  struct Ranked {
    double score;
    const Xapian::MSet* mset;
    Xapian::doccount index;  // in *mset
    bool partial;            // from the relaxed query: some of the words
    nlohmann::json article;  // the stored article, once read (null until then)
  };
  std::vector<Ranked> ranked;  // best first
  for (const Matches* m : {&all, some ? &*some : nullptr}) {
    if (!m) continue;
    for (size_t i = 0; ranked.size() < want && i < m->order.size(); ++i)
      ranked.push_back({m->mset[m->order[i]].get_weight(), &m->mset, m->order[i], m != &all && some_partial, nullptr});
  }
  if (pairs_apart) {
    // The pairs read positions, for every candidate they match: only the first pair_depth hits
    // get them, whatever the page. Their weight adds to the rest, as in the whole query; a hit
    // they lift stays in order with the others (ties keep the order above), and stays above
    // every hit below that depth (weights are never negative). Re-scored as deep as a page
    // needed, a deep page lifted a hit over ones earlier pages had shown: pages repeated a hit
    // and skipped another.
    const auto depth = static_cast<std::ptrdiff_t>(std::min<size_t>(ranked.size(), opt.pair_depth));
    std::vector<Xapian::docid> ids;
    for (auto r = ranked.begin(); r != ranked.begin() + depth; ++r) ids.push_back(*(*r->mset)[r->index]);
    std::sort(ids.begin(), ids.end());
    Xapian::Enquire enquire = enquire_for(
        Xapian::Query(Xapian::Query::OP_FILTER, pq.pairs, Xapian::Query((new DocidFilter(std::move(ids)))->release())));
    Xapian::MSet paired = enquire.get_mset(0, static_cast<Xapian::doccount>(depth), static_cast<Xapian::doccount>(depth));
    std::map<Xapian::docid, double> bonus;
    for (auto it = paired.begin(); it != paired.end(); ++it) bonus[*it] = it.get_weight();
    for (auto r = ranked.begin(); r != ranked.begin() + depth; ++r)
      if (auto b = bonus.find(*(*r->mset)[r->index]); b != bonus.end()) r->score += b->second;
    std::stable_sort(ranked.begin(), ranked.begin() + depth, [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    if (ranked.size() > need) ranked.resize(need);
  }
  auto read_article = [&](Ranked& r) -> nlohmann::json& {
    if (r.article.is_null()) r.article = parse_stored(stored_article((*r.mset)[r.index].get_document()));
    return r.article;
  };
  if (rerank) {
    PassageQuery passage = passage_query(db, pq.heads);
    size_t depth = std::min<size_t>(ranked.size(), opt.rerank_depth);
    for (size_t i = 0; i < depth && !passage.empty(); ++i) {
      // Hits on the page are read whole anyway; below it, only the title and body are needed.
      StoredText text;
      if (i >= req.offset && i < req.offset + req.limit) {
        const nlohmann::json& a = read_article(ranked[i]);
        text = {a.value("title", ""), a.value("body", "")};
      } else {
        text = stored_text(stored_article((*ranked[i].mset)[ranked[i].index].get_document()));
      }
      PassageEvidence e = passage_evidence(text.body, passage, opt.passage_window, pq.asks_when ? opt.date_reach : 0, text.title);
      ranked[i].score *= (1 + opt.passage_weight * e.coverage) * (1 + opt.sentence_weight * e.sentence) *
                         (1 + opt.date_weight * e.near_date);
    }
    std::stable_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(depth),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
  }
  for (size_t i = req.offset; i < req.offset + req.limit && i < ranked.size(); ++i) {
    Hit h;
    h.score = ranked[i].score;
    h.partial = ranked[i].partial;
    nlohmann::json article = std::move(read_article(ranked[i]));
    h.id = article.value("id", "");
    if (req.snippets)
      h.snippet = make_snippet(article.value("body", ""), *analyzer_, pq.highlight_terms, pq.highlight_bigrams);
    // No search response shows the body (the snippet stands for it), and the response cache
    // keeps ten articles an entry: searchd's peak RSS under bench/http_speed's load was 148.5 MB.
    article.erase("body");
    h.article = std::make_shared<const nlohmann::json>(std::move(article));
    res.hits.push_back(std::move(h));
  }
  // The 20 most frequent values of each facet (then by value), over the matches listed.
  for (size_t i = 0; i < counts.size(); ++i) {
    auto& values = res.facets[req.facets[i]];
    for (const auto& [value, n] : counts[i]) values.push_back(FacetValue{value, static_cast<size_t>(n)});
    auto top = values.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(values.size(), 20));
    std::partial_sort(values.begin(), top, values.end(),
                      [](const auto& a, const auto& b) { return a.count > b.count || (a.count == b.count && a.value < b.value); });
    values.erase(top, values.end());
  }
  return res;
}

std::optional<std::string> Searcher::spelling_correction(Xapian::Database& db, Xapian::Database& side, const std::string& q) const {
  // Each word of the query that the index lacks, replaced in place by what the user meant:
  // the same keys in the other keyboard layout (dhvms → 오픈, ㅡㄴ → ms), or the closest
  // spelling in the index, at most one jamo off for short words and two for long ones
  // (나델러 → 나델라, 마이크로소프드 → 마이크로소프트).
  Tokens tokens = analyzer_->analyze(q);
  std::string out;
  size_t at = 0;
  bool changed = false;
  for (const Token& t : tokens) {
    if (t.type != TokenType::Word || t.start < at) continue;
    if (db.get_termfreq(t.term) > 0) continue;
    std::string better;
    for (const std::string& other : {qwerty_to_hangul(t.term), hangul_to_qwerty(t.term)})
      if (better.empty() && !other.empty() && db.get_termfreq(other) > 0) better = other;
    if (better.empty()) {
      size_t chars = 0;
      for (unsigned char c : t.term) chars += (c & 0xC0) != 0x80;
      std::string s = side.get_spelling_suggestion(t.term, 2);  // remote shards have no spelling table
      if (!s.empty() && jamo_distance(s, t.term) <= (chars <= 3 ? 1u : 2u)) better = s;
    }
    if (better.empty()) continue;
    out += q.substr(at, t.start - at) + better;
    at = t.end;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out + q.substr(at);
}

std::vector<Suggestion> Searcher::suggest(const std::string& text, size_t limit) const {
  Tokens tokens = analyzer_->analyze(text);
  const Token* last = nullptr;
  for (const Token& t : tokens)
    if (t.type == TokenType::Word) last = &t;
  size_t text_end = text.find_last_not_of(" \t");
  if (!last || text_end == std::string::npos || last->end < text_end + 1) return {};  // nothing to complete
  const std::string prefix = last->term;
  const std::string head = text.substr(0, last->start);
  return with_index([&](Lease& db) {
    std::vector<Suggestion> out;
    Xapian::Database& side = db.index().side();  // the vocabulary: remote shards have no synonym table

    // Words that complete the prefix, most frequent first: terms that start with it, and from the
    // vocabulary (title words, words articles repeat) those whose jamo start with its jamo, so a
    // half-typed syllable completes (마이크로솦, 슐레ㅇ), and those whose initial consonants start
    // with a 초성 prefix (ㅁㅇㅋ). Latin typed in the wrong layout is read as Hangul (dhvms → 오픈).
    std::map<std::string, Xapian::doccount> words;
    auto add_terms = [&](const std::string& p) {
      size_t scanned = 0;
      for (auto t = db->allterms_begin(p); t != db->allterms_end(p) && scanned < 2000; ++t, ++scanned) words[*t] = t.get_termfreq();
    };
    auto add_vocabulary = [&](const std::string& key_prefix) {
      size_t scanned = 0;
      for (auto k = side.synonym_keys_begin(key_prefix); k != side.synonym_keys_end(key_prefix) && scanned < 500; ++k, ++scanned)
        for (auto w = side.synonyms_begin(*k); w != side.synonyms_end(*k); ++w) words[*w] = db->get_termfreq(*w);
    };
    add_terms(prefix);
    if (is_choseong_only(prefix)) add_vocabulary(std::string(kChoseongKey) + prefix);
    if (std::string j = to_jamo(prefix); j != prefix || !choseong(prefix).empty()) add_vocabulary(std::string(kJamoKey) + j);
    if (std::string h = qwerty_to_hangul(prefix); !h.empty()) {
      add_terms(h);
      std::string key(kJamoKey);  // appended: GCC 12 warns falsely (-Wrestrict) on string + string
      add_vocabulary(key.append(to_jamo(h)));
    }
    std::vector<std::pair<Xapian::doccount, std::string>> ranked;
    for (const auto& [w, freq] : words) ranked.emplace_back(freq, w);
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (const auto& [freq, w] : ranked) {
      if (out.size() >= (limit + 1) / 2) break;
      out.push_back(Suggestion{head + w, "term", ""});
    }

    // Titles: the words before the prefix, and a title word starting with it (or one of the
    // completions above, for half-typed and 초성 prefixes).
    using Q = Xapian::Query;
    const std::string s(field("title").prefix);
    const Xapian::Database* expand = source_.sharded() ? &*db : nullptr;  // wildcards as in one database
    std::vector<Q> title_words{wildcard_query(s + prefix, 50, expand)};
    for (size_t i = 0; i < ranked.size() && i < 3; ++i) title_words.emplace_back(s + ranked[i].second);
    Q q(Q::OP_OR, title_words.begin(), title_words.end());
    ParsedQuery before = builder_.build(head, expand, &side);
    if (!before.empty()) q = Q(Q::OP_AND, before.relaxed, q);
    Xapian::Enquire enquire(*db);
    set_bm25_query(enquire, q, builder_.options());
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end() && out.size() < limit; ++it) {
      nlohmann::json a = parse_stored(stored_article(it.get_document()));
      out.push_back(Suggestion{a.value("title", ""), "title", a.value("id", "")});
    }
    return out;
  });
}

std::optional<nlohmann::json> Searcher::article(const std::string& id) const {
  std::optional<ShardHealth> health;
  auto found = with_index([&](Lease& db) {
    health = db.index().health();
    auto docid = find_document(*db, boolean_term(field("id").prefix, id));
    if (!docid) return std::optional<nlohmann::json>();
    Xapian::Document doc = db->get_document(*docid);
    nlohmann::json a = parse_stored(stored_article(doc));
    auto brief = [&](Xapian::docid d) {
      nlohmann::json other = parse_stored(stored_article(db->get_document(d)));
      return nlohmann::json{{"id", other.value("id", "")}, {"title", other.value("title", "")}, {"stub", other.value("stub", false)}};
    };

    for (auto& r : a["related"]) {
      RelatedStory story{r.value("title", ""), r.value("url", "")};
      std::optional<Xapian::docid> target = resolve_link(*db, *analyzer_, story);
      nlohmann::json b = target ? brief(*target) : nlohmann::json{{"id", nullptr}, {"stub", true}};
      r["id"] = b["id"];
      r["stub"] = b["stub"];
    }

    // Inlinks are not stored on the article: whoever links to it carries XR + one of its keys,
    // so linking never rewrites the target and deleting a linker removes its link.
    nlohmann::json inlinks = nlohmann::json::array();
    std::set<Xapian::docid> seen{*docid};
    for (const std::string& key : link_keys(*analyzer_, a.value("title", ""), a.value("url", ""))) {
      const std::string xr = std::string(field("related").prefix) + key;
      for (auto p = db->postlist_begin(xr); p != db->postlist_end(xr); ++p)
        if (seen.insert(*p).second) inlinks.push_back(brief(*p));
    }
    a["linked_from"] = std::move(inlinks);
    return std::optional<nlohmann::json>(std::move(a));
  });
  // Not on the shards that answered: it may be on one that did not, which is no "no such article".
  if (!found && health && !health->failed.empty())
    throw Xapian::NetworkError("article '" + id + "' is on none of the shards that answered; " +
                               std::to_string(health->failed.size()) + " did not");
  return found;
}

}  // namespace sosik
