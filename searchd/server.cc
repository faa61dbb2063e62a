#include "server.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "article.h"
#include "schema.h"
#include "web.h"

namespace sosik {
namespace {

using nlohmann::json;

constexpr size_t kMaxQueryBytes = 1024;
constexpr size_t kMaxLimit = 100;
constexpr size_t kMaxOffset = 10000;

void write_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

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
  const json& a = h.article;
  return {{"id", h.id},
          {"title", a.value("title", "")},
          {"url", a.value("url", "")},
          {"published_at", a.contains("published_at") ? a["published_at"] : json(nullptr)},
          {"outlet", a.value("outlet", "")},
          {"reporter", a.value("reporter", "")},
          {"section", a.value("section", "")},
          {"stub", a.value("stub", false)},
          {"score", h.score},
          {"snippet", h.snippet}};
}

}  // namespace

SearchServer::SearchServer(std::shared_ptr<Searcher> searcher, ServerOptions options)
    : searcher_(std::move(searcher)), options_(std::move(options)) {
  // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs stall each keep-alive response ~40 ms.
  http_.set_tcp_nodelay(true);
  http_.set_read_timeout(5, 0);
  http_.set_write_timeout(5, 0);
  http_.set_keep_alive_timeout(5);
  http_.set_payload_max_length(64 * 1024);
  size_t threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  route("/api/search", "/api/search", &SearchServer::get_search);
  route(R"(/api/articles/(.+))", "/api/articles", &SearchServer::get_article);
  route("/api/suggest", "/api/suggest", &SearchServer::get_suggest);
  route("/healthz", "/healthz", &SearchServer::get_healthz);
  route("/metrics", "/metrics", &SearchServer::get_metrics);
  register_web_routes(http_, searcher_, metrics_);  // the search page for browsers (web.cc)

  // Errors cpp-httplib raises itself (unknown route, URI over 8 KiB, bad request line) get the
  // same JSON body as ours.
  http_.set_error_handler([this](const auto& req, auto& res) {
    if (!res.body.empty()) return;
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

// Registers a GET route; times it, and turns BadRequest into a 400 JSON error.
void SearchServer::route(const std::string& pattern, const std::string& name, Handler h) {
  http_.Get(pattern, [this, name, h](const httplib::Request& req, httplib::Response& res) {
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
  });
}

bool SearchServer::run() {
  int port = options_.port == 0 ? http_.bind_to_any_port(options_.host)
                                : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) {
    std::cerr << "searchd: cannot listen on " << options_.host << ":" << options_.port << std::endl;
    return false;
  }
  std::cout << "listening on http://" << options_.host << ":" << port << std::endl;
  return http_.listen_after_bind();
}

void SearchServer::get_search(const httplib::Request& req, httplib::Response& res) {
  auto t0 = std::chrono::steady_clock::now();
  SearchResponse r = searcher_->search(parse_search_request(req));
  json hits = json::array();
  for (const Hit& h : r.hits) hits.push_back(hit_json(h));
  json facets = json::object();
  for (const auto& [name, values] : r.facets) {
    json list = json::array();
    for (const auto& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[name] = std::move(list);
  }
  double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  write_json(res, 200, {{"query", r.query}, {"total", r.total}, {"total_is_exact", r.total_is_exact},
                        {"relaxed", r.relaxed}, {"did_you_mean", r.did_you_mean ? json(*r.did_you_mean) : json(nullptr)},
                        {"corrected", r.corrected}, {"cached", r.cached}, {"hits", hits}, {"facets", facets}, {"took_ms", took}});
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

void SearchServer::get_healthz(const httplib::Request&, httplib::Response& res) {
  write_json(res, 200, {{"status", "ok"}, {"documents", searcher_->document_count()}});
}

void SearchServer::get_metrics(const httplib::Request&, httplib::Response& res) {
  std::map<std::string, double> gauges = {{"sosik_index_documents", static_cast<double>(searcher_->document_count())}};
  if (auto t = searcher_->committed_at()) gauges["sosik_index_age_seconds"] = static_cast<double>(std::time(nullptr) - *t);
  res.set_content(metrics_.render(gauges), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace sosik
