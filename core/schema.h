// The index schema, declared once. The indexer, the query builder, facets and the JSON Schema
// test all read this table, so a field's prefix, value slot and weight cannot disagree between them.
//
// Term prefixes follow Omega's conventions (https://xapian.org/docs/omega/termprefixes.html):
// Q unique id, S title, A author, U url, L language, X... custom. Unprefixed terms are the
// free-text words of every text field, so a plain query searches everything.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <xapian.h>

namespace sosik {

// Bumped when the way documents are written changes; searchd refuses other versions.
inline constexpr std::string_view kSchemaVersion = "11";  // 11: stored articles in a value slot (kStoredSlot)
inline constexpr std::string_view kSchemaVersionKey = "sosik.schema_version";
// The analyser's noun list (KoreanStemmer::nouns_fingerprint) an index was written with: another
// list stems other words, and searchd refuses the index as it does another schema version.
inline constexpr std::string_view kNounsKey = "sosik.korean_nouns";

enum class FieldKind {
  Text,     // analysed into words (unprefixed + field prefix) and syllable bigrams
  Keyword,  // one exact boolean term (prefix + normalised value); filterable, facetable
  Date,     // ISO 8601; sortable value slot + month term
  Stored,   // kept in the stored article only (kStoredSlot)
  Links,    // array of related stories; boolean terms joining the link graph
};

struct FieldSpec {
  std::string_view name;    // JSON field name (schemas/article.schema.json)
  FieldKind kind;
  std::string_view prefix;  // Xapian term prefix; empty = no field terms
  std::optional<Xapian::valueno> slot;  // value slot for sorting/facets
  unsigned weight;          // wdf added per occurrence of a word (Text fields); 0 otherwise
  bool required;            // an article without it is rejected
};

// Weights: title words count three times a body word, lead-paragraph words twice (news puts the
// subject in the headline and first paragraph). bench/relevance, KorQuAD MRR@10 / news-keywords
// (whose headlines are not indexed) for title/lead: 3/2 .9662/.9733; 1/1 .9640/.9729;
// 2/2 .9655; 4/2 .9666/.9733; 6/2 .9665; 3/1 .9655/.9729; 3/3 .9641/.9633.
inline constexpr std::array kFields = {
    FieldSpec{"id", FieldKind::Keyword, "Q", std::nullopt, 0, true},
    FieldSpec{"title", FieldKind::Text, "S", std::nullopt, 3, false},
    FieldSpec{"body", FieldKind::Text, "", std::nullopt, 1, true},  // unprefixed words only
    FieldSpec{"published_at", FieldKind::Date, "XM", Xapian::valueno{0}, 0, false},
    FieldSpec{"outlet", FieldKind::Keyword, "XO", Xapian::valueno{1}, 0, false},
    FieldSpec{"reporter", FieldKind::Keyword, "A", Xapian::valueno{2}, 0, false},
    FieldSpec{"section", FieldKind::Keyword, "XS", Xapian::valueno{3}, 0, false},
    FieldSpec{"url", FieldKind::Keyword, "U", std::nullopt, 0, false},
    FieldSpec{"photo_credit", FieldKind::Stored, "", std::nullopt, 0, false},
    FieldSpec{"related", FieldKind::Links, "XR", std::nullopt, 0, false},
    FieldSpec{"lang", FieldKind::Keyword, "L", std::nullopt, 0, false},
};

// Terms that are not a field of the article but of the index.
inline constexpr std::string_view kBigramPrefix = "XB";   // Hangul syllable bigrams (spacing, compounds)
inline constexpr std::string_view kExactPrefix = "XE";    // words exactly as written (unused by default)
inline constexpr std::string_view kLinkedFromPrefix = "XL";  // on a stub/article: who links to it
inline constexpr std::string_view kKindPrefix = "XK";     // XKarticle or XKstub
inline constexpr std::string_view kTitleKeyPrefix = "XN"; // normalised title, joins stubs to articles
// Keys of Xapian's synonym table used as the completion vocabulary (title words and words an
// article repeats): "J" + jamo spelling, "C" + initial consonants → the word.
inline constexpr std::string_view kJamoKey = "J";
inline constexpr std::string_view kChoseongKey = "C";
inline constexpr std::string_view kStubKeyPrefix = "XZ";  // a stub's URL or title key (XZU…, XZXN…)

// Value slot holding the publication month as "YYYY-MM" (the month facet).
inline constexpr Xapian::valueno kMonthSlot = 4;
// Value slot holding each document's order key (document.h, order_key): publication time, then
// external id. Results are sorted by it after relevance, and by it alone by date, so hits of equal
// score come in the same order from one database and from any layout of shards (Xapian itself
// would order them by docid, which sharding renumbers).
inline constexpr Xapian::valueno kOrderSlot = 5;
// Value slot holding the stored article (article.h pack_stored: its JSON as one zstd frame), in
// place of the document data. Xapian deflates every document-data tag longer than 4 bytes, even
// a zstd frame zlib cannot shrink, and again when compacting: writing 102K stored articles took
// 8.5 s as data and 2.1 s as values, and the bulk indexer's final merge at 100K articles 27 s and
// 11.9 s. Value chunks are never compressed; a random read costs the same (9-11 us either way).
inline constexpr Xapian::valueno kStoredSlot = 6;
inline std::string stored_article(const Xapian::Document& doc) { return doc.get_value(kStoredSlot); }
// Database metadata: Unix time of the last commit (searchd's index age).
inline constexpr std::string_view kCommittedAtKey = "sosik.committed_at";

// Fields a search can be filtered and faceted on, besides the month.
inline constexpr std::array<std::string_view, 3> kFilterFields = {"outlet", "reporter", "section"};

// Weight of the lead paragraph's words (between title and body).
inline constexpr unsigned kLeadWeight = 2;
// Gap between fields' positions so a phrase never spans title and body.
inline constexpr Xapian::termpos kFieldPositionGap = 100;

// BM25's document-length normalisation, written into each term's wdf when the document is made
// (document.cc, add_normalised_terms): wdf × scale / L with L = (1 − b) + b × max(length /
// reference_length, min_norm), length being the document's raw length (the sum of its wdf).
// Queries then rank with BM25 without normalisation (b = 0, k1 × scale: the same weights), so
// Xapian never looks a matching document's length up: that lookup (a linear scan of a chunk of
// the length list per document) was 70–85% of a keyword query at 100K articles. A fixed
// reference length stands for the index's average one, which Xapian would read at query time:
// KorQuAD paragraphs average 800 terms (words, stems, bigrams), news articles 1,250–1,400.
// Lucene also computes its length norms at index time. Changing any of these needs a re-index.
struct LengthNorm {
  double b = 0.5;  // BM25's b, at Xapian's default (bench/relevance: b 0 costs KorQuAD MRR .0020, news-keywords .020)
  double reference_length = 1000;
  double min_norm = 0.5;  // as Xapian's BM25Weight min_normlen: very short documents (stubs) count as half as long
  double wdf_scale = 32;  // resolution of the stored wdf: rounding moves a weight by under 1%
};
inline constexpr LengthNorm kLengthNorm{};

const FieldSpec& field(std::string_view name);  // throws std::out_of_range for unknown names

// A configuration file of schemas/ (aliases.json, korean_nouns.txt): the path in the environment
// variable `env` when set, else the source tree's schemas/`name`.
std::string schemas_file(const char* env, std::string_view name);

}  // namespace sosik
