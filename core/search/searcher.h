// Runs searches against an index on disk. Xapian::Database handles are not thread-safe, so the
// Searcher keeps a pool of them; each is reopened before use, so a commit by the indexer shows up
// at the next request and a request never sees a half-written state (Xapian reads one revision).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "query.h"

namespace sosik {

struct SearchRequest {
  std::string q;
  size_t limit = 10;
  size_t offset = 0;
};

struct Hit {
  std::string id;
  double score = 0;
  std::string snippet;
  nlohmann::json article;  // the stored article (all fields)
};

struct SearchResponse {
  std::string query;
  size_t total = 0;            // Xapian's estimate of the matches
  bool total_is_exact = true;  // false when `total` is an estimate
  bool relaxed = false;        // no document had every word: any-word results
  std::vector<Hit> hits;
};

class Searcher {
 public:
  // Throws Xapian::DatabaseOpeningError (naming the path) when there is no index there.
  Searcher(std::string path, std::shared_ptr<const Analyzer> analyzer, QueryOptions options = {});

  SearchResponse search(const SearchRequest& req) const;
  std::optional<nlohmann::json> article(const std::string& id) const;
  Xapian::doccount document_count() const;

  const QueryBuilder& query_builder() const { return builder_; }
  const Analyzer& analyzer() const { return *analyzer_; }

 private:
  class Lease;  // a pooled Database, returned on destruction
  Lease acquire() const;

  std::string path_;
  std::shared_ptr<const Analyzer> analyzer_;
  QueryBuilder builder_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> pool_;
};

}  // namespace sosik
