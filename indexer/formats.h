// Input formats the indexer reads. Each reader turns a file into articles and per-record errors
// (expected failures are values with the file and line, never exceptions); I/O errors throw.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "article.h"

namespace sosik {

enum class Format { Auto, Text, JsonLines, Html };

std::optional<Format> parse_format(std::string_view name);   // "auto", "text", "jsonl", "html"
Format format_for(const std::string& path, Format requested);  // Auto → by extension
bool is_indexable_path(const std::string& path);               // extensions the indexer reads in directories

struct RecordError {
  std::string file;
  size_t line = 0;  // 0 when the error is about the whole file
  std::string reason;
  std::string to_string() const;  // "FILE:LINE: reason"
};

using ArticleSink = std::function<void(Article&&)>;
using ErrorSink = std::function<void(RecordError&&)>;

// Decodes bytes to UTF-8: UTF-8 as is (BOM dropped), else CP949/EUC-KR via ICU. Returns nullopt
// and sets `reason` (with the byte offset) when neither decodes cleanly.
std::optional<std::string> decode_korean_text(std::string_view bytes, std::string& reason);

// The seed's raw scraped format (see corpus/README.md). `id` is used when no sidecar gives one.
std::optional<Article> parse_raw_text(std::string_view text, const std::string& id, std::string& reason);

// One JSON Lines record (the line without its '\n'; a trailing '\r' is ignored): the article, or
// nullopt with `reason`. A blank line gives nullopt with an empty reason. Shared by the indexer
// and searchd's POST /api/articles.
std::optional<Article> parse_json_line(std::string_view line, std::string& reason);

// Reads one file in its format; a NAME.meta.json beside a raw text file supplies its metadata.
void read_file(const std::string& path, Format format, const ArticleSink& on_article, const ErrorSink& on_error);

}  // namespace sosik
