// Runs searches against an index on disk. Xapian::Database handles are not thread-safe, so the
// Searcher keeps a pool of them; each is reopened before use, so a commit by the indexer shows up
// at the next request and a request never sees a half-written state (Xapian reads one revision).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "cache.h"
#include "query.h"
#include "shards.h"

namespace sosik {

enum class SortOrder { Relevance, Date };

struct SearchRequest {
  std::string q;
  size_t limit = 10;
  size_t offset = 0;
  SortOrder sort = SortOrder::Relevance;
  // Field → accepted values (outlet, reporter, section): any value of a field, every field.
  std::map<std::string, std::vector<std::string>> filters;
  std::optional<int64_t> from, to;  // published_at range, Unix seconds, inclusive
  std::vector<std::string> facets;  // outlet, reporter, section, month
  bool spelling = true;             // look for a "did you mean" when results are few
  bool snippets = true;             // build each hit's snippet (re-analyses its body)
};

struct Hit {
  std::string id;
  double score = 0;
  std::string snippet;
  // The stored article, all fields but the body. Shared, not copied: a response answered from
  // the cache copied ten whole articles, a third of its time (bench/http_speed, cached).
  std::shared_ptr<const nlohmann::json> article;
  // Has only some of a short query's words: listed after every document that has them all
  // (Searcher::run), which were fewer than a page.
  bool partial = false;
};

struct FacetValue {
  std::string value;
  size_t count;
};

struct SearchResponse {
  std::string query;
  size_t total = 0;            // Xapian's estimate of the matches
  bool total_is_exact = true;  // false when `total` is an estimate
  bool relaxed = false;        // no document had every word: any-word results (Hit::partial)
  // Of `total`, the matches with every word of a strict query (all of `total` otherwise): what
  // the spelling correction is weighed by, not the partial matches listed after them.
  size_t total_every_word = 0;
  std::optional<std::string> did_you_mean;  // a spelling that finds more
  bool corrected = false;      // the hits are for did_you_mean (the query itself found nothing)
  bool cached = false;         // answered from the cache (same request, same index revision)
  std::optional<ShardHealth> shards;  // a sharded index (stub file): which shards answered
  std::vector<Hit> hits;
  std::map<std::string, std::vector<FacetValue>> facets;
  // The hits as the server writes them, made once by whichever request serves the response
  // first and shared by every copy the cache hands out: writing ten hits' JSON was a quarter of
  // a cached search's time.
  struct Rendered {
    std::once_flag once;
    std::string text;
  };
  std::shared_ptr<Rendered> rendered = std::make_shared<Rendered>();
};

// What GET /healthz reports: the documents that answer and, for a stub, which shards answered.
struct IndexHealth {
  Xapian::doccount documents = 0;
  std::optional<ShardHealth> shards;  // nullopt: one database
  std::vector<std::string> answered;  // the stub lines of the shards that answered
};

struct Suggestion {
  std::string text;
  std::string kind;  // "term" or "title"
  std::string id;    // the article, for titles
};

class Searcher {
 public:
  static constexpr size_t kDefaultCacheSize = 1024;
  // Throws Xapian::DatabaseOpeningError (naming the path) when there is no index there.
  // `cache_size`: responses kept for repeated requests (0 = no cache).
  // `path` may be a stub file listing shards (shards.h): `shard_options` then say where the side
  // index is and how long a remote shard may take.
  Searcher(std::string path, std::shared_ptr<const Analyzer> analyzer, QueryOptions options = {},
           std::shared_ptr<const AliasTable> aliases = nullptr, size_t cache_size = kDefaultCacheSize,
           ShardOptions shard_options = {});

  SearchResponse search(const SearchRequest& req) const;

  // The stored article plus its place in the link graph: each related story resolved to the
  // document it points to ("id", "stub"), and "linked_from": the articles that link to it.
  std::optional<nlohmann::json> article(const std::string& id) const;

  // Completions of a partly typed query: frequent words that start with its last word, and
  // titles that match it.
  std::vector<Suggestion> suggest(const std::string& prefix, size_t limit = 8) const;

  Xapian::doccount document_count() const;
  // Documents and shards that answer now. When no shard answers, documents 0 and every shard
  // failed (a single database that cannot be read throws, as document_count() does).
  IndexHealth health() const;
  // The stub's lines (every shard listed), or none for one database.
  std::vector<std::string> shard_lines() const { return source_.lines(); }
  std::optional<int64_t> committed_at() const;  // Unix time of the index's last commit

  const QueryBuilder& query_builder() const { return builder_; }
  const Analyzer& analyzer() const { return *analyzer_; }

 private:
  class Lease;  // a pooled IndexHandle, returned on destruction
  Lease acquire() const;
  template <typename F>
  auto with_index(F&& f) const;  // f(Lease&), again without a shard that stopped answering
  SearchResponse run(Xapian::Database& db, const SearchRequest& req, const ParsedQuery& pq) const;
  SearchResponse search_uncached(IndexHandle& index, const SearchRequest& req) const;
  std::optional<std::string> spelling_correction(Xapian::Database& db, Xapian::Database& side, const std::string& q) const;

  std::string path_;
  mutable IndexSource source_;
  std::shared_ptr<const Analyzer> analyzer_;
  QueryBuilder builder_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<IndexHandle>> pool_;
  mutable RevisionCache<SearchResponse> cache_;
};

const std::vector<std::string>& facet_names();  // outlet, reporter, section, month

}  // namespace sosik
