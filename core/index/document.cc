#include "document.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <ctime>

#include <nlohmann/json.hpp>

#include "../analysis/hangul.h"
#include "../schema.h"

namespace sosik {
namespace {

// Words longer than this are junk (URLs run together, base64), not worth a term.
constexpr size_t kMaxTermBytes = 120;
// Xapian's glass backend rejects terms over 245 bytes; boolean keys longer than this are hashed.
constexpr size_t kMaxKeyBytes = 240;

// A word worth suggesting as a correction: two syllables or three letters, not a number.
bool spelling_worthy(const std::string& term) {
  if (term.size() < 3) return false;
  unsigned char c = static_cast<unsigned char>(term[0]);
  return !(c >= '0' && c <= '9');
}

// True when the Word token at `i` has a Stem of the whole word (마이크로소프트와 → 마이크로소프트).
// Such a word is indexed as written without positions: phrases and proximity are matched on its
// stems (query.cc, WordForms::positional), which an article holds at the same position. Its
// positions were a third of an article's.
bool has_whole_stem(const Tokens& tokens, size_t i) {
  const Token& w = tokens[i];
  for (size_t j = i + 1; j < tokens.size() && (tokens[j].word == w.word || tokens[j].type == TokenType::Bigram); ++j)
    if (is_whole_word_form(w, tokens[j])) return true;
  return false;
}

// What make_document gathers of a term across fields: its raw wdf (occurrences times the
// field's weight) and, for a word worth suggesting, how often it counts towards the spelling
// vocabulary (once a use; a title word twice). One map for both: the spelling words were a
// vector of every use, sorted per article on the writer's thread (3% of indexing CPU).
struct Tally {
  Xapian::termcount wdf = 0;
  Xapian::termcount spelling = 0;
};
using Tallies = std::unordered_map<std::string, Tally>;

// Adds a text field's tokens: words unprefixed (weighted) and under the field prefix, bigrams
// under XB. Positions go to the document, wdf and spelling uses to `tallies`.
// Returns the next free position so the next field starts after a gap.
Xapian::termpos index_text(Xapian::Document& doc, Tallies& tallies, const Analyzer& analyzer, std::string_view text,
                           const FieldSpec& f, Xapian::termpos first, size_t lead_end) {
  Tokens tokens = analyzer.analyze(text, first);
  Xapian::termpos last = first;
  const Xapian::termcount spelling_uses = f.name == "title" ? 2 : 1;  // a title word is always kept
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.term.size() > kMaxTermBytes) continue;
    Xapian::termcount wdf = t.start < lead_end ? kLeadWeight : f.weight;
    last = std::max(last, t.position);
    if (t.type == TokenType::Bigram) {
      // No positions (as Xapian's own CJK n-grams): they were 40% of the index and a quarter of
      // the indexing time, for phrases that a bigram AND matches nearly as well (see query.cc).
      tallies[std::string(kBigramPrefix) + t.term].wdf += wdf;
      continue;
    }
    Tally& tally = tallies[t.term];
    tally.wdf += wdf;
    if (t.type != TokenType::Part && spelling_worthy(t.term)) tally.spelling += spelling_uses;
    if (!f.prefix.empty()) tallies[std::string(f.prefix) + t.term].wdf += 1;
    if (t.type == TokenType::Word && has_whole_stem(tokens, i)) continue;
    doc.add_posting(t.term, t.position, 0);
    if (!f.prefix.empty()) doc.add_posting(std::string(f.prefix) + t.term, t.position, 0);
  }
  return last + kFieldPositionGap;
}

// Adds each term's wdf scaled by BM25's length normalisation (add_normalised_terms).
template <class Map, class WdfOf>
void add_normalised(Xapian::Document& doc, const Map& terms, WdfOf wdf_of, const LengthNorm& norm) {
  Xapian::termcount length = 0;
  for (const auto& [term, v] : terms) length += wdf_of(v);
  const double l = (1 - norm.b) + norm.b * std::max(length / norm.reference_length, norm.min_norm);
  const double scale = norm.wdf_scale / l;
  for (const auto& [term, v] : terms)
    if (Xapian::termcount wdf = wdf_of(v); wdf > 0)
      doc.add_term(term, std::max<Xapian::termcount>(1, static_cast<Xapian::termcount>(std::lround(wdf * scale))));
}

// "YYYY-MM" of a Unix time, in Korea Standard Time (UTC+9, no DST): news dates are Korean dates.
std::string month_of(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds + 9 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  return buf;
}

}  // namespace

void add_normalised_terms(Xapian::Document& doc, const TermCounts& counts, const LengthNorm& norm) {
  add_normalised(doc, counts, [](Xapian::termcount wdf) { return wdf; }, norm);
}

std::string stable_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

size_t stable_bucket(std::string_view id, size_t buckets) {
  return static_cast<size_t>(std::stoull(stable_hash(id), nullptr, 16) % buckets);
}

std::string boolean_term(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  if (prefix.size() + value.size() > kMaxKeyBytes) {
    term += "#";
    term += stable_hash(value);
  } else {
    term += value;
  }
  return term;
}

std::string title_key(const Analyzer& analyzer, std::string_view title) {
  // Words only: stems would be thrown away (a title and each of its linked stories' were a
  // sixtieth of the indexer's CPU).
  static const std::function<bool(std::string_view)> no_stems = [](std::string_view) { return false; };
  std::string key;
  for (const Token& t : analyzer.analyze(title, 1, no_stems))
    if (t.type == TokenType::Word) key += t.term;
  return key;
}

std::string stub_id(const Analyzer& analyzer, const RelatedStory& story) {
  return "stub-" + stable_hash(story.url.empty() ? title_key(analyzer, story.title) : story.url);
}

std::vector<std::string> link_keys(const Analyzer& analyzer, std::string_view title, std::string_view url) {
  std::vector<std::string> keys;
  if (!url.empty()) keys.push_back(boolean_term(field("url").prefix, url));
  std::string key = title_key(analyzer, title);
  if (!key.empty()) keys.push_back(boolean_term(kTitleKeyPrefix, key));
  return keys;
}

std::string stub_key(const std::string& key) { return std::string(kStubKeyPrefix) + key; }

std::string order_key(std::optional<int64_t> published_at, std::string_view id) {
  std::string key(1, published_at ? '\x01' : '\0');
  if (published_at) key += Xapian::sortable_serialise(static_cast<double>(*published_at));
  // Inverted bytes and a 0xFF end: descending order of the key is ascending order of the id
  // (a shorter id that is a prefix of another comes first).
  for (unsigned char c : id) key += static_cast<char>(0xFF - c);
  key += '\xFF';
  return key;
}

Xapian::Document make_document(const Article& a, const Analyzer& analyzer, SpellingCounts* spelling) {
  Xapian::Document doc;
  doc.add_value(kStoredSlot, pack_stored(to_json(a).dump()));
  doc.add_boolean_term(boolean_term(field("id").prefix, a.id));
  doc.add_boolean_term(std::string(kKindPrefix) + (a.stub ? "stub" : "article"));

  for (const std::string& key : link_keys(analyzer, a.title, a.url)) doc.add_boolean_term(a.stub ? stub_key(key) : key);
  Tallies tallies;
  Xapian::termpos pos = 1;
  if (!a.title.empty()) {
    pos = index_text(doc, tallies, analyzer, a.title, field("title"), pos, 0);
  }
  if (!a.body.empty()) {
    // The lead paragraph weighs more than the rest of the body (schema.h, kLeadWeight).
    size_t lead_end = a.body.find('\n');
    if (lead_end == std::string::npos) lead_end = std::min<size_t>(a.body.size(), 600);
    pos = index_text(doc, tallies, analyzer, a.body, field("body"), pos, lead_end);
  }
  // Once every field is in: the length is theirs together.
  add_normalised(doc, tallies, [](const Tally& t) { return t.wdf; }, kLengthNorm);
  if (spelling)
    for (const auto& [term, t] : tallies)
      if (t.spelling >= 2) spelling->emplace_back(term, t.spelling);

  for (const auto& f : kFields) {
    if (f.kind != FieldKind::Keyword || f.name == "id" || f.name == "url") continue;  // url: a link key
    const std::string& v = f.name == "outlet" ? a.outlet : f.name == "reporter" ? a.reporter
                         : f.name == "section" ? a.section : f.name == "url" ? a.url : a.lang;
    if (v.empty()) continue;
    doc.add_boolean_term(boolean_term(f.prefix, f.name == "url" ? v : analyzer.normalize(v)));
    if (f.slot) doc.add_value(*f.slot, v);
  }
  auto published = a.published_at.empty() ? std::nullopt : parse_iso8601(a.published_at);
  doc.add_value(kOrderSlot, order_key(published, a.id));
  if (auto t = published) {
    const FieldSpec& f = field("published_at");
    doc.add_value(*f.slot, Xapian::sortable_serialise(static_cast<double>(*t)));
    std::string month = month_of(*t);
    doc.add_value(kMonthSlot, month);
    doc.add_boolean_term(std::string(f.prefix) + month);
  }
  // The link graph lives on the linking side only: XR + every key of each related story, so
  // the story's article or stub finds its inlinks by any of its keys (searcher.cc, article()).
  for (const auto& r : a.related)
    for (const std::string& key : link_keys(analyzer, r.title, r.url)) doc.add_boolean_term(std::string(field("related").prefix) + key);
  return doc;
}

}  // namespace sosik
