#include "html.h"

#include <gumbo.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "analysis/analyzer.h"
#include "formats.h"

namespace sosik {
namespace {

// ---------------------------------------------------------------------------------------------
// Small string helpers (ASCII case folding is enough: HTML keywords and charset names are ASCII;
// ascii_lower(string_view) and is_ascii_space are the analysis library's, normalizer.h).

bool iequals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Whether a whitespace-separated attribute value (rel, role, itemprop, class) holds `token`.
bool has_token(const char* list, std::string_view token) {
  if (!list) return false;
  std::string_view s(list);
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_ascii_space(s[i])) ++i;
    size_t b = i;
    while (i < s.size() && !is_ascii_space(s[i])) ++i;
    if (i > b && iequals(s.substr(b, i - b), token)) return true;
  }
  return false;
}

bool is_http_url(std::string_view s) {
  auto starts = [&](std::string_view p) { return s.size() > p.size() && iequals(s.substr(0, p.size()), p); };
  return starts("http://") || starts("https://");
}

// ---------------------------------------------------------------------------------------------
// Charset. gumbo only reads UTF-8, so legacy Korean pages are converted before parsing.

constexpr size_t kPrescanBytes = 8192;  // HTML says 1024; Korean portals put more before <meta>

// The token after `=` (quotes and spaces skipped) at s[pos..], or empty.
std::string value_after(std::string_view s, size_t pos) {
  while (pos < s.size() && is_ascii_space(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != '=') return {};
  ++pos;
  while (pos < s.size() && (is_ascii_space(s[pos]) || s[pos] == '"' || s[pos] == '\'')) ++pos;
  size_t b = pos;
  while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '-' || s[pos] == '_' ||
                            s[pos] == '.' || s[pos] == ':'))
    ++pos;
  return std::string(s.substr(b, pos - b));
}

// WHATWG's EUC-KR labels plus the Microsoft names; all are decoded as CP949, EUC-KR's superset.
bool is_korean_legacy(const std::string& cs) {
  static const char* const kLabels[] = {"euc-kr",          "euckr",           "x-euc-kr",   "cseuckr",
                                        "ks_c_5601-1987",  "ks_c_5601-1989",  "ks_c_5601",  "ksc5601",
                                        "ksc_5601",        "csksc56011987",   "iso-ir-149", "korean",
                                        "cp949",           "windows-949",     "x-windows-949", "ms949",
                                        "uhc"};
  for (const char* l : kLabels)
    if (cs == l) return true;
  return false;
}

std::optional<std::string> convert_cp949(std::string_view bytes, const std::string& declared, std::string& reason) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open("windows-949", &status), ucnv_close);
  if (U_FAILURE(status))  // a broken ICU install, not a bad page
    throw std::runtime_error(std::string("ICU cannot open the windows-949 converter: ") + u_errorName(status));
  // STOP, not substitute: a replacement character in the index is junk nobody can search for.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  // CP949 maps every one- or two-byte sequence to one UTF-16 unit, so this never overflows.
  std::u16string u16(bytes.size() + 1, u'\0');
  std::vector<int32_t> offsets(u16.size());  // source byte of each output unit, for error messages
  UChar* begin = reinterpret_cast<UChar*>(u16.data());
  UChar* target = begin;
  const char* source = bytes.data();
  status = U_ZERO_ERROR;
  ucnv_toUnicode(conv.get(), &target, begin + u16.size(), &source, bytes.data() + bytes.size(), offsets.data(), true,
                 &status);
  auto fail = [&](size_t at) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", at < bytes.size() ? static_cast<unsigned char>(bytes[at]) : 0u);
    reason = "undecodable byte " + std::string(hex) + " at byte " + std::to_string(at) + " (page declares charset '" +
             declared + "', read as CP949)";
    return std::nullopt;
  };
  if (U_FAILURE(status)) {
    // The converter has consumed the bad sequence; step back over it to name its first byte.
    char bad[16];
    int8_t bad_len = sizeof bad;
    UErrorCode s2 = U_ZERO_ERROR;
    ucnv_getInvalidChars(conv.get(), bad, &bad_len, &s2);
    size_t at = static_cast<size_t>(source - bytes.data());
    if (U_SUCCESS(s2) && static_cast<size_t>(bad_len) <= at) at -= static_cast<size_t>(bad_len);
    return fail(at);
  }
  size_t n = static_cast<size_t>(target - begin);
  // ICU's table maps some stray bytes to private-use code points (0xFF → U+F8F7) and C1 controls
  // (0x80 → U+0080) instead of stopping: no Korean page means those, so they are errors too.
  for (size_t k = 0; k < n; ++k) {
    char16_t c = u16[k];
    if ((c >= 0xE000 && c <= 0xF8FF) || (c >= 0x80 && c <= 0x9F)) return fail(static_cast<size_t>(offsets[k]));
  }
  std::string out;
  icu::UnicodeString(false, begin, static_cast<int32_t>(n)).toUTF8String(out);
  return out;
}

std::optional<std::string> to_utf8(std::string_view bytes, std::string& reason) {
  // A BOM outranks any declaration (HTML's encoding sniffing rules).
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return decode_korean_text(bytes, reason);
  std::string cs = declared_charset(bytes);
  if (is_korean_legacy(cs)) {
    // Browsers re-save pages as UTF-8 but keep the old <meta>; real EUC-KR Korean text is
    // practically never valid UTF-8 (its lead bytes B0-C8 are mostly UTF-8 continuation bytes).
    if (valid_utf8(bytes)) return std::string(bytes);
    return convert_cp949(bytes, cs, reason);
  }
  // Declared UTF-8 (or nothing): UTF-8 if valid, else undeclared CP949.
  std::optional<std::string> text = decode_korean_text(bytes, reason);
  if (!text && reason.find(" byte ") == std::string::npos) {
    // Some of the helper's reasons count characters; a byte offset is what finds the spot in the file.
    int32_t i = 0, len = static_cast<int32_t>(bytes.size());
    while (i < len) {
      int32_t at = i;
      UChar32 c;
      U8_NEXT(bytes.data(), i, len, c);
      if (c < 0) {
        reason += " (first invalid UTF-8 at byte " + std::to_string(at) + ")";
        break;
      }
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Text: whitespace collapsed inside a paragraph, block elements break paragraphs.

// Byte length of a whitespace character at s[i] (ASCII, NBSP and the Unicode spaces), or 0.
size_t space_at(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (is_ascii_space(static_cast<char>(c))) return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;  // U+00A0
  if (i + 2 < s.size()) {
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]), c2 = static_cast<unsigned char>(s[i + 2]);
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;                              // U+3000 ideographic
    if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) return 3;  // U+2000-200A, 2028/9, 202F
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;                              // U+205F
  }
  return 0;
}

// Byte length of an invisible zero-width character at s[i] (U+200B, U+FEFF), or 0.
size_t zero_width_at(std::string_view s, size_t i) {
  if (s.substr(i, 3) == "\xE2\x80\x8B" || s.substr(i, 3) == "\xEF\xBB\xBF") return 3;
  return 0;
}

class TextBuilder {
 public:
  void text(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      if (size_t w = space_at(s, i)) {
        if (!cur_.empty()) pending_space_ = true;
        i += w;
      } else if (size_t z = zero_width_at(s, i)) {
        i += z;
      } else {
        if (pending_space_) cur_ += ' ';
        pending_space_ = false;
        cur_ += s[i++];
      }
    }
  }
  // A table cell boundary: words on either side must not run together.
  void space() {
    if (!cur_.empty()) pending_space_ = true;
  }
  void paragraph_break() {
    if (!cur_.empty()) paragraphs_.push_back(std::move(cur_));
    cur_.clear();
    pending_space_ = false;
  }
  std::vector<std::string> finish() {
    paragraph_break();
    return std::move(paragraphs_);
  }

 private:
  std::string cur_;
  bool pending_space_ = false;
  std::vector<std::string> paragraphs_;
};

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string collapse(std::string_view s) {
  TextBuilder tb;
  tb.text(s);
  return join(tb.finish(), " ");
}

// ---------------------------------------------------------------------------------------------
// The gumbo tree.

bool is_element(const GumboNode* n) { return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE; }

GumboTag tag_of(const GumboNode* n) { return is_element(n) ? n->v.element.tag : GUMBO_TAG_UNKNOWN; }

const char* attr(const GumboNode* n, const char* name) {
  if (!is_element(n)) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}

const GumboVector* children_of(const GumboNode* n) {
  if (n->type == GUMBO_NODE_DOCUMENT) return &n->v.document.children;
  if (is_element(n)) return &n->v.element.children;
  return nullptr;
}

// Depth-first walk without recursion (deeply nested pages must not exhaust the stack).
// `enter` returns whether to descend; `leave` runs for every node that was descended into.
template <class Enter, class Leave>
void walk(const GumboNode* root, Enter enter, Leave leave) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
  };
  if (!enter(root)) return;
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    const GumboNode* node = stack.back().node;
    const GumboVector* kids = children_of(node);
    if (kids && stack.back().next < kids->length) {
      const auto* child = static_cast<const GumboNode*>(kids->data[stack.back().next++]);
      if (enter(child)) stack.push_back({child, 0});
    } else {
      leave(node);
      stack.pop_back();
    }
  }
}

// Page furniture: never article text. Besides the listed elements, their ARIA roles, hidden
// content, controls and the navigation bars DocBook-generated help pages use.
bool is_furniture(const GumboNode* n) {
  if (n->type == GUMBO_NODE_TEMPLATE) return true;
  if (n->type != GUMBO_NODE_ELEMENT) return false;
  switch (n->v.element.tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_OBJECT: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO:
      return true;
    default:
      break;
  }
  if (const char* h = attr(n, "aria-hidden"); h && iequals(collapse(h), "true")) return true;
  if (attr(n, "hidden")) return true;
  const char* role = attr(n, "role");
  for (std::string_view r : {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"})
    if (has_token(role, r)) return true;
  const char* cls = attr(n, "class");
  for (std::string_view c : {"navheader", "navfooter", "breadcrumb", "breadcrumbs"})
    if (has_token(cls, c)) return true;
  return false;
}

bool is_block(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT) return false;
  switch (n->v.element.tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_BR:
    case GUMBO_TAG_TR: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
    // Not in the original list, but just as much block-level: their text is never one sentence.
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_TABLE: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_HR: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_CENTER: case GUMBO_TAG_BODY: case GUMBO_TAG_HGROUP:
      return true;
    default:
      return false;
  }
}

bool is_cell(const GumboNode* n) { return tag_of(n) == GUMBO_TAG_TD || tag_of(n) == GUMBO_TAG_TH; }

// The visible text under `root` as paragraphs. `root` itself is read even if it is furniture
// (a <header>'s <h1> can still be the title).
std::vector<std::string> paragraphs_of(const GumboNode* root) {
  TextBuilder tb;
  auto boundary = [&](const GumboNode* n) {
    if (is_block(n))
      tb.paragraph_break();
    else if (is_cell(n))
      tb.space();
  };
  walk(
      root,
      [&](const GumboNode* n) {
        switch (n->type) {
          case GUMBO_NODE_TEXT: case GUMBO_NODE_CDATA: case GUMBO_NODE_WHITESPACE:
            tb.text(n->v.text.text);
            return false;
          case GUMBO_NODE_DOCUMENT:
            return true;
          case GUMBO_NODE_ELEMENT:
            if (n != root && is_furniture(n)) return false;
            if (tag_of(n) == GUMBO_TAG_HEAD || tag_of(n) == GUMBO_TAG_TITLE) return n == root;
            boundary(n);
            return true;
          default:  // comments, templates
            return false;
        }
      },
      boundary);
  return tb.finish();
}

std::string line_of(const GumboNode* n) { return join(paragraphs_of(n), " "); }

bool is_inside(const GumboNode* n, const GumboNode* ancestor) {
  for (; n; n = n->parent)
    if (n == ancestor) return true;
  return false;
}

// Everything the extraction needs, gathered in one pass over the document.
struct PageIndex {
  std::map<std::string, std::string> meta;  // lower-cased property/name → first non-empty content
  std::string canonical;
  const GumboNode* title = nullptr;
  const GumboNode* body = nullptr;
  std::vector<const GumboNode*> h1s, times;
  std::map<std::string, const GumboNode*> itemprops;  // lower-cased itemprop → first element
  // Main-text candidates outside furniture, best kind first: articleBody, <article>, role=main, <main>.
  std::array<std::vector<const GumboNode*>, 4> candidates;
};

PageIndex index_page(const GumboNode* document) {
  PageIndex p;
  int furniture_depth = 0;
  walk(
      document,
      [&](const GumboNode* n) {
        if (n->type == GUMBO_NODE_DOCUMENT) return true;
        if (n->type != GUMBO_NODE_ELEMENT) return false;
        bool furniture = is_furniture(n);
        if (furniture) ++furniture_depth;
        GumboTag tag = n->v.element.tag;
        bool html = n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
        if (html && tag == GUMBO_TAG_META) {
          const char* key = attr(n, "property");
          if (!key) key = attr(n, "name");
          const char* content = attr(n, "content");
          if (key && content) {
            std::string v = collapse(content);
            if (!v.empty()) p.meta.emplace(ascii_lower(collapse(key)), std::move(v));
          }
        } else if (html && tag == GUMBO_TAG_LINK) {
          if (p.canonical.empty() && has_token(attr(n, "rel"), "canonical"))
            if (const char* href = attr(n, "href")) p.canonical = collapse(href);
        } else if (html && tag == GUMBO_TAG_TITLE) {
          if (!p.title) p.title = n;
        } else if (html && tag == GUMBO_TAG_BODY) {
          if (!p.body) p.body = n;
        } else if (html && tag == GUMBO_TAG_H1) {
          p.h1s.push_back(n);
        } else if (html && tag == GUMBO_TAG_TIME && attr(n, "datetime")) {
          p.times.push_back(n);
        }
        if (const char* ip = attr(n, "itemprop")) {
          for (std::string_view key : {"datepublished", "author", "articlebody"})
            if (has_token(ip, key)) p.itemprops.emplace(std::string(key), n);
        }
        if (furniture_depth == 0) {
          if (has_token(attr(n, "itemprop"), "articleBody")) p.candidates[0].push_back(n);
          if (html && tag == GUMBO_TAG_ARTICLE) p.candidates[1].push_back(n);
          if (has_token(attr(n, "role"), "main")) p.candidates[2].push_back(n);
          if (html && tag == GUMBO_TAG_MAIN) p.candidates[3].push_back(n);
        }
        return true;
      },
      [&](const GumboNode* n) {
        if (is_furniture(n)) --furniture_depth;
      });
  return p;
}

std::string meta_value(const PageIndex& p, const char* key) {
  auto it = p.meta.find(key);
  return it == p.meta.end() ? std::string() : it->second;
}

// The value of a microdata property: <meta content>, <time datetime>, else the element's text.
std::string itemprop_value(const GumboNode* n) {
  if (const char* c = attr(n, "content")) return collapse(c);
  if (const char* d = attr(n, "datetime")) return collapse(d);
  return line_of(n);
}

std::string itemprop_author(const GumboNode* n) {
  // <span itemprop="author" itemscope><span itemprop="name">…</span></span>: the name only.
  const GumboNode* name = nullptr;
  walk(
      n,
      [&](const GumboNode* c) {
        if (name) return false;
        if (c != n && has_token(attr(c, "itemprop"), "name")) {
          name = c;
          return false;
        }
        return is_element(c);
      },
      [](const GumboNode*) {});
  return itemprop_value(name ? name : n);
}

// "제목 | 한겨레" → "제목" when the page names its outlet: the suffix is branding, not headline.
std::string strip_outlet_suffix(std::string title, const std::string& outlet) {
  if (outlet.empty() || title.size() <= outlet.size()) return title;
  if (title.compare(title.size() - outlet.size(), outlet.size(), outlet) != 0) return title;
  std::string rest = title.substr(0, title.size() - outlet.size());
  while (!rest.empty() && rest.back() == ' ') rest.pop_back();
  bool separated = false;
  for (std::string_view sep : {"|", "-", ":", "<", "\xC2\xB7" /* · */, "\xE2\x80\x93" /* – */, "\xE2\x80\x94" /* — */}) {
    if (rest.size() > sep.size() && rest.compare(rest.size() - sep.size(), sep.size(), sep) == 0) {
      rest.resize(rest.size() - sep.size());
      separated = true;
      break;
    }
  }
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == ':')) rest.pop_back();
  return separated && !rest.empty() ? rest : title;
}

struct GumboDeleter {
  void operator()(GumboOutput* out) const { gumbo_destroy_output(&kGumboDefaultOptions, out); }
};

}  // namespace

std::string declared_charset(std::string_view bytes) {
  std::string head = ascii_lower(bytes.substr(0, kPrescanBytes));
  size_t start = head.rfind("\xef\xbb\xbf", 0) == 0 ? 3 : 0;
  while (start < head.size() && is_ascii_space(head[start])) ++start;
  if (head.compare(start, 5, "<?xml") == 0) {  // XHTML: <?xml version="1.0" encoding="euc-kr"?>
    size_t end = head.find("?>", start);
    size_t e = head.find("encoding", start);
    if (e != std::string::npos && e < end)
      if (std::string v = value_after(head, e + 8); !v.empty()) return v;
  }
  for (size_t p = 0; (p = head.find("<meta", p)) != std::string::npos; p += 5) {
    size_t end = head.find('>', p);
    if (end == std::string::npos) break;
    std::string_view tag(head.data() + p, end - p);
    for (size_t c = 0; (c = tag.find("charset", c)) != std::string_view::npos; c += 7)
      if (std::string v = value_after(tag, c + 7); !v.empty()) return v;
  }
  return {};
}

std::optional<Article> parse_html(std::string_view bytes, const std::string& fallback_id, std::string& reason) {
  std::optional<std::string> text = to_utf8(bytes, reason);
  if (!text) return std::nullopt;

  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are not reported: don't spend memory recording them
  std::unique_ptr<GumboOutput, GumboDeleter> out(gumbo_parse_with_options(&options, text->data(), text->size()));
  if (!out) throw std::runtime_error("gumbo failed to allocate a parse tree");
  PageIndex page = index_page(out->document);

  // The main text: the longest candidate of the best kind that has any text, else <body>.
  const GumboNode* container = nullptr;
  std::vector<std::string> body;
  for (const auto& kind : page.candidates) {
    size_t best_len = 0;
    for (const GumboNode* c : kind) {
      std::vector<std::string> paras = paragraphs_of(c);
      size_t len = 0;
      for (const auto& s : paras) len += s.size();
      if (len > best_len) {
        best_len = len;
        container = c;
        body = std::move(paras);
      }
    }
    if (container) break;
  }
  if (!container && page.body) {
    container = page.body;
    body = paragraphs_of(page.body);
  }
  if (body.empty()) {
    reason = "no body text in HTML";
    return std::nullopt;
  }

  Article a;
  a.body = join(body, "\n");
  a.outlet = meta_value(page, "og:site_name");
  a.section = meta_value(page, "article:section");

  a.title = meta_value(page, "og:title");
  if (a.title.empty() && page.title) a.title = line_of(page.title);
  if (a.title.empty()) {
    // The headline inside the main text first: a site logo is often the page's first <h1>.
    const GumboNode* h1 = nullptr;
    for (const GumboNode* h : page.h1s)
      if (!h1 && is_inside(h, container) && !line_of(h).empty()) h1 = h;
    for (const GumboNode* h : page.h1s)
      if (!h1 && !line_of(h).empty()) h1 = h;
    if (h1) a.title = line_of(h1);
  }
  a.title = strip_outlet_suffix(std::move(a.title), a.outlet);
  if (a.title.empty()) {
    a.title = derive_title(a.body);
    a.title_derived = true;
  }

  // Published time: the first candidate parse_iso8601 accepts; a bad date is dropped, not guessed.
  std::vector<std::string> dates = {meta_value(page, "article:published_time"), meta_value(page, "og:published_time")};
  if (auto it = page.itemprops.find("datepublished"); it != page.itemprops.end())
    dates.push_back(itemprop_value(it->second));
  for (bool inside : {true, false})  // <time> in the article before any elsewhere on the page
    for (const GumboNode* t : page.times)
      if (is_inside(t, container) == inside) dates.push_back(collapse(attr(t, "datetime")));
  for (const auto& d : dates) {
    if (!d.empty() && parse_iso8601(d)) {
      a.published_at = d;
      break;
    }
  }

  // article:author is often a profile URL, which is no reporter's name.
  std::string authors[] = {meta_value(page, "author"), meta_value(page, "article:author"), {}};
  if (auto it = page.itemprops.find("author"); it != page.itemprops.end()) authors[2] = itemprop_author(it->second);
  for (const auto& au : authors) {
    if (!au.empty() && !is_http_url(au)) {
      a.reporter = au;
      break;
    }
  }

  // og:url is by definition the page's canonical URL too; a relative URL cannot identify a page.
  for (const std::string& u : {page.canonical, meta_value(page, "og:url")}) {
    if (is_http_url(u)) {
      a.url = u;
      break;
    }
  }
  a.id = a.url.empty() ? fallback_id : a.url;

  if (std::string why = validate(a); !why.empty()) {
    reason = why;
    return std::nullopt;
  }
  return a;
}

}  // namespace sosik
