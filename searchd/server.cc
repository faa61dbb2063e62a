#include "server.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

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

void write_error(httplib::Response& res, int status, std::string code, std::string message) {
  write_json(res, status, {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}});
}

// Reads a non-negative integer parameter within [0, max]; on failure writes a 400 and returns false.
bool read_count(const httplib::Request& req, httplib::Response& res, const char* name, size_t max, size_t& out) {
  if (!req.has_param(name)) return true;
  std::string v = req.get_param_value(name);
  size_t value = 0;
  bool ok = !v.empty() && v.size() <= 9;
  for (char c : v) ok = ok && c >= '0' && c <= '9';
  if (ok) value = std::stoul(v);
  if (!ok || value > max) {
    write_error(res, 400, "invalid_parameter",
                "parameter '" + std::string(name) + "' must be a whole number from 0 to " + std::to_string(max) + ", got '" + v + "'");
    return false;
  }
  out = value;
  return true;
}

}  // namespace

SearchServer::SearchServer(std::shared_ptr<Searcher> searcher, ServerOptions options)
    : searcher_(std::move(searcher)), options_(std::move(options)) {
  // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs stall each keep-alive response ~40 ms.
  http_.set_tcp_nodelay(true);
  http_.set_read_timeout(5, 0);
  http_.set_write_timeout(5, 0);
  http_.set_payload_max_length(64 * 1024);

  http_.Get("/api/search", [this](const auto& req, auto& res) { get_search(req, res); });
  http_.Get(R"(/api/articles/(.+))", [this](const auto& req, auto& res) { get_article(req, res); });
  http_.Get("/healthz", [this](const auto& req, auto& res) { get_healthz(req, res); });

  http_.set_error_handler([](const auto& req, auto& res) {
    if (res.status == 404) write_error(res, 404, "not_found", "no route for " + req.path);
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

bool SearchServer::run() {
  int port = options_.port == 0 ? http_.bind_to_any_port(options_.host) : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0) {
    std::cerr << "searchd: cannot listen on " << options_.host << ":" << options_.port << std::endl;
    return false;
  }
  std::cout << "listening on http://" << options_.host << ":" << port << std::endl;
  return http_.listen_after_bind();
}

void SearchServer::get_search(const httplib::Request& req, httplib::Response& res) {
  auto t0 = std::chrono::steady_clock::now();
  SearchRequest sreq;
  sreq.q = req.get_param_value("q");
  if (sreq.q.size() > kMaxQueryBytes) {
    write_error(res, 400, "query_too_long", "parameter 'q' is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
    return;
  }
  if (!read_count(req, res, "limit", kMaxLimit, sreq.limit) || !read_count(req, res, "offset", kMaxOffset, sreq.offset)) return;

  SearchResponse r = searcher_->search(sreq);
  json hits = json::array();
  for (const Hit& h : r.hits) {
    const json& a = h.article;
    hits.push_back({{"id", h.id},
                    {"title", a.value("title", "")},
                    {"url", a.value("url", "")},
                    {"published_at", a.contains("published_at") ? a["published_at"] : json(nullptr)},
                    {"outlet", a.value("outlet", "")},
                    {"reporter", a.value("reporter", "")},
                    {"stub", a.value("stub", false)},
                    {"score", h.score},
                    {"snippet", h.snippet}});
  }
  double took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  write_json(res, 200, {{"query", r.query}, {"total", r.total}, {"total_is_exact", r.total_is_exact},
                        {"relaxed", r.relaxed}, {"hits", hits}, {"took_ms", took}});
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

void SearchServer::get_healthz(const httplib::Request&, httplib::Response& res) {
  write_json(res, 200, {{"status", "ok"}, {"documents", searcher_->document_count()}});
}

}  // namespace sosik
