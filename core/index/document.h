// Article → Xapian::Document, driven by the schema table. The document stores the article's
// JSON (zstd, article.h pack_stored; value slot kStoredSlot), so searchd can return every field
// without a second store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <xapian.h>

#include "../analysis/analyzer.h"
#include "../article.h"
#include "../schema.h"
#include "vocabulary.h"

namespace sosik {

// When `spelling` is given, the article's spelling words are appended to it: its title words
// (each use counting twice) and the body words it uses at least twice, with their uses.
Xapian::Document make_document(const Article& a, const Analyzer& analyzer, SpellingCounts* spelling = nullptr);

// A document's terms and their raw wdf (occurrences times the field's weight).
using TermCounts = std::unordered_map<std::string, Xapian::termcount>;

// Adds `counts` to `doc`, each wdf scaled by BM25's length normalisation of the document whose
// terms they are all (schema.h, LengthNorm): make_document ends with it, and queries rank with
// set_bm25_query (search/query.h). Positions are added apart, with no wdf.
void add_normalised_terms(Xapian::Document& doc, const TermCounts& counts, const LengthNorm& norm = kLengthNorm);

// A boolean term: prefix + value, the value hashed when the term would pass Xapian's length
// limit (245 bytes), so long URLs still work as keys.
std::string boolean_term(std::string_view prefix, std::string_view value);

// The key that joins a linked story to its full article: the normalised words of the title,
// without spaces or punctuation (so '세기의 AI 동맹' and '세기의 “AI” 동맹' meet).
std::string title_key(const Analyzer& analyzer, std::string_view title);

// Stable id of a stub: from its URL when known, else from its title key.
std::string stub_id(const Analyzer& analyzer, const RelatedStory& story);

// The terms that identify a story in the link graph: its URL (when known), then its normalised
// title. A full article carries them as they are; a stub carries them as stub_key(term), so
// looking for a stub to take over never scans the postings of every article with that title.
std::vector<std::string> link_keys(const Analyzer& analyzer, std::string_view title, std::string_view url);
std::string stub_key(const std::string& key);

// The order key of a document (value slot kOrderSlot): sorted descending, newest first, then by
// id ascending (its bytes inverted), undated last. Unique, since ids are.
std::string order_key(std::optional<int64_t> published_at, std::string_view id);

// FNV-1a 64-bit, as 16 hex digits: stable across runs and machines (std::hash is not).
std::string stable_hash(std::string_view s);
// Which of `buckets` an id belongs to, by stable_hash: the same on every run and machine.
size_t stable_bucket(std::string_view id, size_t buckets);

}  // namespace sosik
