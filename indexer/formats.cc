#include "formats.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "analysis/analyzer.h"
#include "html.h"

namespace sosik {
namespace fs = std::filesystem;

namespace {

std::string lower_ext(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  std::string out(s.substr(b, e - b + 1));
  // Non-breaking and ideographic spaces are common in scraped Korean text.
  for (std::string_view sp : {std::string_view("\xC2\xA0"), std::string_view("\xE3\x80\x80")}) {
    while (out.rfind(sp, 0) == 0) out.erase(0, sp.size());
    while (out.size() >= sp.size() && out.compare(out.size() - sp.size(), sp.size(), sp) == 0) out.resize(out.size() - sp.size());
  }
  return out;
}

// Removes <!-- ... --> comments and [db:...] markers left by the scraper.
std::string drop_artefacts(std::string s) {
  for (size_t p; (p = s.find("<!--")) != std::string::npos;) {
    size_t e = s.find("-->", p);
    s.erase(p, e == std::string::npos ? std::string::npos : e + 3 - p);
  }
  for (size_t p; (p = s.find("[db:")) != std::string::npos;) {
    size_t e = s.find(']', p);
    s.erase(p, e == std::string::npos ? std::string::npos : e + 1 - p);
  }
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "[디지털투데이 황치규 기자]" → outlet, reporter; the rest of the line is body text.
bool parse_byline(std::string& line, Article& a) {
  if (!starts_with(line, "[")) return false;
  size_t close = line.find(']');
  if (close == std::string::npos) return false;
  std::string inner = trim(std::string_view(line).substr(1, close - 1));
  const std::string_view kReporter = "기자";
  if (inner.size() <= kReporter.size() || inner.compare(inner.size() - kReporter.size(), kReporter.size(), kReporter) != 0)
    return false;
  std::string names = trim(std::string_view(inner).substr(0, inner.size() - kReporter.size()));
  size_t sp = names.rfind(' ');
  if (sp == std::string::npos) {
    a.reporter = names;
  } else {
    a.outlet = trim(std::string_view(names).substr(0, sp));
    a.reporter = trim(std::string_view(names).substr(sp + 1));
  }
  line = trim(std::string_view(line).substr(close + 1));
  return true;
}

// "[사진: 셔터스톡]" or "[사진=연합뉴스]" → photo credit.
bool parse_photo_credit(const std::string& line, Article& a) {
  for (std::string_view p : {std::string_view("[사진:"), std::string_view("[사진="), std::string_view("[사진 :")}) {
    if (starts_with(line, p) && line.back() == ']') {
      a.photo_credit = trim(std::string_view(line).substr(p.size(), line.size() - p.size() - 1));
      return true;
    }
  }
  return false;
}

void apply_sidecar(const nlohmann::json& meta, Article& a) {
  auto str = [&](const char* k, std::string& dst) {
    if (auto it = meta.find(k); it != meta.end() && it->is_string()) dst = it->get<std::string>();
  };
  str("id", a.id);
  if (auto it = meta.find("title"); it != meta.end() && it->is_string() && !it->get<std::string>().empty()) {
    a.title = it->get<std::string>();
    a.title_derived = false;
  }
  str("published_at", a.published_at);
  str("outlet", a.outlet);
  str("reporter", a.reporter);
  str("section", a.section);
  str("url", a.url);
  str("photo_credit", a.photo_credit);
  str("lang", a.lang);
}

// A file read with stdio, so read errors (EIO, EISDIR) are seen rather than taken for the end.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "rb")) {
    if (!f_) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  }
  ~InputFile() { std::fclose(f_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Next byte, or EOF at the end; throws on a read error.
  int get() {
    if (pos_ == len_) {
      len_ = std::fread(buf_, 1, sizeof buf_, f_);
      pos_ = 0;
      if (len_ == 0) {
        if (std::ferror(f_)) throw std::runtime_error(path_ + ": read error: " + std::strerror(errno));
        return EOF;
      }
    }
    return static_cast<unsigned char>(buf_[pos_++]);
  }

  // Reads one line (without the newline). Returns false at end of input. When the line passes
  // `max` bytes, the rest is discarded and `too_long` is set.
  bool line(std::string& out, size_t max, bool& too_long) {
    out.clear();
    too_long = false;
    bool any = false;
    for (int c; (c = get()) != EOF;) {
      any = true;
      if (c == '\n') return true;
      if (out.size() < max)
        out.push_back(static_cast<char>(c));
      else
        too_long = true;
    }
    return any;
  }

  std::string all() {
    std::string out;
    for (int c; (c = get()) != EOF;) out.push_back(static_cast<char>(c));
    return out;
  }

 private:
  std::string path_;
  std::FILE* f_;
  char buf_[1 << 16];
  size_t pos_ = 0, len_ = 0;
};

std::string read_all(const std::string& path) { return InputFile(path).all(); }

// A line longer than this is rejected (and skipped without being held in memory): no article
// is that long, and a runaway line must not exhaust the indexer.
constexpr size_t kMaxLineBytes = 8 << 20;

void read_json_lines(const std::string& path, const ArticleSink& on_article, const ErrorSink& on_error) {
  InputFile in(path);
  std::string line;
  bool too_long = false;
  for (size_t line_no = 1; in.line(line, kMaxLineBytes, too_long); ++line_no) {
    if (too_long) {
      on_error({path, line_no, "line longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB"});
      continue;
    }
    if (line_no == 1 && starts_with(line, "\xEF\xBB\xBF")) line.erase(0, 3);
    std::string reason;
    if (auto a = parse_json_line(line, reason))
      on_article(std::move(*a));
    else if (!reason.empty())
      on_error({path, line_no, reason});
  }
}

}  // namespace

std::string RecordError::to_string() const {
  return line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "auto") return Format::Auto;
  if (name == "text" || name == "txt") return Format::Text;
  if (name == "jsonl" || name == "ndjson") return Format::JsonLines;
  if (name == "html") return Format::Html;
  return std::nullopt;
}

Format format_for(const std::string& path, Format requested) {
  if (requested != Format::Auto) return requested;
  std::string e = lower_ext(path);
  if (e == ".jsonl" || e == ".ndjson") return Format::JsonLines;
  if (e == ".html" || e == ".htm" || e == ".xhtml") return Format::Html;
  return Format::Text;
}

bool is_indexable_path(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  if (name.size() > 10 && name.compare(name.size() - 10, 10, ".meta.json") == 0) return false;
  std::string e = lower_ext(path);
  return e == ".txt" || e == ".jsonl" || e == ".ndjson" || e == ".html" || e == ".htm" || e == ".xhtml";
}

std::optional<Article> parse_json_line(std::string_view line, std::string& reason) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (trim(line).empty()) return std::nullopt;
  if (!valid_utf8(line)) {
    reason = "invalid UTF-8";
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) {
    reason = "malformed JSON";
    return std::nullopt;
  }
  ParseError err;
  std::optional<Article> a = article_from_json(j, err);
  if (!a) reason = err.message;
  return a;
}

std::optional<std::string> decode_korean_text(std::string_view bytes, std::string& reason) {
  if (starts_with(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (valid_utf8(bytes)) return std::string(bytes);
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open("windows-949", &status), ucnv_close);
  if (U_FAILURE(status)) {
    reason = "not valid UTF-8 and no CP949 converter";
    return std::nullopt;
  }
  // Stop at the first unmappable byte rather than substituting junk into the index.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::u16string u16(bytes.size() + 1, u'\0');
  status = U_ZERO_ERROR;
  int32_t n = ucnv_toUChars(conv.get(), reinterpret_cast<UChar*>(u16.data()), static_cast<int32_t>(u16.size()),
                            bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) {
    size_t bad = 0;
    int32_t i = 0, len = static_cast<int32_t>(bytes.size());
    while (i < len) {
      int32_t at = i;
      UChar32 c;
      U8_NEXT(bytes.data(), i, len, c);
      if (c < 0) { bad = static_cast<size_t>(at); break; }
    }
    reason = "invalid UTF-8 at byte " + std::to_string(bad) + " and not decodable as CP949/EUC-KR";
    return std::nullopt;
  }
  u16.resize(static_cast<size_t>(n));
  // ICU's windows-949 table maps stray bytes to private-use code points (0xFF → U+F8F7) and C1
  // controls (0x80 → U+0080) instead of failing: such text is not Korean, so it is an error too.
  bool hangul = false;
  for (size_t k = 0; k < u16.size(); ++k) {
    char16_t c = u16[k];
    if ((c >= 0xE000 && c <= 0xF8FF) || (c >= 0x80 && c <= 0x9F)) {
      reason = "invalid UTF-8, and not CP949/EUC-KR either (character " + std::to_string(k) + " decodes to U+" +
               [&] { char b[8]; std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(c)); return std::string(b); }() + ")";
      return std::nullopt;
    }
    hangul = hangul || (c >= 0xAC00 && c <= 0xD7A3);
  }
  if (!hangul) {
    reason = "invalid UTF-8, and as CP949/EUC-KR it holds no Hangul";
    return std::nullopt;
  }
  std::string out;
  icu::UnicodeString(false, reinterpret_cast<const UChar*>(u16.data()), n).toUTF8String(out);
  return out;
}

std::optional<Article> parse_raw_text(std::string_view text, const std::string& id, std::string& reason) {
  Article a;
  a.id = id;
  std::string cleaned = drop_artefacts(std::string(text));
  std::istringstream lines(cleaned);
  std::string raw, body;
  bool first_text_line = true;
  while (std::getline(lines, raw)) {
    std::string line = trim(raw);
    if (line.empty()) continue;
    if (parse_photo_credit(line, a)) continue;
    if (starts_with(line, "ㆍ")) {
      std::string title = trim(std::string_view(line).substr(std::string_view("ㆍ").size()));
      if (!title.empty()) a.related.push_back(RelatedStory{title, ""});
      continue;
    }
    bool byline = parse_byline(line, a);
    if (line.empty()) continue;
    // A short first line that is not a sentence and has no byline is the headline.
    if (first_text_line && !byline && a.title.empty() && line.size() < 240 && line.back() != '.' &&
        lines.peek() != EOF) {
      a.title = line;
      first_text_line = false;
      continue;
    }
    first_text_line = false;
    if (!body.empty()) body += '\n';
    body += line;
  }
  a.body = body;
  if (a.body.empty()) {
    reason = "no body text";
    return std::nullopt;
  }
  if (a.title.empty()) {
    a.title = derive_title(a.body);
    a.title_derived = true;
  }
  return a;
}

void read_file(const std::string& path, Format format, const ArticleSink& on_article, const ErrorSink& on_error) {
  format = format_for(path, format);
  if (format == Format::JsonLines) {
    read_json_lines(path, on_article, on_error);
    return;
  }
  std::string bytes = read_all(path);

  if (format == Format::Html) {  // before decoding: the page's own <meta charset> decides
    // The absolute path, not the stem: saved pages are often all index.html or view.html.
    std::string reason;
    std::optional<Article> a = parse_html(bytes, fs::absolute(path).lexically_normal().string(), reason);
    if (a)
      on_article(std::move(*a));
    else
      on_error({path, 0, reason});
    return;
  }

  std::string reason;
  std::optional<std::string> text = decode_korean_text(bytes, reason);
  if (!text) {
    on_error({path, 0, reason});
    return;
  }
  std::string id = fs::path(path).stem().string();
  std::optional<Article> a = parse_raw_text(*text, id, reason);
  if (!a) {
    on_error({path, 0, reason});
    return;
  }
  fs::path sidecar = fs::path(path).replace_extension(".meta.json");
  if (fs::exists(sidecar)) {
    nlohmann::json meta = nlohmann::json::parse(read_all(sidecar.string()), nullptr, false);
    if (!meta.is_object()) {
      on_error({sidecar.string(), 0, "malformed JSON sidecar"});
      return;
    }
    apply_sidecar(meta, *a);
  }
  if (std::string why = validate(*a); !why.empty()) {
    on_error({path, 0, why});
    return;
  }
  on_article(std::move(*a));
}

}  // namespace sosik
