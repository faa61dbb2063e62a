// The baseline analyzer, after Lucene's CJKAnalyzer: NFKC + lower case; runs of CJK characters
// (Han, Hiragana, Katakana, Hangul) become overlapping two-character bigrams (a lone character
// stays a unigram); other letters and digits become whole words. No dictionary, no stemming:
// the standard "knows nothing about Korean" baseline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bench {

// Terms of `utf8` in text order (duplicates kept: they are term frequencies).
std::vector<std::string> cjk_bigram_terms(std::string_view utf8);

}  // namespace bench
