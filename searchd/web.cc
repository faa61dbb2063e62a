#include "web.h"

#include "search/snippet.h"

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "article.h"

namespace sosik {
namespace {

using nlohmann::json;

constexpr size_t kPageSize = 10;
constexpr size_t kMaxPage = 1000;  // the API's largest offset (10000) in pages
constexpr size_t kMaxQueryBytes = 1024;
constexpr size_t kPagerSpan = 2;         // page links either side of the current page
constexpr size_t kFacetValuesShown = 8;  // per facet; the rest would only push results down

struct FacetField {
  const char* name;
  const char* label;
};
// Shown beside the results in this order. outlet, section and reporter are filters of the search
// API; month becomes a from/to range.
constexpr FacetField kFacetFields[] = {{"outlet", "언론사"}, {"section", "분야"}, {"month", "월"}, {"reporter", "기자"}};
constexpr const char* kFilterParams[] = {"outlet", "section", "reporter"};

// Every page sends these: no inline script or style anywhere, so the policy can be strict.
void set_page_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Cache-Control", "no-cache");  // results change with the index
}

// Percent-encodes a URL query value or path segment (everything but RFC 3986 unreserved).
std::string encode_component(std::string_view s) { return percent_encode(s); }

std::string article_url(std::string_view id) { return "/articles/" + encode_component(id); }

std::string asset_url(std::string_view name) {
  for (const WebAsset& a : web_assets())
    if (a.name == name) return "/static/" + std::string(name) + "?v=" + std::string(a.hash);
  return "/static/" + std::string(name);
}

// 1234567 → "1,234,567"
std::string with_commas(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "2024-10-02T09:00:00+09:00" → "2024.10.02" (with_time: "2024.10.02 09:00"), as the article
// states it: news dates are read in the outlet's own time.
std::string display_date(const std::string& iso, bool with_time) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return "";
  std::string out = iso.substr(0, 4) + "." + iso.substr(5, 2) + "." + iso.substr(8, 2);
  if (with_time && iso.size() >= 16 && iso[10] == 'T') out += " " + iso.substr(11, 5);
  return out;
}

std::string time_html(const json& published_at, bool with_time) {
  if (!published_at.is_string()) return "";
  std::string iso = published_at.get<std::string>(), shown = display_date(iso, with_time);
  if (shown.empty()) return "";
  return "<time datetime=\"" + escape_html(iso) + "\">" + escape_html(shown) + "</time>";
}

// What a results page shows. It all lives in the URL, so a search can be shared and the back
// button works without any script.
struct PageQuery {
  std::string q;
  size_t page = 1;
  bool by_date = false;
  std::map<std::string, std::vector<std::string>> filters;  // outlet, section, reporter
  std::string month;                                        // "YYYY-MM" or empty
  bool exact = false;  // no spelling correction: "search instead for …"

  bool filtered() const { return !filters.empty() || !month.empty(); }
  bool has(const std::string& field, const std::string& value) const {
    if (field == "month") return month == value;
    auto it = filters.find(field);
    return it != filters.end() && std::find(it->second.begin(), it->second.end(), value) != it->second.end();
  }
  // The same search with `value` of `field` switched on or off, from its first page.
  PageQuery toggled(const std::string& field, const std::string& value) const {
    PageQuery p = *this;
    p.page = 1;
    if (field == "month") {
      p.month = has(field, value) ? "" : value;
      return p;
    }
    auto& values = p.filters[field];
    auto it = std::find(values.begin(), values.end(), value);
    if (it != values.end())
      values.erase(it);
    else
      values.push_back(value);
    if (values.empty()) p.filters.erase(field);
    return p;
  }
};

// How a facet value reads: months as "2024년 10월", the rest as stored.
std::string facet_label(std::string_view field, const std::string& value) {
  if (field == "month" && value.size() == 7 && value[4] == '-')
    return value.substr(0, 4) + "년 " + std::to_string(std::atoi(value.c_str() + 5)) + "월";
  return value;
}

std::string page_url(const PageQuery& p) {
  std::string url = "/";
  char sep = '?';
  auto add = [&](std::string_view key, std::string_view value) {
    url += sep;
    url += key;
    url += '=';
    url += encode_component(value);
    sep = '&';
  };
  if (!p.q.empty()) add("q", p.q);
  if (p.by_date) add("sort", "date");
  for (const char* f : kFilterParams) {
    if (auto it = p.filters.find(f); it != p.filters.end())
      for (const auto& v : it->second) add(f, v);
  }
  if (!p.month.empty()) add("month", p.month);
  if (p.exact) add("exact", "1");
  if (p.page > 1) add("page", std::to_string(p.page));
  return url;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM" → its first and last second, Korean time (the index's months are Korean months).
std::optional<std::pair<int64_t, int64_t>> month_range(const std::string& m) {
  if (m.size() != 7 || m[4] != '-' || !all_digits(m.substr(0, 4)) || !all_digits(m.substr(5, 2))) return std::nullopt;
  int year = std::stoi(m.substr(0, 4)), month = std::stoi(m.substr(5, 2));
  if (year < 1900 || month < 1 || month > 12) return std::nullopt;
  char next[40];
  std::snprintf(next, sizeof next, "%04d-%02d-01T00:00:00+09:00", month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1);
  auto from = parse_iso8601(m + "-01T00:00:00+09:00"), to = parse_iso8601(next);
  if (!from || !to) return std::nullopt;
  return std::pair{*from, *to - 1};
}

// Lenient on purpose: a hand-edited URL with a bad page or month still shows results.
PageQuery read_page_query(const httplib::Request& req) {
  PageQuery p;
  p.q = req.get_param_value("q");
  std::string page = req.get_param_value("page");
  if (all_digits(page) && page.size() <= 4) p.page = std::clamp<size_t>(std::stoul(page), 1, kMaxPage);
  p.by_date = req.get_param_value("sort") == "date";
  for (const char* f : kFilterParams) {
    for (size_t i = 0; i < req.get_param_value_count(f); ++i) {
      std::string v = req.get_param_value(f, i);
      if (!v.empty() && !p.has(f, v)) p.filters[f].push_back(v);
    }
  }
  if (month_range(req.get_param_value("month"))) p.month = req.get_param_value("month");
  p.exact = req.get_param_value("exact") == "1";
  return p;
}

SearchRequest search_request(const PageQuery& p) {
  SearchRequest s;
  s.q = p.q;
  s.limit = kPageSize;
  s.offset = (p.page - 1) * kPageSize;
  s.sort = p.by_date ? SortOrder::Date : SortOrder::Relevance;
  s.filters = p.filters;
  if (auto range = month_range(p.month)) {
    s.from = range->first;
    s.to = range->second;
  }
  for (const auto& f : kFacetFields) s.facets.push_back(f.name);
  s.spelling = !p.exact;
  return s;
}

// The page around `main`: head, search form, footer. `form` fills the search box; a new search
// from it keeps the sort order and drops the filters, as readers expect of a new query.
std::string layout(std::string_view title, const PageQuery& form, std::string_view main, std::string_view aside = "") {
  std::string out;
  out.reserve(main.size() + aside.size() + 4096);
  out += "<!doctype html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"color-scheme\" content=\"light dark\">\n<title>";
  out += escape_html(title);
  out += "</title>\n<link rel=\"stylesheet\" href=\"" + asset_url("style.css") + "\">\n";
  out += "<link rel=\"icon\" href=\"" + asset_url("favicon.svg") + "\" type=\"image/svg+xml\">\n";
  out += "<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"소식\" href=\"/opensearch.xml\">\n";
  out += "<script src=\"" + asset_url("app.js") + "\" defer></script>\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">본문 바로가기</a>\n";
  out += "<header class=\"top\">\n<a class=\"logo\" href=\"/\" aria-label=\"소식 첫 화면\">소식</a>\n";
  out += "<form class=\"search\" role=\"search\" action=\"/\" method=\"get\">\n";
  out += "<label for=\"q\" class=\"visually-hidden\">뉴스 검색어</label>\n<div class=\"combo\">\n";
  out += "<input id=\"q\" name=\"q\" type=\"search\" value=\"" + escape_html(form.q) +
         "\" placeholder=\"뉴스 검색\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" "
         "enterkeyhint=\"search\" maxlength=\"" + std::to_string(kMaxQueryBytes / 3) +
         "\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"suggestions\">\n";
  out += "<ul id=\"suggestions\" class=\"suggestions\" role=\"listbox\" aria-label=\"추천 검색어\" hidden></ul>\n</div>\n";
  if (form.by_date) out += "<input type=\"hidden\" name=\"sort\" value=\"date\">\n";
  out += "<button type=\"submit\">검색</button>\n</form>\n</header>\n";
  out += "<div class=\"page\">\n<main id=\"main\" tabindex=\"-1\">\n";
  out += main;
  out += "</main>\n";
  out += aside;
  out += "</div>\n<footer class=\"bottom\"><p>소식 · 한국어 뉴스 검색 · <a href=\"/\">최신 기사</a></p></footer>\n</body>\n</html>\n";
  return out;
}

void write_html(httplib::Response& res, int status, std::string html) {
  res.status = status;
  set_page_headers(res);
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

// A whole page for an expected failure (unknown article, query too long, index unavailable).
void write_error_page(httplib::Response& res, int status, const PageQuery& form, const std::string& heading,
                      const std::string& detail) {
  std::string main = "<section class=\"empty\">\n<h1>" + escape_html(heading) + "</h1>\n<p>" + escape_html(detail) +
                     "</p>\n<p><a href=\"/\">최신 기사 보기</a></p>\n</section>\n";
  write_html(res, status, layout(heading + " - 소식", form, main));
}

std::string hit_html(const Hit& h) {
  const json& a = *h.article;
  std::string title = a.value("title", "");
  bool stub = a.value("stub", false);
  std::string out = "<li class=\"hit\">\n<h2 class=\"hit-title\"><a href=\"" + escape_html(article_url(h.id)) + "\">";
  out += title.empty() ? "(제목 없음)" : escape_html(title);
  out += "</a>";
  if (stub) out += " <span class=\"badge\">제목만</span>";
  out += "</h2>\n<p class=\"meta\">";
  if (std::string outlet = a.value("outlet", ""); !outlet.empty()) out += "<span class=\"outlet\">" + escape_html(outlet) + "</span>";
  if (std::string reporter = a.value("reporter", ""); !reporter.empty())
    out += "<span class=\"reporter\">" + escape_html(reporter) + " 기자</span>";
  if (std::string t = time_html(a.value("published_at", json()), false); !t.empty()) out += "<span>" + t + "</span>";
  out += "</p>\n";
  // The snippet is HTML already: escaped text with the matched words in <mark>.
  if (!h.snippet.empty()) out += "<p class=\"snippet\">" + h.snippet + "</p>\n";
  out += "</li>\n";
  return out;
}

std::string pager_html(const PageQuery& p, size_t total) {
  size_t last = std::min(kMaxPage, (total + kPageSize - 1) / kPageSize);
  if (last <= 1) return "";
  auto link = [&](size_t page, const std::string& text, const char* attrs) {
    PageQuery to = p;
    to.page = page;
    return "<a href=\"" + escape_html(page_url(to)) + "\"" + attrs + ">" + text + "</a>";
  };
  std::string out = "<nav class=\"pager\" aria-label=\"페이지\">\n";
  if (p.page > 1) out += link(p.page - 1, "‹ 이전", " rel=\"prev\"") + "\n";
  size_t first = p.page > kPagerSpan ? p.page - kPagerSpan : 1;
  size_t end = std::min(last, p.page + kPagerSpan);
  for (size_t n = first; n <= end; ++n) {
    std::string label = "<span class=\"visually-hidden\">페이지 </span>" + std::to_string(n);
    out += n == p.page ? link(n, label, " aria-current=\"page\"") : link(n, label, "");
    out += "\n";
  }
  if (p.page < last) out += link(p.page + 1, "다음 ›", " rel=\"next\"") + "\n";
  out += "</nav>\n";
  return out;
}

std::string facets_html(const PageQuery& p, const SearchResponse& r) {
  std::string out = "<aside class=\"facets\" aria-labelledby=\"facets-title\">\n<h2 id=\"facets-title\">결과 좁히기</h2>\n";
  bool any = false;
  for (const auto& f : kFacetFields) {
    std::vector<FacetValue> values;
    if (auto it = r.facets.find(f.name); it != r.facets.end()) values = it->second;
    if (values.size() > kFacetValuesShown) values.resize(kFacetValuesShown);
    if (f.name == std::string_view("month"))  // newest month first reads like a calendar of news
      std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
    // A chosen value stays listed (so it can be switched off) even when it counts nothing.
    std::vector<std::string> chosen = f.name == std::string_view("month")
                                          ? (p.month.empty() ? std::vector<std::string>{} : std::vector<std::string>{p.month})
                                          : (p.filters.count(f.name) ? p.filters.at(f.name) : std::vector<std::string>{});
    for (const auto& c : chosen)
      if (std::none_of(values.begin(), values.end(), [&](const auto& v) { return v.value == c; })) values.insert(values.begin(), {c, 0});
    if (values.empty()) continue;
    any = true;
    out += "<section class=\"facet\">\n<h3>" + std::string(f.label) + "</h3>\n<ul>\n";
    for (const auto& v : values) {
      bool on = p.has(f.name, v.value);
      out += "<li><a href=\"" + escape_html(page_url(p.toggled(f.name, v.value))) + "\"" + (on ? " class=\"on\"" : "") + ">";
      out += on ? "<span class=\"visually-hidden\">선택됨: </span>" : "";
      out += "<span class=\"value\">" + escape_html(facet_label(f.name, v.value)) + "</span>";
      if (v.count > 0) out += " <span class=\"count\">" + with_commas(v.count) + "</span>";
      if (on) out += " <span class=\"remove\" aria-hidden=\"true\">×</span><span class=\"visually-hidden\"> (해제)</span>";
      out += "</a></li>\n";
    }
    out += "</ul>\n</section>\n";
  }
  if (!any) return "";
  out += "</aside>\n";
  return out;
}

// For an index of shards (a stub): which shards answered this search. All of them, a quiet line;
// not all, an alert naming the ones that did not (their articles are missing from the results).
std::string shards_html(const SearchResponse& r, const Searcher& searcher) {
  if (!r.shards) return "";
  const ShardHealth& h = *r.shards;
  auto names = [](const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : ", ") + ("<code>" + escape_html(l) + "</code>");
    return out;
  };
  if (h.failed.empty())
    return "<p class=\"shards\" data-answered=\"" + std::to_string(h.answered) + "\" data-total=\"" + std::to_string(h.total) +
           "\">샤드 " + std::to_string(h.total) + "개 모두 응답</p>\n";
  std::vector<std::string> answered;
  for (const auto& line : searcher.shard_lines())
    if (std::find(h.failed.begin(), h.failed.end(), line) == h.failed.end()) answered.push_back(line);
  std::string out = "<p class=\"notice shards-degraded\" role=\"alert\" data-answered=\"" + std::to_string(h.answered) +
                    "\" data-total=\"" + std::to_string(h.total) + "\">샤드 " + std::to_string(h.total) + "개 중 " +
                    std::to_string(h.answered) + "개만 응답해, 응답하지 않은 샤드의 기사는 결과에 없습니다.<br>응답 없음: " +
                    names(h.failed);
  if (!answered.empty()) out += "<br>응답: " + names(answered);
  return out + "</p>\n";
}

std::string active_filters_html(const PageQuery& p) {
  if (!p.filtered()) return "";
  std::string out = "<p class=\"filters\"><span>필터:</span> ";
  auto chip = [&](const std::string& field, const std::string& value) {
    out += "<a class=\"chip\" href=\"" + escape_html(page_url(p.toggled(field, value))) + "\">" + escape_html(facet_label(field, value)) +
           " <span aria-hidden=\"true\">×</span><span class=\"visually-hidden\"> 필터 해제</span></a> ";
  };
  for (const char* f : kFilterParams)
    if (auto it = p.filters.find(f); it != p.filters.end())
      for (const auto& v : it->second) chip(f, v);
  if (!p.month.empty()) chip("month", p.month);
  PageQuery clear = p;
  clear.filters.clear();
  clear.month.clear();
  clear.page = 1;
  out += "<a class=\"clear\" href=\"" + escape_html(page_url(clear)) + "\">모두 해제</a></p>\n";
  return out;
}

std::string sort_html(const PageQuery& p) {
  PageQuery relevance = p, date = p;
  relevance.by_date = false;
  date.by_date = true;
  relevance.page = date.page = 1;
  auto link = [](const PageQuery& to, const char* label, bool current) {
    return "<a href=\"" + escape_html(page_url(to)) + "\"" + (current ? " aria-current=\"true\"" : "") + ">" + label + "</a>";
  };
  return "<nav class=\"sort\" aria-label=\"정렬\">" + link(relevance, "관련도순", !p.by_date) + link(date, "최신순", p.by_date) +
         "</nav>\n";
}

// What to try when nothing was found: the spelling, completions of the query, fewer words, no
// filters.
std::string empty_html(const PageQuery& p, const SearchResponse& r, const Searcher& searcher) {
  std::string out = "<section class=\"empty\" aria-labelledby=\"empty-title\">\n<h2 id=\"empty-title\">";
  if (r.total > 0) {
    PageQuery first = p;
    first.page = 1;
    out += "이 페이지에는 결과가 없습니다.</h2>\n<p><a href=\"" + escape_html(page_url(first)) + "\">첫 페이지로 가기</a></p>\n</section>\n";
    return out;
  }
  out += "‘" + escape_html(p.q) + "’에 대한 검색 결과가 없습니다.</h2>\n";
  if (r.did_you_mean) {
    PageQuery fixed = p;
    fixed.q = *r.did_you_mean;
    fixed.exact = false;
    out += "<p class=\"did-you-mean\">이것을 찾으셨나요? <a href=\"" + escape_html(page_url(fixed)) + "\">" +
           escape_html(*r.did_you_mean) + "</a></p>\n";
  }
  std::vector<Suggestion> similar = searcher.suggest(p.q, 5);
  if (!similar.empty()) {
    out += "<p class=\"similar\">비슷한 검색어: ";
    for (const auto& s : similar) {
      PageQuery to = p;
      to.q = s.text;
      to.page = 1;
      to.exact = false;
      std::string href = s.kind == "title" && !s.id.empty() ? article_url(s.id) : page_url(to);
      out += "<a href=\"" + escape_html(href) + "\">" + escape_html(s.text) + "</a> ";
    }
    out += "</p>\n";
  }
  out += "<ul class=\"tips\">\n<li>맞춤법과 띄어쓰기를 확인해 보세요. (예: 데이터센터 ↔ 데이터 센터)</li>\n"
         "<li>더 짧거나 일반적인 단어로 검색해 보세요.</li>\n"
         "<li>단어 수를 줄이거나, 여러 단어 중 하나만 있어도 되면 OR로 이어 보세요. (예: 엔비디아 OR 오라클)</li>\n";
  if (p.q.find('"') != std::string::npos || p.q.find('-') != std::string::npos)
    out += "<li>따옴표(\"…\")와 제외어(-단어)를 빼고 검색해 보세요.</li>\n";
  if (p.filtered()) {
    PageQuery clear = p;
    clear.filters.clear();
    clear.month.clear();
    clear.page = 1;
    out += "<li><a href=\"" + escape_html(page_url(clear)) + "\">필터를 모두 해제하고</a> 다시 검색해 보세요.</li>\n";
  }
  out += "</ul>\n<p><a href=\"/\">최신 기사 보기</a></p>\n</section>\n";
  return out;
}

void get_page(const Searcher& searcher, const httplib::Request& req, httplib::Response& res) {
  PageQuery p = read_page_query(req);
  if (p.q.size() > kMaxQueryBytes) {
    write_error_page(res, 400, PageQuery{}, "검색어가 너무 깁니다",
                     "검색어는 " + std::to_string(kMaxQueryBytes) + "바이트까지 쓸 수 있습니다. 줄여서 다시 검색해 보세요.");
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  SearchResponse r = searcher.search(search_request(p));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string main;
  bool searching = !p.q.empty();
  main += searching ? "<h1 class=\"visually-hidden\">‘" + escape_html(p.q) + "’ 검색 결과</h1>\n"
                    : "<h1 class=\"heading\">최신 기사</h1>\n";
  if (searching || p.filtered()) {
    main += "<div class=\"toolbar\">\n<p class=\"count\" role=\"status\">";
    main += r.total_is_exact ? "검색 결과 " : "검색 결과 약 ";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", took);
    main += with_commas(r.total) + "건 <span class=\"took\">(" + secs + "초)</span></p>\n";
    if (searching) main += sort_html(p);
    main += "</div>\n";
  }
  main += shards_html(r, searcher);
  main += active_filters_html(p);
  if (r.corrected && r.did_you_mean) {
    PageQuery original = p;
    original.exact = true;
    original.page = 1;
    main += "<p class=\"notice did-you-mean\">‘" + escape_html(p.q) + "’에 대한 결과가 없어 <strong>‘" + escape_html(*r.did_you_mean) +
            "’</strong> 검색 결과를 보여 드립니다. <a href=\"" + escape_html(page_url(original)) + "\">‘" + escape_html(p.q) +
            "’ 그대로 검색</a></p>\n";
  } else if (r.did_you_mean && !r.hits.empty()) {
    PageQuery fixed = p;
    fixed.q = *r.did_you_mean;
    fixed.page = 1;
    main += "<p class=\"notice did-you-mean\">이것을 찾으셨나요? <a href=\"" + escape_html(page_url(fixed)) + "\">" +
            escape_html(*r.did_you_mean) + "</a></p>\n";
  }
  if (r.relaxed && !r.hits.empty())
    main += "<p class=\"notice\">모든 검색어가 들어 있는 기사가 없어, 일부 검색어가 들어 있는 기사를 보여 드립니다.</p>\n";

  if (r.hits.empty()) {
    main += empty_html(p, r, searcher);
  } else {
    // Hits with only some of the words follow those with all of them, under a notice of their own.
    size_t rank = (p.page - 1) * kPageSize + 1;
    main += "<ol class=\"hits\" start=\"" + std::to_string(rank) + "\">\n";
    for (size_t i = 0; i < r.hits.size(); ++i, ++rank) {
      if (r.hits[i].partial && !r.relaxed && (i == 0 || !r.hits[i - 1].partial))
        main += "</ol>\n<p class=\"notice partial\">아래 기사에는 검색어 가운데 일부만 들어 있습니다.</p>\n<ol class=\"hits\" start=\"" +
                std::to_string(rank) + "\">\n";
      main += hit_html(r.hits[i]);
    }
    main += "</ol>\n";
    main += pager_html(p, r.total);
  }
  std::string title = searching ? p.q + " - 소식 검색" : "소식 - 한국어 뉴스 검색";
  write_html(res, 200, layout(title, p, main, facets_html(p, r)));
}

std::string links_html(const json& list) {
  std::string out = "<ul class=\"links\">\n";
  for (const auto& item : list) {
    std::string title = item.value("title", "");
    if (title.empty()) title = "(제목 없음)";
    bool stub = item.value("stub", false);
    out += "<li>";
    if (item.contains("id") && item["id"].is_string())
      out += "<a href=\"" + escape_html(article_url(item["id"].get<std::string>())) + "\">" + escape_html(title) + "</a>";
    else
      out += "<span>" + escape_html(title) + "</span>";
    if (stub) out += " <span class=\"badge\">제목만</span>";
    out += "</li>\n";
  }
  out += "</ul>\n";
  return out;
}

// Only web links become links: a javascript: or data: URL from a scraped page must not run.
bool is_web_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

void get_article_page(const Searcher& searcher, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  PageQuery form;
  form.q = req.get_param_value("q");
  if (form.q.size() > kMaxQueryBytes) form.q.clear();
  auto found = searcher.article(id);
  if (!found) {
    write_error_page(res, 404, form, "기사를 찾을 수 없습니다", "‘" + id + "’ 기사가 색인에 없습니다. 삭제되었거나 주소가 잘못되었을 수 있습니다.");
    return;
  }
  const json& a = *found;
  std::string title = a.value("title", "");
  if (title.empty()) title = "(제목 없음)";
  bool stub = a.value("stub", false);

  std::string main = "<article class=\"article\" aria-labelledby=\"article-title\">\n<header>\n";
  std::string kicker;
  for (const char* f : {"outlet", "section"})
    if (std::string v = a.value(f, ""); !v.empty()) kicker += "<span>" + escape_html(v) + "</span>";
  if (!kicker.empty()) main += "<p class=\"meta kicker\">" + kicker + "</p>\n";
  main += "<h1 id=\"article-title\">" + escape_html(title) + "</h1>\n";
  std::string byline;
  if (std::string reporter = a.value("reporter", ""); !reporter.empty())
    byline += "<span class=\"reporter\">" + escape_html(reporter) + " 기자</span>";
  if (std::string t = time_html(a.value("published_at", json()), true); !t.empty()) byline += "<span>" + t + "</span>";
  if (!byline.empty()) main += "<p class=\"meta\">" + byline + "</p>\n";
  main += "</header>\n";
  if (stub) {
    main += "<p class=\"notice\">다른 기사에 링크된 제목만 알려진 기사입니다. 본문은 아직 색인되지 않았습니다.</p>\n";
  } else {
    main += "<div class=\"body\">\n";
    std::string body = a.value("body", "");
    size_t start = 0;
    while (start <= body.size()) {
      size_t nl = body.find('\n', start);
      if (nl == std::string::npos) nl = body.size();
      std::string para = body.substr(start, nl - start);
      if (para.find_first_not_of(" \t\r") != std::string::npos) main += "<p>" + escape_html(para) + "</p>\n";
      start = nl + 1;
    }
    main += "</div>\n";
  }
  if (std::string credit = a.value("photo_credit", ""); !credit.empty())
    main += "<p class=\"credit\">사진: " + escape_html(credit) + "</p>\n";
  if (std::string url = a.value("url", ""); is_web_url(url))
    main += "<p class=\"source\"><a href=\"" + escape_html(url) + "\" rel=\"noopener noreferrer nofollow\">원문 보기</a></p>\n";
  main += "</article>\n";
  if (a.contains("related") && a["related"].is_array() && !a["related"].empty())
    main += "<section class=\"related\" aria-labelledby=\"related-title\">\n<h2 id=\"related-title\">관련 기사</h2>\n" +
            links_html(a["related"]) + "</section>\n";
  if (a.contains("linked_from") && a["linked_from"].is_array() && !a["linked_from"].empty())
    main += "<section class=\"linked-from\" aria-labelledby=\"linked-title\">\n<h2 id=\"linked-title\">이 기사를 링크한 기사</h2>\n" +
            links_html(a["linked_from"]) + "</section>\n";
  write_html(res, 200, layout(title + " - 소식", form, main));
}

void get_opensearch(const httplib::Request& req, httplib::Response& res) {
  // Browsers want an absolute template: the address the browser used to reach us.
  std::string host = req.get_header_value("Host");
  std::string base = host.empty() ? "" : "http://" + escape_html(host);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
                    "  <ShortName>소식</ShortName>\n"
                    "  <Description>한국어 뉴스 검색</Description>\n"
                    "  <InputEncoding>UTF-8</InputEncoding>\n"
                    "  <Language>ko</Language>\n"
                    "  <Image height=\"16\" width=\"16\" type=\"image/svg+xml\">" + base + asset_url("favicon.svg") + "</Image>\n"
                    "  <Url type=\"text/html\" method=\"get\" template=\"" + base + "/?q={searchTerms}\"/>\n"
                    "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"" + base + "/opensearch.xml\"/>\n"
                    "</OpenSearchDescription>\n";
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(xml, "application/opensearchdescription+xml; charset=utf-8");
}

std::string_view content_type(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// Only the embedded files exist here: a name is looked up, never joined to a directory, so no
// path (../, %2e%2e, absolute) can reach anything else.
void get_static(const httplib::Request& req, httplib::Response& res) {
  std::string name = req.matches[1];
  const auto assets = web_assets();
  auto it = std::find_if(assets.begin(), assets.end(), [&](const WebAsset& a) { return a.name == name; });
  res.set_header("X-Content-Type-Options", "nosniff");
  if (it == assets.end()) {
    res.status = 404;
    res.set_content("not found\n", "text/plain; charset=utf-8");
    return;
  }
  std::string etag = "\"" + std::string(it->hash) + "\"";
  res.set_header("ETag", etag);
  // A URL with the right ?v= names these exact bytes forever; a bare one is revalidated.
  bool versioned = req.get_param_value("v") == it->hash;
  res.set_header("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.set_content(std::string(it->data), std::string(content_type(it->name)));
}

}  // namespace

std::string escape_html(std::string_view s) { return html_escape(s); }

std::vector<std::string> register_web_routes(httplib::Server& http, std::shared_ptr<const Searcher> searcher, Metrics& metrics) {
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Times each request for /metrics; an unreadable index is a page that says so, not a crash.
  auto route = [&http, &metrics](const std::string& pattern, const std::string& name, Handler h) {
    http.Get(pattern, [&metrics, name, h](const httplib::Request& req, httplib::Response& res) {
      auto t0 = std::chrono::steady_clock::now();
      try {
        h(req, res);
      } catch (const Xapian::Error& e) {
        std::cerr << "searchd: " << req.path << ": " << e.get_description() << std::endl;
        write_error_page(res, 503, PageQuery{}, "검색할 수 없습니다", "색인을 읽지 못했습니다. 잠시 후 다시 시도해 주세요.");
      }
      metrics.observe(name, res.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    });
  };
  route("/", "/", [searcher](const auto& req, auto& res) { get_page(*searcher, req, res); });
  route(R"(/articles/(.+))", "/articles", [searcher](const auto& req, auto& res) { get_article_page(*searcher, req, res); });
  route("/opensearch.xml", "/opensearch.xml", get_opensearch);
  route(R"(/static/(.+))", "/static", get_static);
  return {"/", R"(/articles/(.+))", "/opensearch.xml", R"(/static/(.+))"};
}

}  // namespace sosik
