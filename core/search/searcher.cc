#include "searcher.h"

#include "../index/document.h"
#include "../index/writer.h"
#include "../schema.h"
#include "snippet.h"

namespace sosik {

class Searcher::Lease {
 public:
  Lease(const Searcher& s, std::unique_ptr<Xapian::Database> db) : s_(s), db_(std::move(db)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (!db_) return;
    std::lock_guard lock(s_.mu_);
    s_.pool_.push_back(std::move(db_));
  }
  Xapian::Database& operator*() { return *db_; }
  Xapian::Database* operator->() { return db_.get(); }

 private:
  const Searcher& s_;
  std::unique_ptr<Xapian::Database> db_;
};

Searcher::Searcher(std::string path, std::shared_ptr<const Analyzer> analyzer, QueryOptions options)
    : path_(std::move(path)), analyzer_(analyzer), builder_(analyzer, options) {
  Lease db = acquire();  // fail now, with the path, if there is no index
  check_schema_version(*db, path_);
}

Searcher::Lease Searcher::acquire() const {
  std::unique_ptr<Xapian::Database> db;
  {
    std::lock_guard lock(mu_);
    if (!pool_.empty()) {
      db = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  if (db) {
    db->reopen();  // cheap when nothing changed; picks up the latest commit otherwise
  } else {
    db = std::make_unique<Xapian::Database>(path_);
  }
  return Lease(*this, std::move(db));
}

Xapian::doccount Searcher::document_count() const { return acquire()->get_doccount(); }

SearchResponse Searcher::search(const SearchRequest& req) const {
  SearchResponse res;
  res.query = req.q;
  ParsedQuery pq = builder_.build(req.q);
  if (pq.empty()) return res;

  Lease db = acquire();
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::Enquire enquire(*db);
      enquire.set_weighting_scheme(Xapian::BM25Weight());
      enquire.set_query(pq.strict && res.relaxed ? pq.relaxed : pq.query);
      // Ask Xapian to count at least a page beyond this one, so `total` is exact for small results.
      Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(req.offset),
                                           static_cast<Xapian::doccount>(req.limit),
                                           static_cast<Xapian::doccount>(req.offset + req.limit + 100));
      if (mset.empty() && mset.get_matches_upper_bound() == 0 && pq.strict && !res.relaxed) {
        res.relaxed = true;  // nothing has every word: fall back to any word
        continue;
      }
      res.total = mset.get_matches_estimated();
      res.total_is_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit h;
        h.score = it.get_weight();
        h.article = nlohmann::json::parse(it.get_document().get_data());
        h.id = h.article.value("id", "");
        h.snippet = make_snippet(h.article.value("body", ""), *analyzer_, pq.highlight_terms, pq.highlight_bigrams);
        res.hits.push_back(std::move(h));
      }
      return res;
    } catch (const Xapian::DatabaseModifiedError&) {
      // The indexer committed twice during this request: read the newest revision and retry.
      if (attempt >= 3) throw;
      db->reopen();
    }
  }
}

std::optional<nlohmann::json> Searcher::article(const std::string& id) const {
  Lease db = acquire();
  auto docid = find_document(*db, boolean_term(field("id").prefix, id));
  if (!docid) return std::nullopt;
  return nlohmann::json::parse(db->get_document(*docid).get_data());
}

}  // namespace sosik
