// Snippets: the passage of a text with the most distinct query words, cut at word boundaries
// (never inside a Hangul syllable), HTML-escaped, matched words wrapped in <mark>.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "../analysis/analyzer.h"

namespace sosik {

struct SnippetOptions {
  size_t max_chars = 160;  // characters (code points), not bytes
};

std::string make_snippet(std::string_view text, const Analyzer& analyzer, const std::set<std::string>& terms,
                         const std::set<std::string>& bigrams, SnippetOptions options = {});

std::string html_escape(std::string_view s);

// Percent-encodes a URL query value or path segment: everything but RFC 3986's unreserved
// characters (A-Z a-z 0-9 - _ . ~).
std::string percent_encode(std::string_view s);

}  // namespace sosik
