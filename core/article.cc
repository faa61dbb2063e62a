#include "article.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <zstd.h>

#include "analysis/analyzer.h"
#include "schema.h"

namespace sosik {

using nlohmann::json;

json to_json(const Article& a) {
  json related = json::array();
  for (const auto& r : a.related) {
    json o = {{"title", r.title}};
    if (!r.url.empty()) o["url"] = r.url;
    related.push_back(std::move(o));
  }
  json j = {{"id", a.id},       {"title", a.title},       {"body", a.body},
            {"outlet", a.outlet}, {"reporter", a.reporter}, {"section", a.section},
            {"url", a.url},     {"photo_credit", a.photo_credit}, {"lang", a.lang},
            {"related", related}};
  j["published_at"] = a.published_at.empty() ? json(nullptr) : json(a.published_at);
  if (a.title_derived) j["title_derived"] = true;
  if (a.stub) j["stub"] = true;
  return j;
}

// Level 3, zstd's default: level 1 decodes no faster and stores 3% more; 6 compresses at half
// the speed for 2% less.
constexpr int kStoredLevel = 3;

std::string pack_stored(std::string_view json) {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string out(ZSTD_compressBound(json.size()), '\0');
  size_t n = ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), json.data(), json.size(), kStoredLevel);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

namespace {

// The JSON of `data` into `out`, with simdjson's padding after it. A context per thread: making
// one costs more than decoding an article.
void unpack_into(std::string_view data, std::string& out) {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 31))
    throw std::runtime_error("stored article is not a zstd frame (an index of an older schema?)");
  out.resize(size + simdjson::SIMDJSON_PADDING);
  size_t n = ZSTD_decompressDCtx(ctx.get(), out.data(), size, data.data(), data.size());
  if (ZSTD_isError(n) || n != size) throw std::runtime_error(std::string("stored article: zstd: ") + ZSTD_getErrorName(n));
  out.resize(size);
}

// One parser and buffer per thread: a simdjson parser is not thread-safe, and keeps its buffers
// between documents. The element lives until the thread's next call.
simdjson::dom::element parse_dom(std::string_view data) {
  thread_local simdjson::dom::parser parser;
  thread_local std::string json;
  unpack_into(data, json);
  simdjson::dom::element root;
  if (auto error = parser.parse(json.data(), json.size(), false).get(root))
    throw std::runtime_error(std::string("stored article is not JSON: ") + simdjson::error_message(error));
  return root;
}

json to_nlohmann(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      json o = json::object();
      for (auto [key, value] : simdjson::dom::object(e)) o.emplace(std::string(key), to_nlohmann(value));
      return o;
    }
    case simdjson::dom::element_type::ARRAY: {
      json a = json::array();
      for (auto value : simdjson::dom::array(e)) a.push_back(to_nlohmann(value));
      return a;
    }
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(e));
    case simdjson::dom::element_type::INT64: return int64_t(e);
    case simdjson::dom::element_type::UINT64: return uint64_t(e);
    case simdjson::dom::element_type::DOUBLE: return double(e);
    case simdjson::dom::element_type::BOOL: return bool(e);
    case simdjson::dom::element_type::NULL_VALUE: return nullptr;
  }
  return nullptr;
}

}  // namespace

std::string unpack_stored(std::string_view data) {
  std::string json;
  unpack_into(data, json);
  return json;
}

json parse_stored(std::string_view data) {
  simdjson::dom::element root = parse_dom(data);
  if (!root.is_object()) throw std::runtime_error("stored article is not a JSON object");
  return to_nlohmann(root);
}

StoredText stored_text(std::string_view data) {
  StoredText out;
  try {
    auto doc = parse_dom(data);
    std::string_view v;
    if (!doc["title"].get(v)) out.title = v;  // none, or not a string: empty
    if (!doc["body"].get(v)) out.body = v;
  } catch (const std::runtime_error&) {
    // not JSON: no text to re-rank by
  }
  return out;
}

namespace {

bool read_string(const json& j, std::string_view name, std::string& out, ParseError& err) {
  auto it = j.find(std::string(name));
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    err.message = "field '" + std::string(name) + "' must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

}  // namespace

std::optional<Article> article_from_json(const json& j, ParseError& err) {
  if (!j.is_object()) {
    err.message = "an article must be a JSON object";
    return std::nullopt;
  }
  // additionalProperties: false in schemas/article.schema.json: a misspelt field is an error,
  // not silently lost data.
  for (const auto& [key, _] : j.items()) {
    bool known = key == "title_derived" || key == "stub";
    for (const auto& f : kFields) known = known || f.name == key;
    if (!known) {
      err.message = "unknown field '" + key + "'";
      return std::nullopt;
    }
  }
  Article a;
  for (auto [name, dest] : {std::pair{"id", &a.id}, {"title", &a.title}, {"body", &a.body},
                            {"published_at", &a.published_at}, {"outlet", &a.outlet},
                            {"reporter", &a.reporter}, {"section", &a.section}, {"url", &a.url},
                            {"photo_credit", &a.photo_credit}, {"lang", &a.lang}}) {
    if (!read_string(j, name, *dest, err)) return std::nullopt;
  }
  if (a.lang.empty()) a.lang = "ko";
  if (auto it = j.find("title_derived"); it != j.end() && it->is_boolean()) a.title_derived = it->get<bool>();
  if (auto it = j.find("related"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) {
      err.message = "field 'related' must be an array";
      return std::nullopt;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& r = (*it)[i];
      RelatedStory story;
      ParseError sub;
      if (!r.is_object() || !read_string(r, "title", story.title, sub) || !read_string(r, "url", story.url, sub) ||
          story.title.empty()) {
        err.message = "related[" + std::to_string(i) + "] must be an object with a string 'title'";
        return std::nullopt;
      }
      a.related.push_back(std::move(story));
    }
  }
  if (std::string why = validate(a); !why.empty()) {
    err.message = why;
    return std::nullopt;
  }
  return a;
}

std::string validate(const Article& a) {
  for (const auto& f : kFields) {
    if (!f.required) continue;
    const std::string* v = f.name == "id" ? &a.id : f.name == "body" ? &a.body : nullptr;
    if (v && v->empty() && !(a.stub && f.name == "body")) return "missing required field '" + std::string(f.name) + "'";
  }
  for (const std::string* s : {&a.id, &a.title, &a.body, &a.outlet, &a.reporter, &a.section, &a.url, &a.photo_credit})
    if (!valid_utf8(*s)) return "invalid UTF-8 in a text field";
  for (const auto& r : a.related)
    if (!valid_utf8(r.title) || !valid_utf8(r.url)) return "invalid UTF-8 in 'related'";
  if (a.id.size() > 200) return "field 'id' is longer than 200 bytes";
  if (!a.published_at.empty() && !parse_iso8601(a.published_at))
    return "field 'published_at' is not ISO 8601 (e.g. 2024-10-20T09:30:00+09:00): '" + a.published_at + "'";
  return {};
}

std::string derive_title(const std::string& body, size_t max_chars) {
  // The lead sentence: up to the first line break or sentence end.
  size_t end = body.find('\n');
  std::string lead = body.substr(0, end);
  for (std::string_view stop : {". ", "다. ", "? ", "! "}) {
    size_t p = lead.find(stop);
    if (p != std::string::npos) lead = lead.substr(0, p + stop.size() - 1);
  }
  // Cut at a word boundary (space) within max_chars code points.
  size_t chars = 0, i = 0, last_space = std::string::npos;
  while (i < lead.size() && chars < max_chars) {
    unsigned char c = static_cast<unsigned char>(lead[i]);
    if (c == ' ') last_space = i;
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  if (i >= lead.size()) return lead;
  std::string cut = lead.substr(0, last_space == std::string::npos ? i : last_space);
  return cut + "…";
}

std::optional<int64_t> parse_iso8601(const std::string& s) {
  int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1800 || y > 2200) return std::nullopt;
  size_t i = 10;
  int offset_min = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != ' ') return std::nullopt;
    int m = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5) return std::nullopt;
    i += 1 + 5;
    if (i < s.size() && s[i] == ':') {
      if (std::sscanf(s.c_str() + i + 1, "%2d%n", &sec, &m) != 1 || m != 2) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == '.') {  // fractional seconds: ignored
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (i == s.size()) return std::nullopt;  // a time needs an offset: local time is ambiguous
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (std::sscanf(s.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5) return std::nullopt;
      offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
      i += 6;
    } else {
      return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) - offset_min * 60;
}

}  // namespace sosik
