// searchd's HTTP routes. Handlers are named verb_noun and stay short: parse parameters, call the
// library, write JSON. Bad parameters get a 4xx JSON error; the daemon keeps serving.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

#include "gate.h"
#include "metrics.h"
#include "search/searcher.h"

namespace sosik {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  bool access_log = true;
  size_t threads = 8;  // worker threads; requests beyond them queue
  // Connection limits (gate.h): slow or idle clients wait in one poll(), never in a worker.
  size_t max_connections = 512;
  double request_timeout = 10;  // seconds from a request's first byte to its last
  double idle_timeout = 5;      // seconds a keep-alive connection may idle
  double write_timeout = 5;     // seconds to send one response to a client that may not read
  size_t max_requests_per_connection = 1000;
};

// Writes over HTTP: POST /api/articles and DELETE /api/articles/{id}. Off unless a token is given;
// `db_path` may be the indexer's DIR/sosik.stub (each article goes to its shard), not a stub of
// remote shards (writes are then refused, 409 shards_not_writable).
// every write request must carry "Authorization: Bearer TOKEN". Writes open the index for
// writing only for the request, so the indexer can run between them, never during one (Xapian
// allows one writer: a write while the indexer holds the lock gets 503 index_locked).
struct WriteAccess {
  std::string db_path;
  std::string token;  // at least kMinWriteTokenBytes
  std::shared_ptr<const Analyzer> analyzer;
};
constexpr size_t kMinWriteTokenBytes = 16;

// Why writes over HTTP cannot go to the index at `db_path` (a stub listing remote shards, or one
// the indexer did not write), or "" when they can.
std::string why_writes_refused(const std::string& db_path);

class SearchServer {
 public:
  SearchServer(std::shared_ptr<Searcher> searcher, ServerOptions options, std::optional<WriteAccess> writes = std::nullopt);
  // Binds, prints "listening on http://HOST:PORT" on stdout, serves until stop(). Returns false
  // when the address cannot be bound.
  bool run();
  void stop() { http_.stop(); }

 private:
  using Handler = void (SearchServer::*)(const httplib::Request&, httplib::Response&);
  void route(const std::string& method, const std::string& pattern, const std::string& name, Handler h);
  void allow(const std::string& pattern, const std::string& methods);  // for 405's Allow header
  bool method_not_allowed(const httplib::Request& req, httplib::Response& res) const;
  bool authorized(std::string_view authorization) const;
  class Writer;  // IndexWriter or ShardedIndexWriter
  template <typename F>
  void with_writer(httplib::Response& res, F&& write);

  void get_search(const httplib::Request& req, httplib::Response& res);
  void get_article(const httplib::Request& req, httplib::Response& res);
  void get_suggest(const httplib::Request& req, httplib::Response& res);
  void get_healthz(const httplib::Request& req, httplib::Response& res);
  void get_metrics(const httplib::Request& req, httplib::Response& res);
  void post_article(const httplib::Request& req, httplib::Response& res);
  void delete_article(const httplib::Request& req, httplib::Response& res);

  std::shared_ptr<Searcher> searcher_;
  ServerOptions options_;
  std::optional<WriteAccess> writes_;
  std::array<unsigned char, 32> token_digest_{};  // SHA-256 of the write token
  std::mutex write_mu_;                           // one IndexWriter at a time
  std::vector<std::pair<std::regex, std::string>> allowed_;  // path pattern → its methods
  Metrics metrics_;  // before http_: handlers use it until http_ has stopped
  GatedServer http_;
};

}  // namespace sosik
