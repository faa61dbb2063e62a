#include "server.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "article.h"
#include "formats.h"
#include "index/sharded_writer.h"
#include "index/writer.h"
#include "search/shards.h"
#include "schema.h"
#include "web.h"

namespace sosik {
namespace {

using nlohmann::json;

constexpr size_t kMaxQueryBytes = 1024;
constexpr size_t kMaxLimit = 100;
constexpr size_t kMaxOffset = 10000;
constexpr size_t kMaxWriteBody = 8 << 20;  // POST /api/articles with the token; others get the gate's 64 KiB

std::array<unsigned char, 32> sha256(std::string_view s) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

GateLimits gate_limits(const ServerOptions& o) {
  GateLimits g;
  g.workers = o.threads;
  g.max_connections = o.max_connections;
  g.request_timeout = std::chrono::milliseconds(static_cast<long long>(o.request_timeout * 1000));
  g.idle_timeout = std::chrono::milliseconds(static_cast<long long>(o.idle_timeout * 1000));
  g.write_timeout = std::chrono::milliseconds(static_cast<long long>(o.write_timeout * 1000));
  g.max_requests_per_connection = o.max_requests_per_connection;
  return g;
}

// Any bytes may reach a response (a query echoed back): invalid UTF-8 is replaced, never thrown.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void write_json_text(httplib::Response& res, int status, std::string text) {
  res.status = status;
  res.set_content(std::move(text), "application/json; charset=utf-8");
}

void write_json(httplib::Response& res, int status, const json& body) { write_json_text(res, status, dump(body)); }

// An expected failure: the request was wrong. Names the parameter and what is accepted.
struct BadRequest {
  std::string code, message;
};

void write_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  write_json(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

size_t read_count(const httplib::Request& req, const char* name, size_t fallback, size_t max) {
  if (!req.has_param(name)) return fallback;
  std::string v = req.get_param_value(name);
  bool ok = !v.empty() && v.size() <= 9;
  for (char c : v) ok = ok && c >= '0' && c <= '9';
  if (!ok || std::stoul(v) > max)
    throw BadRequest{"invalid_parameter", "parameter '" + std::string(name) + "' must be a whole number from 0 to " +
                                              std::to_string(max) + ", got '" + v + "'"};
  return std::stoul(v);
}

// Splits "a,b,c" (empty items dropped).
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// from/to: a date (2024-10-20, inclusive, Korean time) or a full ISO 8601 time with offset.
std::optional<int64_t> read_date(const httplib::Request& req, const char* name, bool end_of_day) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) return std::nullopt;
  std::string v = req.get_param_value(name);
  std::string full = v.size() == 10 ? v + (end_of_day ? "T23:59:59+09:00" : "T00:00:00+09:00") : v;
  auto t = parse_iso8601(full);
  if (!t) throw BadRequest{"invalid_parameter", "parameter '" + std::string(name) + "' must be a date like 2024-10-20 or an ISO 8601 time with offset, got '" + v + "'"};
  return t;
}

SearchRequest parse_search_request(const httplib::Request& req) {
  SearchRequest s;
  s.q = req.get_param_value("q");
  if (s.q.size() > kMaxQueryBytes)
    throw BadRequest{"query_too_long", "parameter 'q' is " + std::to_string(s.q.size()) + " bytes; at most " + std::to_string(kMaxQueryBytes)};
  s.limit = read_count(req, "limit", 10, kMaxLimit);
  s.offset = read_count(req, "offset", 0, kMaxOffset);
  std::string sort = req.has_param("sort") ? req.get_param_value("sort") : "relevance";
  if (sort == "date")
    s.sort = SortOrder::Date;
  else if (sort != "relevance")
    throw BadRequest{"invalid_parameter", "parameter 'sort' must be 'relevance' or 'date', got '" + sort + "'"};
  for (std::string_view f : kFilterFields) {
    std::string name(f);
    for (size_t i = 0; i < req.get_param_value_count(name.c_str()); ++i) {
      std::string v = req.get_param_value(name.c_str(), i);
      if (!v.empty()) s.filters[name].push_back(v);
    }
  }
  s.from = read_date(req, "from", false);
  s.to = read_date(req, "to", true);
  if (s.from && s.to && *s.from > *s.to) throw BadRequest{"invalid_parameter", "parameter 'from' is after 'to'"};
  for (const auto& f : split_list(req.get_param_value("facets"))) {
    const auto& names = facet_names();
    if (std::find(names.begin(), names.end(), f) == names.end())
      throw BadRequest{"invalid_parameter", "parameter 'facets' accepts outlet, reporter, section, month; got '" + f + "'"};
    s.facets.push_back(f);
  }
  return s;
}

json hit_json(const Hit& h) {
  const json& a = *h.article;
  return {{"id", h.id},
          {"title", a.value("title", "")},
          {"url", a.value("url", "")},
          {"published_at", a.contains("published_at") ? a["published_at"] : json(nullptr)},
          {"outlet", a.value("outlet", "")},
          {"reporter", a.value("reporter", "")},
          {"section", a.value("section", "")},
          {"stub", a.value("stub", false)},
          {"score", h.score},
          {"snippet", h.snippet},
          {"partial", h.partial}};
}

}  // namespace

SearchServer::SearchServer(std::shared_ptr<Searcher> searcher, ServerOptions options, std::optional<WriteAccess> writes)
    : searcher_(std::move(searcher)), options_(std::move(options)), writes_(std::move(writes)), http_(gate_limits(options_)) {
  if (writes_) {
    if (writes_->token.size() < kMinWriteTokenBytes)
      throw std::invalid_argument("the write token must be at least " + std::to_string(kMinWriteTokenBytes) + " bytes");
    token_digest_ = sha256(writes_->token);
  }
  // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs stall each keep-alive response ~40 ms.
  http_.set_tcp_nodelay(true);
  // Bodies are bounded by the gate (64 KiB, or kMaxWriteBody for an authorised write) before
  // httplib reads them; httplib's own limit only has to let those through.
  http_.set_payload_max_length(kMaxWriteBody);
  http_.set_body_limit([this](std::string_view method, std::string_view target, std::string_view authorization) -> size_t {
    bool write = method == "POST" && (target == "/api/articles" || target.starts_with("/api/articles?"));
    return write && authorized(authorization) ? kMaxWriteBody : 0;
  });
  http_.set_on_reject([this](int status) { metrics_.observe("gate", status, 0); });

  route("GET", "/api/search", "/api/search", &SearchServer::get_search);
  route("GET", R"(/api/articles/(.+))", "/api/articles", &SearchServer::get_article);
  route("GET", "/api/suggest", "/api/suggest", &SearchServer::get_suggest);
  route("GET", "/healthz", "/healthz", &SearchServer::get_healthz);
  route("GET", "/metrics", "/metrics", &SearchServer::get_metrics);
  for (const auto& pattern : register_web_routes(http_, searcher_, metrics_))  // the search page (web.cc)
    allow(pattern, "GET, HEAD");
  if (writes_) {
    route("POST", "/api/articles", "/api/articles (write)", &SearchServer::post_article);
    route("DELETE", R"(/api/articles/(.+))", "/api/articles (write)", &SearchServer::delete_article);
  } else {
    allow("/api/articles", "");
  }

  // Errors cpp-httplib raises itself (unknown route, URI over 8 KiB, bad request line) get the
  // same JSON body as ours.
  http_.set_error_handler([this](const auto& req, auto& res) {
    if (!res.body.empty()) return;
    if (res.status == 404 && method_not_allowed(req, res)) return;
    switch (res.status) {
      case 404: write_error(res, 404, "not_found", "no route for " + req.path); break;
      case 414: write_error(res, 414, "query_too_long", "the request URI is longer than 8 KiB"); break;
      case 413: write_error(res, 413, "invalid_parameter", "the request body is too large"); break;
      default: write_error(res, res.status, "bad_request", "the request could not be read"); break;
    }
    metrics_.observe("unmatched", res.status, 0);
  });
  http_.set_exception_handler([](const auto& req, auto& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const Xapian::Error& e) {
      what = e.get_description();
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::cerr << "searchd: " << req.method << " " << req.path << ": " << what << std::endl;
    write_error(res, 500, "internal", "internal error");
  });
  if (options_.access_log) {
    http_.set_logger([](const auto& req, const auto& res) {
      std::fprintf(stderr, "%s \"%s %s\" %d %zu\n", req.remote_addr.c_str(), req.method.c_str(), req.target.c_str(),
                   res.status, res.body.size());
    });
  }
}

// Registers a route (GET also answers HEAD); times it, and turns BadRequest into a 400 JSON error.
void SearchServer::route(const std::string& method, const std::string& pattern, const std::string& name, Handler h) {
  allow(pattern, method == "GET" ? "GET, HEAD" : method);
  auto handler = [this, name, h](const httplib::Request& req, httplib::Response& res) {
    auto t0 = std::chrono::steady_clock::now();
    try {
      (this->*h)(req, res);
    } catch (const BadRequest& e) {
      write_error(res, 400, e.code, e.message);
    } catch (const Xapian::Error& e) {
      std::cerr << "searchd: " << req.path << ": " << e.get_description() << std::endl;
      write_error(res, 503, "index_unavailable", "the index could not be read; try again");
    }
    metrics_.observe(name, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  if (method == "GET")
    http_.Get(pattern, handler);
  else if (method == "POST")
    http_.Post(pattern, handler);
  else if (method == "DELETE")
    http_.Delete(pattern, handler);
}

void SearchServer::allow(const std::string& pattern, const std::string& methods) {
  allowed_.emplace_back(std::regex(pattern), methods);
}

// A known path with a method it does not take (POST on a search route, or a write while writes
// are off) is 405 with the methods it does take, not 404: cpp-httplib itself answers 404.
bool SearchServer::method_not_allowed(const httplib::Request& req, httplib::Response& res) const {
  if (req.method == "GET" || req.method == "HEAD") return false;
  std::string methods;
  bool known = false;
  for (const auto& [re, m] : allowed_) {
    if (!std::regex_match(req.path, re)) continue;
    known = true;
    if (!m.empty() && methods.find(m) == std::string::npos) methods += (methods.empty() ? "" : ", ") + m;
  }
  if (!known) return false;
  res.set_header("Allow", methods);
  std::string message = req.method + " is not allowed on " + req.path + (methods.empty() ? "" : "; allowed: " + methods);
  if (!writes_ && (req.method == "POST" || req.method == "DELETE") && req.path.starts_with("/api/articles"))
    message += "; writes are off (start searchd with --write-token-file FILE or SOSIK_WRITE_TOKEN)";
  write_error(res, 405, "method_not_allowed", message);
  return true;
}

// "Bearer TOKEN", compared as SHA-256 digests in constant time: equal lengths, so neither the
// token's bytes nor its length show in the timing.
bool SearchServer::authorized(std::string_view authorization) const {
  if (!writes_) return false;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.substr(0, kScheme.size()) != kScheme) return false;
  std::array<unsigned char, 32> given = sha256(authorization.substr(kScheme.size()));
  return CRYPTO_memcmp(given.data(), token_digest_.data(), given.size()) == 0;
}

bool SearchServer::run() {
  int port = options_.port == 0 ? http_.bind_to_any_port(options_.host)
                                : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) {
    std::cerr << "searchd: cannot listen on " << options_.host << ":" << options_.port << std::endl;
    return false;
  }
  http_.widen_backlog(1024);
  std::cout << "listening on http://" << options_.host << ":" << port << std::endl;
  return http_.listen_after_bind();
}

void SearchServer::get_search(const httplib::Request& req, httplib::Response& res) {
  auto t0 = std::chrono::steady_clock::now();
  SearchResponse r = searcher_->search(parse_search_request(req));
  std::call_once(r.rendered->once, [&] {
    json hits = json::array();
    for (const Hit& h : r.hits) hits.push_back(hit_json(h));
    r.rendered->text = dump(hits);
  });
  json facets = json::object();
  for (const auto& [name, values] : r.facets) {
    json list = json::array();
    for (const auto& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[name] = std::move(list);
  }
  double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  json body = {{"query", r.query}, {"total", r.total}, {"total_is_exact", r.total_is_exact},
                        {"relaxed", r.relaxed}, {"did_you_mean", r.did_you_mean ? json(*r.did_you_mean) : json(nullptr)},
                        {"corrected", r.corrected}, {"cached", r.cached}, {"facets", std::move(facets)}, {"took_ms", took}};
  if (r.shards) body["shards"] = to_json(*r.shards);  // a stub of shards: which of them answered
  // The rest of the body, then the hits as rendered once for this response.
  std::string text = dump(body);
  text.pop_back();  // '}'
  text += ",\"hits\":" + r.rendered->text + "}";
  write_json_text(res, 200, std::move(text));
}

void SearchServer::get_article(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto a = searcher_->article(id);
  if (!a) {
    write_error(res, 404, "not_found", "no article with id '" + id + "'");
    return;
  }
  write_json(res, 200, *a);
}

void SearchServer::get_suggest(const httplib::Request& req, httplib::Response& res) {
  std::string q = req.get_param_value("q");
  if (q.size() > kMaxQueryBytes) throw BadRequest{"query_too_long", "parameter 'q' is longer than " + std::to_string(kMaxQueryBytes) + " bytes"};
  size_t limit = read_count(req, "limit", 8, 20);
  json list = json::array();
  for (const auto& s : searcher_->suggest(q, limit)) {
    json item = {{"text", s.text}, {"kind", s.kind}};
    if (!s.id.empty()) item["id"] = s.id;
    list.push_back(std::move(item));
  }
  write_json(res, 200, {{"query", q}, {"suggestions", list}});
}

// "ok"; for a stub, "degraded" while some shard does not answer: still 200, since searches are
// answered (from the shards that do) and every front machine reads the same shards, so a load
// balancer that dropped fronts on a non-200 would turn one shard down into no search at all.
// Alert on "status" or on /metrics' sosik_shards_answered < sosik_shards. No shard answering is
// "unavailable", 503. docs/scale-out.md.
void SearchServer::get_healthz(const httplib::Request&, httplib::Response& res) {
  IndexHealth h = searcher_->health();
  json body = {{"status", "ok"}, {"documents", h.documents}};
  int status = 200;
  if (h.shards) {
    json shards = to_json(*h.shards);
    shards["ok"] = h.answered;
    body["shards"] = std::move(shards);
    if (h.shards->answered == 0) {
      body["status"] = "unavailable";
      status = 503;
    } else if (!h.shards->failed.empty()) {
      body["status"] = "degraded";
    }
  }
  write_json(res, status, body);
}

void SearchServer::get_metrics(const httplib::Request&, httplib::Response& res) {
  IndexHealth h = searcher_->health();
  std::map<std::string, double> gauges = {{"sosik_index_documents", static_cast<double>(h.documents)}};
  if (h.shards) {  // a stub: alert when fewer answer than are listed
    gauges["sosik_shards"] = static_cast<double>(h.shards->total);
    gauges["sosik_shards_answered"] = static_cast<double>(h.shards->answered);
  }
  if (auto t = searcher_->committed_at()) gauges["sosik_index_age_seconds"] = static_cast<double>(std::time(nullptr) - *t);
  res.set_content(metrics_.render(gauges), "text/plain; version=0.0.4; charset=utf-8");
}

// What a write request writes to: one database (IndexWriter), or the shards of the indexer's
// sharded directory (ShardedIndexWriter: each article to the shard the indexer would pick, by
// the stable hash of its id or by its month, so later indexer runs find it there).
class SearchServer::Writer {
 public:
  explicit Writer(const WriteAccess& w) {
    if (is_stub_file(w.db_path))
      many_ = std::make_unique<ShardedIndexWriter>(std::filesystem::path(w.db_path).parent_path().string(), std::nullopt, w.analyzer);
    else
      one_ = std::make_unique<IndexWriter>(w.db_path, w.analyzer);
  }
  void add(const Article& a) { one_ ? one_->add(a) : many_->add(a); }
  bool remove(const std::string& id) { return one_ ? one_->remove(id) : many_->remove(id); }
  void commit() { one_ ? one_->commit() : many_->commit(); }
  const WriteStats& stats() const { return one_ ? one_->stats() : many_->stats(); }
  Xapian::doccount documents() { return one_ ? one_->database().get_doccount() : many_->document_count(); }

 private:
  std::unique_ptr<IndexWriter> one_;
  std::unique_ptr<ShardedIndexWriter> many_;
};

// Why writes over HTTP cannot go to the index at `path`, or "" when they can. A stub can be
// written only when it is the indexer's own DIR/sosik.stub, every shard in DIR on this machine:
// a shard served by xapian-tcpsrv cannot be written through it (Xapian's remote backend here is
// read-only), and a stub written by hand says nothing of which shard an article belongs in.
std::string why_not_writable(const std::string& path) {
  if (!is_stub_file(path)) return "";
  std::vector<StubEntry> entries = parse_stub(path);
  std::string remote;
  for (const auto& e : entries)
    if (e.kind != StubEntry::Kind::Local) remote += (remote.empty() ? "'" : ", '") + e.line + "'";
  if (!remote.empty())
    return path + " lists shards on other machines (" + remote +
           "): writes over HTTP need every shard on this machine. Write on the machine that holds the shards "
           "(indexer --db DIR, or searchd with writes on DIR/sosik.stub there) and let xapian-replicate carry the changes";
  const std::filesystem::path stub(path), dir = stub.parent_path();
  if (stub.filename() != kStubFileName || !ShardedIndexWriter::existing_layout(dir.string()))
    return path + " is not the stub of a sharded index directory written by the indexer (DIR/" + std::string(kStubFileName) +
           " beside DIR/" + std::string(kSideIndexName) + "): which shard an article belongs in is unknown";
  return "";
}

// Runs `write` on a Writer, one request at a time, and commits before answering: the next
// search sees it. `write` returns the status and body. The index lock held by another writer (the
// indexer) is 503 index_locked, with nothing written; an index that cannot be written over HTTP
// (remote shards) is 409 shards_not_writable, saying why.
template <typename F>
void SearchServer::with_writer(httplib::Response& res, F&& write) {
  std::lock_guard lock(write_mu_);
  if (std::string why = why_not_writable(writes_->db_path); !why.empty()) {
    write_error(res, 409, "shards_not_writable", why);
    return;
  }
  try {
    Writer writer(*writes_);
    auto [status, body] = write(writer);
    writer.commit();
    write_json(res, status, body);
  } catch (const Xapian::DatabaseLockError&) {
    res.set_header("Retry-After", "5");
    write_error(res, 503, "index_locked", "another process (the indexer?) is writing the index; try again when it has finished");
  }
}

namespace {
json error_body(const std::string& code, const std::string& message) { return {{"error", {{"code", code}, {"message", message}}}}; }

// Missing or wrong token: 401, before the body or the index is touched.
void write_unauthorized(httplib::Response& res) {
  res.set_header("WWW-Authenticate", "Bearer");
  write_error(res, 401, "unauthorized", "writes need the header 'Authorization: Bearer TOKEN' with searchd's write token");
}
}  // namespace

// The body is one article object, or JSON Lines (one article per line). All or nothing: any bad
// record is a 400 naming its line, and nothing is written.
void SearchServer::post_article(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(req.get_header_value("Authorization"))) return write_unauthorized(res);
  std::vector<Article> articles;
  json rejected = json::array();
  json whole = json::parse(req.body, nullptr, false);
  if (whole.is_object()) {
    ParseError err;
    if (auto a = article_from_json(whole, err))
      articles.push_back(std::move(*a));
    else
      rejected.push_back({{"line", 1}, {"reason", err.message}});
  } else if (!whole.is_discarded()) {
    throw BadRequest{"invalid_article", "the body must be one article object or JSON Lines (one article per line)"};
  } else {
    std::string_view body = req.body;
    for (size_t line_no = 1, start = 0; start < body.size(); ++line_no) {
      size_t nl = body.find('\n', start);
      if (nl == std::string_view::npos) nl = body.size();
      std::string reason;
      if (auto a = parse_json_line(body.substr(start, nl - start), reason))
        articles.push_back(std::move(*a));
      else if (!reason.empty())
        rejected.push_back({{"line", line_no}, {"reason", reason}});
      start = nl + 1;
    }
  }
  if (!rejected.empty()) {
    json e = error_body("invalid_article", "line " + std::to_string(rejected[0]["line"].get<size_t>()) + ": " +
                                               rejected[0]["reason"].get<std::string>() + "; nothing was written");
    e["error"]["records"] = rejected;
    write_json(res, 400, e);
    return;
  }
  if (articles.empty()) throw BadRequest{"invalid_article", "the body holds no article"};
  with_writer(res, [&](Writer& w) {
    json ids = json::array();
    for (const Article& a : articles) {
      w.add(a);
      ids.push_back(a.id);
    }
    const WriteStats& s = w.stats();
    return std::pair{200, json{{"indexed", s.indexed}, {"ids", ids}, {"stubs", s.stubs}, {"merged", s.merged},
                               {"documents", w.documents()}}};
  });
}

void SearchServer::delete_article(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(req.get_header_value("Authorization"))) return write_unauthorized(res);
  std::string id = req.matches[1];
  with_writer(res, [&](Writer& w) {
    if (!w.remove(id)) return std::pair{404, error_body("not_found", "no article with id '" + id + "'")};
    return std::pair{200, json{{"deleted", id}, {"documents", w.documents()}}};
  });
}

std::string why_writes_refused(const std::string& db_path) { return why_not_writable(db_path); }

}  // namespace sosik
