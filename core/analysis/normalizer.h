// Text normalisation: Unicode NFKC with case folding (ICU), and Hangul jamo left standing alone
// mapped to the compatibility block (what a Korean keyboard types: ㅁ, not U+1106).
#pragma once

#include <string>
#include <string_view>

namespace sosik {

class KoreanNormalizer {
 public:
  KoreanNormalizer();
  // Normalises one piece of text (a word or a script run of one). Thread-safe.
  std::string normalize(std::string_view utf8) const;

 private:
  const void* nfkc_cf_;  // icu::Normalizer2*, owned by ICU
};

// True for code points that separate words although ICU's word rules join across them:
// middle dots used as list separators in Korean headlines (ㆍ U+318D, · U+00B7, ‧ U+2027, ・ U+30FB),
// and '_', which joins the words of wiki titles and file names (삼성_갤럭시_S7_엣지).
bool is_word_separator(char32_t c);

bool is_hangul(char32_t c);             // syllables and jamo
bool is_hangul_syllable(char32_t c);    // U+AC00..U+D7A3

// ASCII white space (space, \t, \n, \r, \f, \v): what separates words as typed.
inline bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// `s` with ASCII letters lower-cased and every other byte as it is, so offsets into the result
// are offsets into `s` (the query's words are case-folded; text is searched for them as written).
std::string ascii_lower(std::string_view s);

}  // namespace sosik
