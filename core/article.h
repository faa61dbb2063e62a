// The Article: what the indexer ingests and searchd returns. Its JSON form follows
// schemas/article.schema.json; field names come from the schema table (schema.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sosik {

struct RelatedStory {
  std::string title;
  std::string url;  // may be empty: scraped headlines often have none
};

struct Article {
  std::string id;            // stable external id
  std::string title;
  bool title_derived = false;  // no title in the source: the lead sentence, cut at a word boundary
  std::string body;          // paragraphs separated by '\n'
  std::string published_at;  // ISO 8601 with offset, or empty
  std::string outlet;
  std::string reporter;
  std::string section;
  std::string url;
  std::string photo_credit;
  std::string lang = "ko";
  std::vector<RelatedStory> related;
  bool stub = false;  // a linked story known only by its headline
};

nlohmann::json to_json(const Article& a);

// A stored article (schema.h, kStoredSlot): the article's JSON (to_json(a).dump()) as one zstd
// frame. Xapian would deflate plain JSON as document data and inflate it on every read, 21 us
// for a 2.8 KB article, which made stored reads a third of a keyword query's time with ten hits;
// zstd decodes it in 10 us. (Scale corpus: 0.56 of the JSON's size, zlib 0.53.)
std::string pack_stored(std::string_view json);
// The JSON of a stored article. Throws std::runtime_error when `data` is no zstd frame.
std::string unpack_stored(std::string_view data);
// The article in a stored article's bytes, read with simdjson, 5x faster than nlohmann::json's parser
// on stored articles (3.2 KB on average, mostly body: 4 vs 22 us). Throws std::runtime_error
// when `data` does not hold a JSON object.
nlohmann::json parse_stored(std::string_view data);
// Its title and body alone, without building the rest: questions re-rank more hits than a
// page holds, and below the page only these are needed. Empty when there is none.
struct StoredText {
  std::string title, body;
};
StoredText stored_text(std::string_view data);

// An expected failure (bad input) is a value, not an exception: callers report it and go on.
struct ParseError {
  std::string message;
};

// Reads and validates one article object; the message names the offending field.
std::optional<Article> article_from_json(const nlohmann::json& j, ParseError& error);

// Checks what every ingested article must satisfy (required fields, valid UTF-8, date format).
// Returns an empty string when valid, else the reason.
std::string validate(const Article& a);

// Derives a title from the body's lead sentence: at most `max_chars` characters, cut at a word
// boundary, so a derived title never ends inside a word or syllable.
std::string derive_title(const std::string& body, size_t max_chars = 60);

// Parses ISO 8601 with an offset (2024-10-20T09:30:00+09:00, or a date alone) into Unix seconds.
std::optional<int64_t> parse_iso8601(const std::string& s);

}  // namespace sosik
