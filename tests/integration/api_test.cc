// The HTTP API over a small fixture corpus (tests/fixtures/api/articles.jsonl), each item of
// the API issue in turn, against the real searchd on an ephemeral port.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support.h"

namespace sosik::test {
namespace {

using nlohmann::json;

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    CommandResult r = run_indexer(*dir_ / "db", {source_path("tests/fixtures/api/articles.jsonl")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new Searchd(*dir_ / "db");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static json get_json(const std::string& path, int expected_status = 200) {
    auto r = server_->get(path);
    EXPECT_EQ(r.status, expected_status) << path << " → " << r.body;
    return r.json;
  }
  static json search(const std::string& q, const std::string& extra = "") {
    return get_json("/api/search?q=" + url_encode(q) + extra);
  }
  static std::vector<std::string> ids(const json& j) {
    std::vector<std::string> out;
    for (const auto& h : j["hits"]) out.push_back(h["id"]);
    return out;
  }
  static inline TempDir* dir_ = nullptr;
  static inline Searchd* server_ = nullptr;
};

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

TEST_F(Api, PaginationCoversEveryMatchOnce) {
  json all = search("오픈AI", "&limit=100");
  size_t total = all["total"];
  ASSERT_GE(total, 5u) << all;
  EXPECT_EQ(all["total_is_exact"], true);
  std::vector<std::string> paged;
  for (size_t offset = 0; offset < total; offset += 2) {
    json page = search("오픈AI", "&limit=2&offset=" + std::to_string(offset));
    EXPECT_EQ(page["total"], total) << "total changes between pages";
    for (auto& id : ids(page)) paged.push_back(id);
  }
  EXPECT_EQ(paged, ids(all)) << "pages of 2 differ from one page of 100";
}

TEST_F(Api, SortByDateIsNewestFirst) {
  json j = search("오픈AI", "&sort=date&limit=100");
  std::string prev = "9999";
  for (const auto& h : j["hits"]) {
    std::string d = h["published_at"].is_string() ? h["published_at"].get<std::string>() : "";
    EXPECT_LE(d, prev) << "not newest first: " << j;
    prev = d;
  }
}

TEST_F(Api, FiltersNarrowAndFacetsCountTheWholeMatchSet) {
  struct Case { const char* params; size_t expected; };
  const Case cases[] = {
      {"&outlet=" "%EC%A0%84%EC%9E%90%EC%8B%A0%EB%AC%B8", 4},           // 전자신문
      {"&reporter=" "%ED%99%A9%EC%B9%98%EA%B7%9C", 4},                  // 황치규
      {"&section=IT", 9},
      {"&from=2024-10-01", 3},
      {"&from=2024-09-01&to=2024-09-30", 2},
      {"&section=IT&outlet=" "%EC%A0%84%EC%9E%90%EC%8B%A0%EB%AC%B8&to=2024-09-30", 3},
  };
  for (const auto& c : cases) {
    json j = get_json(std::string("/api/search?limit=100") + c.params);
    EXPECT_EQ(j["total"], c.expected) << "browse with " << c.params << ": " << j.dump();
  }
  json f = search("데이터센터", "&facets=outlet,reporter,section,month&limit=1");
  size_t sum = 0;
  for (const auto& v : f["facets"]["outlet"]) sum += v["count"].get<size_t>();
  EXPECT_EQ(sum, f["total"].get<size_t>()) << "outlet facet must count every match, not the page: " << f;
  ASSERT_TRUE(f["facets"].contains("month")) << f;
  for (const auto& v : f["facets"]["month"]) EXPECT_EQ(v["value"].get<std::string>().size(), 7u) << "YYYY-MM: " << v;
}

TEST_F(Api, SnippetsHighlightWholeWordsAndEscapeHtml) {
  json j = search("앰퍼샌드");
  ASSERT_EQ(ids(j), std::vector<std::string>{"api-09"}) << j;
  std::string s = j["hits"][0]["snippet"];
  EXPECT_NE(s.find("<mark>앰퍼샌드가</mark>"), std::string::npos) << "whole word highlighted: " << s;
  EXPECT_EQ(s.find("<script>"), std::string::npos) << s;
  EXPECT_NE(s.find("&lt;script&gt;"), std::string::npos) << s;
  EXPECT_NE(s.find("&amp;"), std::string::npos) << s;
  // A compound found through its parts is highlighted as the whole word.
  std::string c = search("데이터 센터")["hits"][0]["snippet"];
  EXPECT_NE(c.find("<mark>"), std::string::npos) << c;
}

TEST_F(Api, QuerySyntax) {
  struct Case { const char* q; std::vector<const char*> must; std::vector<const char*> must_not; };
  const Case cases[] = {
      {"\"데이터 센터\"", {"api-11", "api-03", "api-10"}, {}},
      {"오픈AI -오라클", {"api-01", "api-12"}, {"api-04"}},
      {"엔비디아 OR 오라클", {"api-03", "api-04"}, {"api-01"}},
      {"outlet:전자신문 데이터센터", {"api-03", "api-11"}, {"api-10", "api-01"}},
      {"title:나델라", {"api-02"}, {"api-01"}},
      {"슐레이먼이", {"api-07"}, {}},
      {"마이크로 소프트", {"api-01", "api-07"}, {}},
  };
  for (const auto& c : cases) {
    auto got = ids(search(c.q, "&limit=100"));
    for (const char* id : c.must) EXPECT_TRUE(contains(got, id)) << "'" << c.q << "' should find " << id;
    for (const char* id : c.must_not) EXPECT_FALSE(contains(got, id)) << "'" << c.q << "' should not find " << id;
  }
}

TEST_F(Api, AnyStringIsAValidQuery) {
  for (const char* q : {"\"", "\"unbalanced 오픈AI", "-", "--", "- -", "OR", "OR OR", "a OR", "title:", "outlet:", ":", "(", ")",
                        "((오픈AI", "a 가 b", "*", "오픈*", "\\", "NOT", "AND", "-\"", "title:\"", "ㅋㅋㅋ", "。", "🙂",
                        "outlet:전자신문 -outlet:전자신문", "%", "'; DROP TABLE"}) {
    auto r = server_->get("/api/search?q=" + url_encode(q));
    EXPECT_EQ(r.status, 200) << "query '" << q << "': " << r.body;
    EXPECT_TRUE(r.json.is_object() && r.json.contains("hits")) << q;
  }
  EXPECT_EQ(server_->get("/healthz").status, 200);
}

TEST_F(Api, ArticleWithRelatedAndInlinks) {
  json a = get_json("/api/articles/api-01");
  ASSERT_EQ(a["related"].size(), 1u);
  EXPECT_EQ(a["related"][0]["id"], "api-02") << "the related headline is the full article api-02";
  json b = get_json("/api/articles/api-02");
  ASSERT_EQ(b["linked_from"].size(), 1u) << b;
  EXPECT_EQ(b["linked_from"][0]["id"], "api-01");
  json e = get_json("/api/articles/none", 404);
  EXPECT_EQ(e["error"]["code"], "not_found");
}

TEST_F(Api, SuggestCompletesWordsAndTitles) {
  json j = get_json("/api/suggest?q=" + url_encode("마이크"));
  std::vector<std::string> texts;
  for (const auto& s : j["suggestions"]) texts.push_back(s["text"]);
  EXPECT_TRUE(contains(texts, "마이크로소프트")) << j;
  bool title = false;
  for (const auto& s : j["suggestions"]) title = title || (s["kind"] == "title" && s["text"].get<std::string>().find("마이크로소프트") != std::string::npos);
  EXPECT_TRUE(title) << "a title completion: " << j;
  json two = get_json("/api/suggest?q=" + url_encode("오픈AI 지"));
  bool found = false;
  for (const auto& s : two["suggestions"]) found = found || s["text"] == "오픈AI 지분";
  EXPECT_TRUE(found) << two;
}

TEST_F(Api, DidYouMean) {
  json j = search("나델러");
  EXPECT_EQ(j["did_you_mean"], "나델라") << j;
  EXPECT_EQ(j["corrected"], true) << j;
  EXPECT_TRUE(contains(ids(j), "api-02")) << j;
  EXPECT_TRUE(search("나델라")["did_you_mean"].is_null());
}

TEST_F(Api, BadParametersAre4xxJson) {
  struct Case { std::string path; int status; const char* code; };
  const Case cases[] = {
      {"/api/search?q=a&limit=abc", 400, "invalid_parameter"},
      {"/api/search?q=a&limit=100000", 400, "invalid_parameter"},
      {"/api/search?q=a&limit=-1", 400, "invalid_parameter"},
      {"/api/search?q=a&offset=x", 400, "invalid_parameter"},
      {"/api/search?q=a&sort=bogus", 400, "invalid_parameter"},
      {"/api/search?q=" + std::string(2 * 1024, 'a'), 400, "query_too_long"},
      {"/api/search?q=" + std::string(10 * 1024, 'a'), 414, "query_too_long"},  // past cpp-httplib's URI limit
      {"/api/search?q=a&from=yesterday", 400, "invalid_parameter"},
      {"/api/search?q=a&from=2024-10-02&to=2024-10-01", 400, "invalid_parameter"},
      {"/api/search?q=a&facets=color", 400, "invalid_parameter"},
      {"/api/suggest?q=a&limit=zz", 400, "invalid_parameter"},
      {"/api/nothing", 404, "not_found"},
      {"/api/articles/missing", 404, "not_found"},
  };
  for (const auto& c : cases) {
    auto r = server_->get(c.path);
    EXPECT_EQ(r.status, c.status) << c.path.substr(0, 80) << " → " << r.body;
    EXPECT_EQ(r.json["error"]["code"], c.code) << c.path.substr(0, 80) << " → " << r.body;
    EXPECT_FALSE(r.json["error"]["message"].get<std::string>().empty());
  }
  EXPECT_EQ(server_->get("/healthz").status, 200) << "the daemon keeps serving";
}

TEST_F(Api, MetricsInPrometheusFormat) {
  search("오픈AI");
  auto r = server_->get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/plain"), std::string::npos);
  for (const char* line : {"sosik_http_requests_total{route=\"/api/search\",status=\"200\"}",
                           "sosik_http_request_duration_seconds_bucket{route=\"/api/search\",le=\"+Inf\"}",
                           "sosik_index_documents 12", "sosik_index_age_seconds "})
    EXPECT_NE(r.body.find(line), std::string::npos) << "missing '" << line << "' in:\n" << r.body;
}

// Every route's real response validates against its JSON Schema in schemas/.
TEST_F(Api, ResponsesMatchTheirSchemas) {
  struct Case { std::string path; const char* schema; };
  const Case cases[] = {
      {"/api/search?q=" + url_encode("오픈AI") + "&facets=outlet,month", "search-response"},
      {"/api/search?q=" + url_encode("나델러"), "search-response"},
      {"/api/search?q=zzzz", "search-response"},
      {"/api/articles/api-01", "article-response"},
      {"/api/articles/api-02", "article-response"},
      {"/api/suggest?q=" + url_encode("오픈"), "suggest-response"},
      {"/healthz", "healthz-response"},
      {"/api/search?limit=x", "error-response"},
      {"/nope", "error-response"},
      {"/api/search?q=" + std::string(10 * 1024, 'a'), "error-response"},
  };
  TempDir tmp;
  for (const auto& c : cases) {
    auto r = server_->get(c.path);
    write_file(tmp / "response.json", r.body);
    CommandResult v = run_command({"/usr/bin/python3", "-c",
                                   "import json,sys,jsonschema\n"
                                   "schema=json.load(open(sys.argv[1]))\n"
                                   "jsonschema.Draft202012Validator.check_schema(schema)\n"
                                   "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\n",
                                   source_path(std::string("schemas/") + c.schema + ".schema.json"), tmp / "response.json"});
    EXPECT_EQ(v.exit_code, 0) << c.path << " does not match " << c.schema << ":\n" << v.err.substr(0, 2000);
  }
}

// One access-log line per request on stderr; --quiet silences it (every other test runs quiet).
TEST(ApiLog, OneLinePerRequest) {
  TempDir dir;
  ASSERT_EQ(run_indexer(dir / "db", {source_path("tests/fixtures/api/articles.jsonl")}).exit_code, 0);
  {
    Searchd server(dir / "db", {}, dir / "stderr.log");
    server.get("/api/search?q=" + url_encode("오픈AI"));
    server.get("/healthz");
    server.get("/api/nothing");
  }
  std::ifstream in(dir / "stderr.log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << "one line per request";
  // cpp-httplib logs after the response is sent, so lines may come in any order.
  auto has = [&](const std::string& a, const std::string& b) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(a) != std::string::npos && l.find(b) != std::string::npos; });
  };
  EXPECT_TRUE(has("\"GET /api/search?q=", "\" 200 ")) << lines[0] << "\n" << lines[1] << "\n" << lines[2];
  EXPECT_TRUE(has("\"GET /healthz\"", "\" 200 ")) << lines[0] << "\n" << lines[1] << "\n" << lines[2];
  EXPECT_TRUE(has("\"GET /api/nothing\"", "\" 404 ")) << lines[0] << "\n" << lines[1] << "\n" << lines[2];
}

// A commit by the indexer shows up without a restart, and invalidates the response cache.
TEST(ApiReopen, NewArticlesAppearWithoutRestart) {
  TempDir dir;
  write_file(dir / "a.jsonl", R"({"id":"r1","title":"첫 기사","body":"첫 번째 소식"})" "\n");
  write_file(dir / "b.jsonl", R"({"id":"r2","title":"둘째 기사","body":"블록체인 소식"})" "\n");
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  Searchd server(dir / "db");
  auto first = server.get("/api/search?q=" + url_encode("블록체인"));
  EXPECT_EQ(first.json["total"], 0);
  EXPECT_EQ(first.json["cached"], false);
  EXPECT_EQ(server.get("/api/search?q=" + url_encode("블록체인")).json["cached"], true) << "a repeated query is cached";
  ASSERT_EQ(run_indexer(dir / "db", {dir / "b.jsonl"}).exit_code, 0);
  auto r = server.get("/api/search?q=" + url_encode("블록체인"));
  ASSERT_EQ(r.json["total"], 1) << "the commit must invalidate the cache: " << r.body;
  EXPECT_EQ(r.json["cached"], false);
  EXPECT_EQ(r.json["hits"][0]["id"], "r2");
  // The cached answer carries the same hits (rendered once, shared by the cached copies), and
  // another query's own.
  auto again = server.get("/api/search?q=" + url_encode("블록체인"));
  EXPECT_EQ(again.json["cached"], true);
  EXPECT_EQ(again.json["hits"], r.json["hits"]) << again.body;
  auto other = server.get("/api/search?q=" + url_encode("첫"));
  ASSERT_EQ(other.json["hits"].size(), 1u) << other.body;
  EXPECT_EQ(other.json["hits"][0]["id"], "r1");
}

}  // namespace
}  // namespace sosik::test
