// HTML input, as tables of page → expected article. A failure names the case and shows the
// article (or the reason) that was produced.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "html.h"

namespace sosik {
namespace {

namespace fs = std::filesystem;

// Fixtures sit beside this source file; CMake compiles it by absolute path.
std::string fixture(const std::string& name) {
  fs::path p = fs::path(__FILE__).parent_path().parent_path() / "fixtures" / "html" / name;
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + head + "</head><body>" + body + "</body></html>";
}

// Fields left as nullptr are not checked.
struct Expect {
  const char* title = nullptr;
  const char* body = nullptr;
  const char* published_at = nullptr;
  const char* reporter = nullptr;
  const char* outlet = nullptr;
  const char* section = nullptr;
  const char* url = nullptr;
  const char* id = nullptr;
  bool title_derived = false;
};

struct Case {
  const char* name;
  std::string html;
  Expect want;
};

std::string produced(const Article& a) { return to_json(a).dump(2); }

void check(const Case& c) {
  SCOPED_TRACE(std::string("case '") + c.name + "'");
  std::string reason;
  std::optional<Article> a = parse_html(c.html, "fallback-id", reason);
  ASSERT_TRUE(a) << "case '" << c.name << "' was rejected: " << reason;
  auto field = [&](const char* what, const char* want, const std::string& got) {
    if (want) {
      EXPECT_EQ(got, want) << "case '" << c.name << "': wrong " << what << "; produced:\n" << produced(*a);
    }
  };
  field("title", c.want.title, a->title);
  field("body", c.want.body, a->body);
  field("published_at", c.want.published_at, a->published_at);
  field("reporter", c.want.reporter, a->reporter);
  field("outlet", c.want.outlet, a->outlet);
  field("section", c.want.section, a->section);
  field("url", c.want.url, a->url);
  field("id", c.want.id, a->id);
  EXPECT_EQ(a->title_derived, c.want.title_derived)
      << "case '" << c.name << "': wrong title_derived; produced:\n" << produced(*a);
}

TEST(Html, TitleSources) {
  const Case cases[] = {
      {"og:title wins", page(R"(<meta property="og:title" content="  오픈AI
          새 모델  "><title>다른 제목</title>)", "<h1>제목 셋</h1><p>본문</p>"),
       {.title = "오픈AI 새 모델"}},
      {"<title> when no og:title, collapsed", page("<title>\n  반도체\t수출&nbsp;증가 </title>", "<p>본문</p>"),
       {.title = "반도체 수출 증가"}},
      {"first <h1> when no <title>", page("", "<h1> 첫 <em>제목</em> </h1><h1>둘째</h1><p>본문</p>"),
       {.title = "첫 제목", .body = "첫 제목\n둘째\n본문"}},
      {"<h1> in the article before a logo <h1>",
       page("", "<header><h1>사이트 로고</h1></header><article><h1>기사 제목</h1><p>본문</p></article>"),
       {.title = "기사 제목", .body = "기사 제목\n본문"}},
      {"outlet suffix dropped", page(R"(<title>MS, AI 개발 | 디지털투데이</title><meta property="og:site_name" content="디지털투데이">)", "<p>본문</p>"),
       {.title = "MS, AI 개발", .outlet = "디지털투데이"}},
      {"suffix kept when it is not the outlet", page("<title>질문 - 답</title>", "<p>본문</p>"), {.title = "질문 - 답"}},
      {"no title: derived from the lead", page("", "<p>마이크로소프트가 자체 모델을 개발한다. 둘째 문장.</p>"),
       {.title = "마이크로소프트가 자체 모델을 개발한다.", .title_derived = true}},
  };
  for (const auto& c : cases) check(c);
}

TEST(Html, MainTextAndFurniture) {
  const Case cases[] = {
      {"<article> over <body>", page("<title>t</title>", "<p>바깥</p><article><p>기사 본문</p></article><p>바깥 둘</p>"),
       {.body = "기사 본문"}},
      {"itemprop=articleBody over <article>",
       page("<title>t</title>", R"(<article><h1>제목</h1><div itemprop="articleBody"><p>본문만</p></div><p>기자 소개</p></article>)"),
       {.body = "본문만"}},
      {"role=main", page("<title>t</title>", R"(<div>메뉴</div><div role="main"><p>주 내용</p></div>)"), {.body = "주 내용"}},
      {"<main>", page("<title>t</title>", "<div>메뉴</div><main><p>주 내용</p></main><div>광고</div>"), {.body = "주 내용"}},
      {"the longest <article> of several",
       page("<title>t</title>", "<article><p>짧은 글</p></article><article><p>이것이 긴 기사 본문이다</p></article>"),
       {.body = "이것이 긴 기사 본문이다"}},
      {"empty <article> falls back to <body>", page("<title>t</title>", "<article> </article><p>본문</p>"), {.body = "본문"}},
      {"furniture dropped",
       page("<title>t</title><style>p{}</style>",
            "<header>머리</header><nav>메뉴</nav><script>var x = '스크립트';</script><noscript>JS</noscript>"
            "<p>하나</p><aside>옆</aside><form><p>폼</p></form><iframe>틀</iframe><svg><text>그림</text></svg>"
            "<template><p>틀글</p></template><footer>꼬리</footer><p aria-hidden=\"true\">숨김</p>"
            "<p hidden>숨김2</p><div role=\"navigation\">이동</div><button>버튼</button><p>둘</p>"),
       {.body = "하나\n둘"}},
      {"blocks break, inline joins, whitespace collapses",
       page("<title>t</title>",
            "<div>가<span>나</span> <b>다</b>\n\n  라<br>마&nbsp;&nbsp;바\xE3\x80\x80사</div><p>  </p><p></p>"
            "<ul><li>항목 1</li><li>항목 2</li></ul><h2>소제목</h2><blockquote>인용</blockquote>"
            "<table><tr><td>셀 1</td><td>셀 2</td></tr><tr><th>셀 3</th></tr></table><pre>코드\n  줄</pre>"),
       {.body = "가나 다 라\n마 바 사\n항목 1\n항목 2\n소제목\n인용\n셀 1 셀 2\n셀 3\n코드 줄"}},
      {"entities and zero-width spaces",
       page("<title>t</title>", "<p>A&amp;B &lt;사설&gt; &#54620;&#44544; 띄\xE2\x80\x8B어</p>"),
       {.body = "A&B <사설> 한글 띄어"}},
      {"unclosed tags as a browser reads them", page("<title>t</title>", "<p>첫 문단<p>둘째 <b>굵게<p>셋째"),
       {.body = "첫 문단\n둘째 굵게\n셋째"}},
  };
  for (const auto& c : cases) check(c);
}

TEST(Html, Metadata) {
  const std::string body = "<p>본문</p>";
  const Case cases[] = {
      {"all meta fields",
       page(R"(<title>t</title><meta property="article:published_time" content="2024-10-20T09:30:00+09:00">
               <meta name="author" content="황치규 기자"><meta property="og:site_name" content="디지털투데이">
               <meta property="article:section" content="IT"><link rel="canonical" href="https://example.kr/a/1">
               <meta property="og:url" content="https://example.kr/og/1">)",
            body),
       {.published_at = "2024-10-20T09:30:00+09:00", .reporter = "황치규 기자", .outlet = "디지털투데이",
        .section = "IT", .url = "https://example.kr/a/1", .id = "https://example.kr/a/1"}},
      {"og:url when no canonical", page(R"(<title>t</title><meta property="og:url" content="https://example.kr/og/1">)", body),
       {.url = "https://example.kr/og/1", .id = "https://example.kr/og/1"}},
      {"relative canonical is no id", page(R"(<title>t</title><link rel="canonical" href="/a/1">)", body),
       {.url = "", .id = "fallback-id"}},
      {"no url: fallback id", page("<title>t</title>", body), {.url = "", .id = "fallback-id"}},
      {"og:published_time", page(R"(<title>t</title><meta property="og:published_time" content="2024-10-20">)", body),
       {.published_at = "2024-10-20"}},
      {"itemprop=datePublished",
       page("<title>t</title>", R"(<span itemprop="datePublished" content="2024-10-20T00:30:00Z">어제</span><p>본문</p>)"),
       {.published_at = "2024-10-20T00:30:00Z"}},
      {"unparseable meta date falls through to <time>",
       page(R"(<title>t</title><meta property="article:published_time" content="2024-10-20 09:30">)",
            R"(<time datetime="2024.10.20">어제</time><article><time datetime="2024-10-19T08:00:00+09:00">x</time><p>본문</p></article>)"),
       {.published_at = "2024-10-19T08:00:00+09:00"}},
      {"no acceptable date: empty",
       page(R"(<title>t</title><meta property="article:published_time" content="2024년 10월 20일">)", body),
       {.published_at = ""}},
      {"article:author URL skipped for itemprop author",
       page(R"(<title>t</title><meta property="article:author" content="https://facebook.com/x">)",
            R"(<span itemprop="author" itemscope><span itemprop="name">홍길동</span> 기자</span><p>본문</p>)"),
       {.reporter = "홍길동"}},
      {"article:author name", page(R"(<title>t</title><meta property="article:author" content="김기자">)", body),
       {.reporter = "김기자"}},
  };
  for (const auto& c : cases) check(c);
}

TEST(Html, Charsets) {
  const Case cases[] = {
      {"EUC-KR fixture (iconv) with http-equiv charset", fixture("euc-kr.html"),
       {.title = "반도체 수출 석 달 연속 증가", .body = "반도체 수출이 석 달 연속 늘었다.\n산업통상자원부는 20일 이같이 밝혔다.",
        .published_at = "2024-10-20T09:30:00+09:00", .reporter = "홍길동 기자", .outlet = "소식일보"}},
      {"declared euc-kr holding a CP949-only syllable",
       "<html><head><meta charset=\"EUC-KR\"><title>t</title></head><body><p>\x8C\x63\xB9\xE6</p></body></html>",
       {.body = "똠방"}},
      {"ks_c_5601-1987 label", "<meta charset='ks_c_5601-1987'><title>t</title><p>\xC7\xD1\xB1\xDB</p>", {.body = "한글"}},
      {"undeclared CP949", "<title>t</title><p>\xC7\xD1\xB1\xDB \xB4\xBA\xBD\xBA</p>", {.body = "한글 뉴스"}},
      {"declared euc-kr but saved as UTF-8", "<meta charset=\"euc-kr\"><title>t</title><p>한글 뉴스</p>",
       {.body = "한글 뉴스"}},
      {"XHTML encoding declaration",
       "<?xml version=\"1.0\" encoding=\"euc-kr\"?><html><head><title>t</title></head><body><p>\xC7\xD1\xB1\xDB</p></body></html>",
       {.body = "한글"}},
      {"UTF-8 with BOM", "\xEF\xBB\xBF<title>t</title><p>한글</p>", {.body = "한글"}},
  };
  for (const auto& c : cases) check(c);
}

TEST(Html, FullNewsPage) {
  check({"news.html fixture", fixture("news.html"),
         {.title = "MS, 오픈AI 의존 줄인다…자체 AI 모델 개발",
          .body = "[사진: 셔터스톡]\n"
                  "마이크로소프트(MS)가 오픈AI에 대한 의존도를 줄이기 위해 자체 AI 모델을 개발하고 있다.\n"
                  "MS는 MAI-1이라는 모델을 개발 중이다.\n"
                  "무스타파 슐레이먼이 이끈다.\n"
                  "첫째, 비용 절감\n"
                  "둘째, 기술 자립\n"
                  "출처 & 분석: 디지털투데이 <IT>",
          .published_at = "2024-10-20T09:30:00+09:00",
          .reporter = "황치규",
          .outlet = "디지털투데이",
          .section = "IT",
          .url = "https://www.digitaltoday.co.kr/news/articleView.html?idxno=538000",
          .id = "https://www.digitaltoday.co.kr/news/articleView.html?idxno=538000"}});
}

// Pages that must be rejected, and a word the reason must contain.
TEST(Html, Rejections) {
  struct Reject {
    const char* name;
    std::string html;
    const char* reason_has;
  };
  const Reject cases[] = {
      {"broken EUC-KR fixture names the byte", fixture("broken-euc-kr.html"), "at byte 493"},
      {"declared euc-kr, stray 0xFF", "<meta charset=euc-kr><title>t</title><p>\xC7\xD1\xFF</p>", "0xFF at byte"},
      {"neither UTF-8 nor CP949", "<title>t</title><p>ok \xFF\xFE\xFD</p>", "byte"},
      {"no body text", page("<title>제목만</title>", "<nav>메뉴</nav><script>x()</script><p> &nbsp; </p>"),
       "no body text in HTML"},
      {"empty file", "", "no body text in HTML"},
  };
  for (const auto& c : cases) {
    std::string reason;
    std::optional<Article> a = parse_html(c.html, "fallback-id", reason);
    EXPECT_FALSE(a) << "case '" << c.name << "' should be rejected; produced:\n" << (a ? produced(*a) : "");
    EXPECT_NE(reason.find(c.reason_has), std::string::npos)
        << "case '" << c.name << "': reason should contain '" << c.reason_has << "', got: '" << reason << "'";
  }
}

TEST(Html, DeclaredCharset) {
  struct C {
    const char* html;
    const char* want;
  };
  const C cases[] = {
      {"<meta charset=\"UTF-8\">", "utf-8"},
      {"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=EUC-KR\">", "euc-kr"},
      {"<meta charset=ks_c_5601-1987>", "ks_c_5601-1987"},
      {"<?xml version='1.0' encoding='CP949'?><html>", "cp949"},
      {"<html><head><title>none</title>", ""},
  };
  for (const auto& c : cases)
    EXPECT_EQ(declared_charset(c.html), c.want) << "declared charset of: " << c.html;
}

// Deeply nested markup still reads through (the walk is iterative, not recursive). Kept at 5000
// levels: gumbo's tree builder is quadratic in depth (200,000 levels take minutes).
TEST(Html, DeeplyNestedPage) {
  std::string html = "<title>t</title>";
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "깊은 본문";
  std::string reason;
  std::optional<Article> a = parse_html(html, "deep", reason);
  ASSERT_TRUE(a) << reason;
  EXPECT_EQ(a->body, "깊은 본문");
}

}  // namespace
}  // namespace sosik
