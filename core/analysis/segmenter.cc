#include "segmenter.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "normalizer.h"

namespace sosik {
namespace {

icu::BreakIterator& word_iterator() {
  // Creating an iterator loads rule data (~tens of µs); one per thread is reused.
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(
        icu::BreakIterator::createWordInstance(icu::Locale("ko"), status));
    if (U_FAILURE(status))
      throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
    return bi;
  }();
  return *it;
}

enum class Cls { Script, Separator, Joiner };

// Classifies a code point inside an ICU word: a script run member, a separator that ends the
// word, or a joiner (marks, apostrophes, '.') that stays with the run it is in.
Cls classify(char32_t c, Script& script) {
  if (is_word_separator(c)) return Cls::Separator;
  if (is_hangul(c)) { script = Script::Hangul; return Cls::Script; }
  if (u_isdigit(static_cast<UChar32>(c))) { script = Script::Digit; return Cls::Script; }
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(static_cast<UChar32>(c), &status);
  if (sc == USCRIPT_HAN) { script = Script::Han; return Cls::Script; }
  if (u_isalpha(static_cast<UChar32>(c))) { script = Script::Alpha; return Cls::Script; }
  return Cls::Joiner;
}

bool only_space(std::string_view text, uint32_t from, uint32_t to) {
  int32_t i = static_cast<int32_t>(from);
  while (i < static_cast<int32_t>(to)) {
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(to), c);
    if (!u_isUWhiteSpace(c)) return false;
  }
  return true;
}

bool alnum(Script s) { return s == Script::Alpha || s == Script::Digit; }

// Adds text[from, to), of script `s`, to a word's pieces: the last piece grows when its script is
// the same.
void add_piece(std::vector<Piece>& pieces, size_t from, size_t to, Script s) {
  if (!pieces.empty() && pieces.back().script == s)
    pieces.back().end = static_cast<uint32_t>(to);
  else
    pieces.push_back(Piece{static_cast<uint32_t>(from), static_cast<uint32_t>(to), s});
}

// Splits one ICU word [from, to) into words at separators and pieces at script changes.
void split_word(std::string_view text, uint32_t from, uint32_t to, std::vector<SegmentedWord>& out) {
  SegmentedWord cur{from, from, {}, false};
  auto flush = [&](uint32_t at) {
    if (!cur.pieces.empty()) {
      cur.end = cur.pieces.back().end;
      out.push_back(std::move(cur));
    }
    cur = SegmentedWord{at, at, {}, false};
  };
  int32_t i = static_cast<int32_t>(from);
  while (i < static_cast<int32_t>(to)) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(to), c);
    if (c < 0) continue;  // invalid UTF-8 is rejected before analysis; never index it
    Script s{};
    switch (classify(static_cast<char32_t>(c), s)) {
      case Cls::Separator:
        flush(static_cast<uint32_t>(i));
        break;
      case Cls::Joiner:
        if (!cur.pieces.empty()) cur.pieces.back().end = static_cast<uint32_t>(i);
        break;
      case Cls::Script:
        if (cur.pieces.empty()) cur.start = static_cast<uint32_t>(at);
        add_piece(cur.pieces, static_cast<size_t>(at), static_cast<size_t>(i), s);
        break;
    }
  }
  flush(to);
}

}  // namespace

namespace {

// Words of text[from, to) by ICU's word boundaries, split into script runs (offsets into `text`).
void icu_words(std::string_view text, size_t from, size_t to, std::vector<SegmentedWord>& words) {
  // Mostly the spaces between two words: no word, and no need to set ICU up for them.
  if (std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from), text.begin() + static_cast<std::ptrdiff_t>(to), is_ascii_space)) return;
  UErrorCode status = U_ZERO_ERROR;
  // UText over UTF-8: the iterator's boundaries are byte offsets into the range.
  UText* ut = utext_openUTF8(nullptr, text.data() + from, static_cast<int64_t>(to - from), &status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU utext_openUTF8 failed");
  icu::BreakIterator& bi = word_iterator();
  bi.setText(ut, status);
  int32_t start = bi.first();
  for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
    if (bi.getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces and punctuation
    split_word(text, static_cast<uint32_t>(from + start), static_cast<uint32_t>(from + end), words);
  }
  bi.setText(icu::UnicodeString());  // drop the reference to `ut` before closing it
  utext_close(ut);
}

// The end of the run of Hangul syllables that starts at text[i].
size_t syllables_end(std::string_view text, size_t i) {
  int32_t at = static_cast<int32_t>(i), n = static_cast<int32_t>(text.size());
  while (at < n) {
    int32_t next = at;
    UChar32 c;
    U8_NEXT(text.data(), next, n, c);
    if (c < 0 || !is_hangul_syllable(static_cast<char32_t>(c))) break;
    at = next;
  }
  return static_cast<size_t>(at);
}

// ASCII letters and digits, as split_word classifies them.
std::optional<Script> ascii_alnum(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Script::Alpha;
  if (c >= '0' && c <= '9') return Script::Digit;
  return std::nullopt;
}

// The script runs of the word of Hangul syllables and ASCII letters and digits that starts at
// text[i] (UAX #29 breaks nowhere between them: WB5, WB8-WB10), added to `pieces` (add_piece); returns
// its end.
size_t plain_word_end(std::string_view text, size_t i, std::vector<Piece>& pieces) {
  while (i < text.size()) {
    if (auto s = ascii_alnum(text[i])) {
      add_piece(pieces, i, i + 1, *s);
      ++i;
      continue;
    }
    size_t e = syllables_end(text, i);
    if (e == i) break;
    add_piece(pieces, i, e, Script::Hangul);
    i = e;
  }
  return i;
}

// Punctuation that UAX #29 never joins to a word when white space or the end of the text
// follows (or, before a word, precedes) it: the commonest around Korean words in news text.
// '.', ':' and '\'' join only letters on both sides (WB6/WB7), which the white space rules out.
size_t punctuation_at(std::string_view text, size_t i, bool opening) {
  static constexpr std::string_view kOpening[] = {"(", "[", "\"", "'", "\u201C", "\u2018"};
  static constexpr std::string_view kClosing[] = {".", ",", "!", "?", ")", "]", "\"", "'", ":", ";", "\u201D", "\u2019"};
  auto match = [&](const auto& list) -> size_t {
    for (std::string_view p : list)
      if (text.substr(i, p.size()) == p) return p.size();
    return 0;
  };
  return opening ? match(kOpening) : match(kClosing);
}

}  // namespace

std::vector<SegmentedWord> KoreanSegmenter::segment(std::string_view text) const {
  std::vector<SegmentedWord> words;
  if (text.empty()) return words;
  // Most Korean words are syllables between spaces, and ICU's rules (UAX #29: Hangul syllables
  // are ALetter; a break on both sides of white space) make each of them one word: those are
  // taken as they are, and ICU reads only the text between them, which was most of the cost of
  // analysing a snippet's passage. So are syllables between quotes or brackets, or before a
  // comma or a full stop (했다., “삼성은”), and with ASCII letters and digits (2016년, 오픈AI),
  // split into script runs as split_word splits ICU's word. segment_by_rules is the reference
  // (tests compare the two).
  size_t icu_from = 0, i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    size_t k = i;
    while (size_t n = punctuation_at(text, k, true)) k += n;
    std::vector<Piece> pieces;
    size_t j = plain_word_end(text, k, pieces), e = j;
    while (size_t n = punctuation_at(text, e, false)) e += n;
    if (j > k && (e == text.size() || is_ascii_space(text[e]))) {
      icu_words(text, icu_from, i, words);
      words.push_back(SegmentedWord{static_cast<uint32_t>(k), static_cast<uint32_t>(j), std::move(pieces), false});
      icu_from = e;
      j = e;
    }
    while (j < text.size() && !is_ascii_space(text[j])) ++j;
    i = j;
  }
  icu_words(text, icu_from, text.size(), words);
  return join_runs(text, std::move(words));
}

std::vector<SegmentedWord> KoreanSegmenter::segment_by_rules(std::string_view text) const {
  std::vector<SegmentedWord> words;
  if (text.empty()) return words;
  icu_words(text, 0, text.size(), words);
  return join_runs(text, std::move(words));
}

std::vector<SegmentedWord> KoreanSegmenter::join_runs(std::string_view text, std::vector<SegmentedWord> words) {
  // ICU breaks between scripts (오픈|AI|를): runs that touch form one word. Alphanumerics also
  // join across a single hyphen (MAI-1, COVID-19, K-pop): one word, two parts.
  std::vector<SegmentedWord> joined;
  joined.reserve(words.size());
  for (auto& w : words) {
    if (!joined.empty()) {
      auto& prev = joined.back();
      bool touching = w.start == prev.end;
      bool hyphenated = w.start == prev.end + 1 && text[prev.end] == '-' && alnum(prev.pieces.back().script) &&
                        alnum(w.pieces.front().script);
      if (touching || hyphenated) {
        prev.pieces.insert(prev.pieces.end(), w.pieces.begin(), w.pieces.end());
        prev.end = w.end;
        continue;
      }
      w.spaced_from_previous = only_space(text, prev.end, w.start);
    }
    joined.push_back(std::move(w));
  }
  return joined;
}

}  // namespace sosik
