// HTML input: one saved web page is one article. Parsed with gumbo (a real HTML5 parser), so
// broken markup, entities and stray scripts are handled as a browser would handle them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "article.h"

namespace sosik {

// Turns one HTML page into an article: title (og:title, <title>, first <h1>), the main text
// (<article>, itemprop=articleBody, role=main, <main>, else <body>; navigation, scripts and other
// page furniture dropped) as '\n'-separated paragraphs, and metadata from <meta>/<link>/<time>.
// Legacy Korean charsets (EUC-KR/CP949, declared or detected) are converted to UTF-8 first.
// The id is the canonical URL when the page names one, else `fallback_id`.
// Returns an article that passes validate(), or nullopt with `reason` (e.g. an undecodable
// byte's offset, or "no body text in HTML").
std::optional<Article> parse_html(std::string_view bytes, const std::string& fallback_id, std::string& reason);

// The charset a page declares in its first bytes (<meta charset>, http-equiv Content-Type, or the
// XML declaration), lower-cased; empty when none.
std::string declared_charset(std::string_view bytes);

}  // namespace sosik
