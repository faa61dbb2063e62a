// searchd's HTTP routes. Handlers are named verb_noun and stay short: parse parameters, call the
// library, write JSON. Bad parameters get a 4xx JSON error; the daemon keeps serving.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <httplib.h>

#include "metrics.h"
#include "search/searcher.h"

namespace sosik {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  bool access_log = true;
  size_t threads = 8;  // worker threads; requests beyond them queue
};

class SearchServer {
 public:
  SearchServer(std::shared_ptr<Searcher> searcher, ServerOptions options);
  // Binds, prints "listening on http://HOST:PORT" on stdout, serves until stop(). Returns false
  // when the address cannot be bound.
  bool run();
  void stop() { http_.stop(); }

 private:
  using Handler = void (SearchServer::*)(const httplib::Request&, httplib::Response&);
  void route(const std::string& pattern, const std::string& name, Handler h);

  void get_search(const httplib::Request& req, httplib::Response& res);
  void get_article(const httplib::Request& req, httplib::Response& res);
  void get_suggest(const httplib::Request& req, httplib::Response& res);
  void get_healthz(const httplib::Request& req, httplib::Response& res);
  void get_metrics(const httplib::Request& req, httplib::Response& res);

  std::shared_ptr<Searcher> searcher_;
  ServerOptions options_;
  httplib::Server http_;
  Metrics metrics_;
};

}  // namespace sosik
