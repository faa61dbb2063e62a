// The browser pages (issue 6) over the API fixture corpus, against the real searchd on an
// ephemeral port: server-rendered search (works without JavaScript), the article view,
// /opensearch.xml, the embedded static files, path traversal and HTML escaping.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "support.h"

namespace sosik::test {
namespace {

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string read_source(const std::string& relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The article ids of a results page, in order.
std::vector<std::string> hit_ids(const std::string& html) {
  static const std::regex hit(R"re(<h2 class="hit-title"><a href="/articles/([^"]+)")re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(html.begin(), html.end(), hit), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

// Every href of a page, as written (HTML-escaped).
std::vector<std::string> hrefs(const std::string& html) {
  static const std::regex href(R"re(href="([^"]*)")re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

// An href as the browser follows it (the page escapes & as &amp;).
std::string unescape_href(std::string s) {
  for (size_t at; (at = s.find("&amp;")) != std::string::npos;) s.replace(at, 5, "&");
  return s;
}

class Web : public ::testing::Test {
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
  static std::string page(const std::string& path, int expected_status = 200) {
    auto r = server_->get(path);
    EXPECT_EQ(r.status, expected_status) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    return r.body;
  }
  static std::string search_page(const std::string& q, const std::string& extra = "") {
    return page("/?q=" + url_encode(q) + extra);
  }
  static inline TempDir* dir_ = nullptr;
  static inline Searchd* server_ = nullptr;
};

TEST_F(Web, HomePageIsKoreanAccessibleAndSelfContained) {
  std::string html = page("/");
  for (const char* part : {"<html lang=\"ko\">", "<meta charset=\"utf-8\">", "<label for=\"q\"", "<input id=\"q\" name=\"q\"",
                           "role=\"search\"", "<main id=\"main\"", "<header", "<footer", "href=\"#main\"",
                           "<link rel=\"search\" type=\"application/opensearchdescription+xml\"", "href=\"/opensearch.xml\"",
                           "<link rel=\"stylesheet\" href=\"/static/style.css?v=", "<script src=\"/static/app.js?v="})
    EXPECT_TRUE(has(html, part)) << "missing " << part;
  // Nothing from elsewhere: no CDN, no web fonts.
  EXPECT_FALSE(has(html, "http://")) << html;
  EXPECT_FALSE(has(html, "https://")) << html;
  EXPECT_FALSE(has(read_source("searchd/web/style.css"), "@import"));
  EXPECT_FALSE(has(read_source("searchd/web/style.css"), "url("));
  // Without a query, the newest articles.
  auto ids = hit_ids(html);
  ASSERT_FALSE(ids.empty()) << html;
  EXPECT_EQ(ids[0], "api-08");
  EXPECT_TRUE(has(html, "최신 기사"));
}

TEST_F(Web, SearchRendersHighlightedHitsWithoutJavaScript) {
  std::string html = search_page("오픈AI");
  auto ids = hit_ids(html);
  EXPECT_EQ(ids.size(), 5u) << html;
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), "api-01") != ids.end());
  EXPECT_TRUE(has(html, "value=\"오픈AI\"")) << "the query stays in the search box";
  EXPECT_TRUE(has(html, "<mark>오픈AI가</mark>")) << html;
  EXPECT_TRUE(has(html, "검색 결과 5건"));
  EXPECT_TRUE(has(html, "<span class=\"outlet\">디지털투데이</span>"));
  EXPECT_TRUE(has(html, "<span class=\"reporter\">황치규 기자</span>"));
  EXPECT_TRUE(has(html, "<time datetime=\"2024-10-02T09:00:00+09:00\">2024.10.02</time>"));
  EXPECT_TRUE(has(html, "<title>오픈AI - 소식 검색</title>"));
}

TEST_F(Web, PaginationLinksCoverEveryArticle) {
  std::string first = page("/");
  EXPECT_EQ(hit_ids(first).size(), 10u);
  EXPECT_TRUE(has(first, "<nav class=\"pager\" aria-label=\"페이지\">"));
  EXPECT_TRUE(has(first, "href=\"/?page=2\" rel=\"next\"")) << first;
  EXPECT_TRUE(has(first, "href=\"/\" aria-current=\"page\""));
  std::string second = page("/?page=2");
  EXPECT_EQ(hit_ids(second).size(), 2u);
  EXPECT_TRUE(has(second, "<ol class=\"hits\" start=\"11\">"));
  EXPECT_TRUE(has(second, "href=\"/\" rel=\"prev\""));
  // Bad page numbers are read leniently, a page past the end says so.
  EXPECT_EQ(hit_ids(page("/?page=abc")).size(), 10u);
  EXPECT_TRUE(has(page("/?page=7"), "이 페이지에는 결과가 없습니다"));
  // Links of a search keep the query and its filters.
  std::string filtered = page("/?q=&outlet=" + url_encode("전자신문") + "&sort=date");
  EXPECT_EQ(hit_ids(filtered).size(), 4u) << filtered;
}

TEST_F(Web, SortAndFacetLinksNarrowTheResults) {
  std::string html = search_page("오픈AI");
  const std::string outlet_link = "/?q=" + url_encode("오픈AI") + "&amp;outlet=" + url_encode("전자신문");
  ASSERT_TRUE(has(html, "href=\"" + outlet_link + "\"")) << html;
  std::string narrowed = page(unescape_href(outlet_link));
  EXPECT_EQ(hit_ids(narrowed), std::vector<std::string>{"api-04"});
  EXPECT_TRUE(has(narrowed, "class=\"on\"")) << "the chosen outlet is marked";
  EXPECT_TRUE(has(narrowed, "모두 해제"));

  ASSERT_TRUE(has(html, "&amp;sort=date\">최신순</a>")) << html;
  std::string by_date = search_page("오픈AI", "&sort=date");
  EXPECT_EQ(hit_ids(by_date), (std::vector<std::string>{"api-02", "api-01", "api-04", "api-09", "api-12"}));
  EXPECT_TRUE(has(by_date, "<input type=\"hidden\" name=\"sort\" value=\"date\">")) << "a new search keeps the order";

  ASSERT_TRUE(has(html, "&amp;month=2024-10\"")) << html;
  EXPECT_TRUE(has(html, "2024년 10월"));
  auto october = hit_ids(search_page("오픈AI", "&month=2024-10"));
  std::sort(october.begin(), october.end());
  EXPECT_EQ(october, (std::vector<std::string>{"api-01", "api-02"}));
  EXPECT_EQ(hit_ids(search_page("오픈AI", "&reporter=" + url_encode("김민수"))), std::vector<std::string>{"api-04"});
}

TEST_F(Web, DidYouMeanAndAHelpfulEmptyPage) {
  std::string corrected = search_page("나델러");
  EXPECT_TRUE(has(corrected, "‘나델라’")) << corrected;
  EXPECT_TRUE(has(corrected, "exact=1")) << "a way to search the query as typed";
  EXPECT_FALSE(hit_ids(corrected).empty());

  EXPECT_TRUE(has(corrected, "그대로 검색"));
  // As typed: no correction (any-word matches may remain).
  std::string exact = search_page("나델러", "&exact=1");
  EXPECT_FALSE(has(exact, "그대로 검색")) << exact;
  EXPECT_FALSE(has(exact, "<strong>‘나델라’</strong>")) << exact;

  std::string none = search_page("쿼크글루온플라스마", "&outlet=" + url_encode("전자신문"));
  EXPECT_TRUE(has(none, "‘쿼크글루온플라스마’에 대한 검색 결과가 없습니다")) << none;
  EXPECT_TRUE(has(none, "<ul class=\"tips\">"));
  EXPECT_TRUE(has(none, "href=\"/?q=" + url_encode("쿼크글루온플라스마") + "\">필터를 모두 해제하고</a>")) << none;
}

TEST_F(Web, ArticleViewLinksRelatedAndLinkingStories) {
  std::string a = page("/articles/api-01");
  EXPECT_TRUE(has(a, "<h1 id=\"article-title\">마이크로소프트, 오픈AI 지분 협상 마무리</h1>"));
  EXPECT_TRUE(has(a, "<p>양사는 데이터센터 투자도 늘리기로 했다.</p>")) << "one paragraph per line";
  EXPECT_TRUE(has(a, "2024.10.02 09:00"));
  EXPECT_TRUE(has(a, "관련 기사"));
  EXPECT_TRUE(has(a, "<a href=\"/articles/api-02\">나델라, 오픈AI와 협력 계속</a>")) << a;
  std::string b = page("/articles/api-02");
  EXPECT_TRUE(has(b, "이 기사를 링크한 기사"));
  EXPECT_TRUE(has(b, "<a href=\"/articles/api-01\">마이크로소프트, 오픈AI 지분 협상 마무리</a>")) << b;
  std::string missing = page("/articles/none", 404);
  EXPECT_TRUE(has(missing, "기사를 찾을 수 없습니다"));
  EXPECT_TRUE(has(missing, "<html lang=\"ko\">"));
}

TEST_F(Web, OpenSearchDescription) {
  auto r = server_->get("/opensearch.xml");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/opensearchdescription+xml; charset=utf-8");
  EXPECT_TRUE(has(r.body, "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">"));
  EXPECT_TRUE(has(r.body, "<ShortName>소식</ShortName>"));
  EXPECT_TRUE(has(r.body, "template=\"http://127.0.0.1:" + std::to_string(server_->port()) + "/?q={searchTerms}\"")) << r.body;
}

TEST_F(Web, StaticFilesAreEmbeddedAndCached) {
  struct Case { const char* name; const char* type; };
  for (const Case& c : {Case{"style.css", "text/css; charset=utf-8"}, Case{"app.js", "text/javascript; charset=utf-8"},
                        Case{"favicon.svg", "image/svg+xml"}}) {
    auto r = server_->get(std::string("/static/") + c.name);
    EXPECT_EQ(r.status, 200) << c.name;
    EXPECT_EQ(r.content_type, c.type) << c.name;
    EXPECT_EQ(r.body, read_source(std::string("searchd/web/") + c.name)) << c.name << " differs from the source file";
  }
  // The page names a versioned URL, cached for good; a repeat with the ETag is 304.
  std::smatch m;
  std::string html = page("/");
  ASSERT_TRUE(std::regex_search(html, m, std::regex(R"re(/static/app\.js\?v=([0-9a-f]+))re")));
  httplib::Client cli("127.0.0.1", server_->port());
  auto res = cli.Get(m[0].str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  std::string etag = res->get_header_value("ETag");
  EXPECT_EQ(etag, "\"" + m[1].str() + "\"");
  auto again = cli.Get("/static/app.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
}

TEST_F(Web, PagesSendAStrictContentSecurityPolicy) {
  httplib::Client cli("127.0.0.1", server_->port());
  auto res = cli.Get("/?q=" + url_encode("오픈AI"));
  ASSERT_TRUE(res);
  EXPECT_TRUE(has(res->get_header_value("Content-Security-Policy"), "default-src 'self'"));
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  // So no inline script or style may appear in a page.
  EXPECT_FALSE(has(res->body, "<script>"));
  EXPECT_FALSE(has(res->body, "style=\""));
  EXPECT_FALSE(has(res->body, " onclick="));
}

TEST_F(Web, NoPathLeadsOutOfTheEmbeddedFiles) {
  const std::string secret = read_source("searchd/server.cc").substr(0, 200);
  for (const char* path : {"/static/../server.cc", "/static/%2e%2e/server.cc", "/static/%2E%2E%2Fserver.cc",
                           "/static/..%2fweb.cc", "/static/..%5cweb.cc", "/static/%2e%2e/%2e%2e/CMakeLists.txt",
                           "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/web/style.css", "/static/style.css%00.txt",
                           "/static/./style.css", "/static/", "/../searchd/server.cc", "/%2e%2e/searchd/server.cc"}) {
    auto r = server_->get(path);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << path << " → " << r.status;
    EXPECT_FALSE(has(r.body, secret)) << path;
    EXPECT_FALSE(has(r.body, "root:")) << path;
  }
}

TEST_F(Web, AnyQueryRendersAPage) {
  for (const char* q : {"\"", "-", "OR", "title:", "((오픈AI", "ㅋㅋㅋ", "🙂", "<script>", "\"><img src=x>", "%", "&amp;"}) {
    std::string html = search_page(q);
    EXPECT_FALSE(has(html, "<script>alert")) << q;
    EXPECT_FALSE(has(html, "\"><img")) << "the query is escaped in the search box: " << q;
  }
  EXPECT_TRUE(has(page("/?q=" + std::string(2000, 'a'), 400), "검색어가 너무 깁니다"));
  // The API's own errors stay JSON.
  auto api = server_->get("/no-such-route");
  EXPECT_EQ(api.status, 404);
  EXPECT_TRUE(api.json.is_object()) << api.body;
}

TEST_F(Web, PageRequestsAreCounted) {
  page("/");
  page("/articles/api-01");
  auto r = server_->get("/metrics");
  for (const char* line : {"sosik_http_requests_total{route=\"/\",status=\"200\"}",
                           "sosik_http_requests_total{route=\"/articles\",status=\"200\"}"})
    EXPECT_TRUE(has(r.body, line)) << "missing " << line;
}

// Titles, outlets and bodies come from scraped pages: whatever they hold is shown as text.
TEST(WebEscaping, HostileArticlesAreShownAsText) {
  TempDir dir;
  write_file(dir / "hostile.jsonl",
             R"json({"id": "evil-1", "title": "<script>alert('x')</script> \"악성\" 제목 & 기호", "body": "첫 문단 <img src=x onerror=alert(1)>.\n둘째 문단입니다.", "outlet": "<i>매체</i>", "reporter": "\"기자\"", "section": "IT", "url": "javascript:alert(1)", "published_at": "2024-10-03T09:00:00+09:00", "related": [{"title": "아직 없는 <b>기사</b> 제목"}]}
{"id": "a/b c?d", "title": "특수 아이디 기사", "body": "특수한 아이디를 가진 기사 본문.", "outlet": "테스트뉴스", "published_at": "2024-10-04", "url": "https://example.com/news/1?a=1&b=2"}
)json");
  CommandResult r = run_indexer(dir / "db", {dir / "hostile.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Searchd server(dir / "db");

  for (const std::string& path : {std::string("/"), "/?q=" + url_encode("악성"), std::string("/articles/evil-1")}) {
    auto p = server.get(path);
    ASSERT_EQ(p.status, 200) << path;
    EXPECT_FALSE(has(p.body, "<script>alert")) << path;
    EXPECT_FALSE(has(p.body, "<img src=x")) << path;
    EXPECT_FALSE(has(p.body, "<i>매체")) << path;
    EXPECT_FALSE(has(p.body, "<b>기사")) << path;
    EXPECT_TRUE(has(p.body, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;악성&quot; 제목 &amp; 기호")) << path;
  }
  std::string article = server.get("/articles/evil-1").body;
  EXPECT_TRUE(has(article, "<p>첫 문단 &lt;img src=x onerror=alert(1)&gt;.</p>"));
  for (const auto& href : hrefs(article)) EXPECT_FALSE(has(href, "javascript:")) << "a javascript: URL became a link";

  // The related headline is a stub: linked, marked, and its page is the headline alone.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(article, m, std::regex(R"re(<a href="(/articles/[^"]+)">아직 없는 &lt;b&gt;기사&lt;/b&gt; 제목</a> <span class="badge">제목만</span>)re")))
      << article;
  std::string stub = server.get(m[1].str()).body;
  EXPECT_TRUE(has(stub, "<h1 id=\"article-title\">아직 없는 &lt;b&gt;기사&lt;/b&gt; 제목</h1>"));
  EXPECT_TRUE(has(stub, "제목만 알려진 기사"));
  EXPECT_FALSE(has(stub, "<div class=\"body\">"));
  EXPECT_TRUE(has(stub, "<a href=\"/articles/evil-1\">")) << "the stub lists the article that links to it";

  // Ids are escaped into the path and read back.
  std::string home = server.get("/").body;
  EXPECT_TRUE(has(home, "href=\"/articles/a%2Fb%20c%3Fd\"")) << home;
  auto special = server.get("/articles/a%2Fb%20c%3Fd");
  EXPECT_EQ(special.status, 200);
  EXPECT_TRUE(has(special.body, "<a href=\"https://example.com/news/1?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\">원문 보기</a>"));
}

}  // namespace
}  // namespace sosik::test
