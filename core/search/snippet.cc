#include "snippet.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <optional>
#include <vector>

#include <unicode/utf8.h>

#include "../analysis/hangul.h"
#include "../analysis/normalizer.h"

namespace sosik {
namespace {

size_t code_points(std::string_view s, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  return n;
}

// The jamo of the first syllable of `s`, if it starts with a syllable.
std::optional<SyllableJamo> onset(std::string_view s) {
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(s.data(), i, static_cast<int32_t>(s.size()), c);
  return c < 0 ? std::nullopt : decompose(static_cast<char32_t>(c));
}

struct Range {
  size_t start, end;  // bytes, at word boundaries
};

// Where query words or bigrams may match: the part of the text to analyse, and within it the
// offsets where a query word's first syllables, a bigram, or an ASCII word occur as written.
// `every_word`: a query word would need NFKC to be found as written; every word is analysed.
struct Candidates {
  Range range;
  std::vector<size_t> hits;  // sorted
  bool every_word = false;
};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Up to 7 bytes of `s` from `at`, as one integer with their count: 0 matches no other key.
uint64_t syllable_key(std::string_view s, size_t at, size_t n) {
  uint64_t key = n;
  for (size_t i = 0; i < n; ++i) key = key << 8 | static_cast<unsigned char>(s[at + i]);
  return key;
}

// Hangul syllables (U+AC00-U+D7A3), and which one the three UTF-8 bytes at `at` are (kHangulSyllables
// or more when they are none: their lead byte is 0xEA-0xED).
constexpr size_t kHangulSyllables = 0xD7A4 - 0xAC00;
size_t syllable_index(std::string_view s, size_t at) {
  const auto b = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(s[at + i])); };
  if (b(0) < 0xEA || b(0) > 0xED) return kHangulSyllables;
  const size_t c = (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
  return c >= 0xAC00 ? c - 0xAC00 : kHangulSyllables;
}

// The part of `text` worth analysing for a snippet. Each place where a query word (its first
// two syllables) or bigram occurs as written is scored by the distinct ones that follow it
// within a window; the best place, with room for any window that starts there (40 characters
// before it, 160 after), widened to whitespace. Nothing found: the beginning (the snippet when
// nothing matches). A query word that is neither Hangul nor lower-case ASCII, nor ASCII and
// then Hangul (2016년: a question's dates made it analyse whole bodies), would need NFKC to
// be found as written: all of the text.
Candidates candidate_range(std::string_view text, const std::set<std::string>& terms, const std::set<std::string>& bigrams,
                           size_t max_chars) {
  const size_t before = 40 * 3, after = max_chars * 3 + 8, window = max_chars * 3;  // Hangul: 3 bytes
  std::vector<std::string> anchors;
  std::vector<size_t> group;  // a bigram written across a space is the same anchor
  bool ascii = false;
  for (const std::string& t : terms) {
    if (t.empty()) continue;
    if (static_cast<unsigned char>(t[0]) < 0x80) {
      // Lower-case ASCII, and Hangul syllables after it (2016년, lg전자): as written.
      for (int32_t i = 0, n = static_cast<int32_t>(t.size()); i < n;) {
        UChar32 c;
        U8_NEXT(t.data(), i, n, c);
        if ((c >= 'A' && c <= 'Z') || (c >= 0x80 && !is_hangul_syllable(static_cast<char32_t>(c)))) return {{0, text.size()}, {}, true};
      }
      ascii = true;
      anchors.push_back(t);
    } else if (onset(t)) {
      anchors.push_back(t.substr(0, std::min<size_t>(t.size(), 6)));
    } else {
      return {{0, text.size()}, {}, true};
    }
    group.push_back(group.size());
  }
  for (const std::string& b : bigrams) {
    anchors.push_back(b);
    anchors.push_back(b.substr(0, 3) + " " + b.substr(3));  // 데이터 센터
    group.push_back(group.size());
    group.push_back(group.back());
  }
  const std::string lowered = ascii ? ascii_lower(text) : std::string();
  const std::string_view haystack = ascii ? std::string_view(lowered) : text;
  std::vector<std::pair<size_t, size_t>> hits;  // (byte offset, anchor group)
  // Hangul anchors (one or two syllables, or two with a space between) are looked up at each
  // syllable in one pass over the text: a search per anchor stopped at every syllable, since
  // Hangul's UTF-8 lead bytes are few (0xEA-0xED), and was a tenth of a query's time.
  std::vector<std::pair<uint64_t, size_t>> keyed;  // (syllables' bytes, anchor group)
  // A bit per Hangul syllable that starts an anchor: most syllables of a text start none. (A bit
  // per last byte, 64 in all, let half of a question's syllables through to the keys.)
  std::bitset<kHangulSyllables> first;
  for (size_t k = 0; k < anchors.size(); ++k) {
    const std::string& a = anchors[k];
    if ((a.size() != 3 && a.size() != 6 && a.size() != 7) || syllable_index(a, 0) >= kHangulSyllables) {  // 삼a, ai: as written
      for (size_t at = haystack.find(a); at != std::string_view::npos; at = haystack.find(a, at + 1)) hits.emplace_back(at, group[k]);
      continue;
    }
    keyed.emplace_back(syllable_key(a, 0, a.size()), group[k]);
    first.set(syllable_index(a, 0));
  }
  if (!keyed.empty())
    for (size_t i = 0; i + 3 <= haystack.size(); ++i) {
      const auto lead = static_cast<unsigned char>(haystack[i]);
      if (lead < 0xEA || lead > 0xED) continue;
      const size_t at = i;
      i += 2;  // the syllable's other two bytes start nothing
      if (size_t n = syllable_index(haystack, at); n >= kHangulSyllables || !first.test(n)) continue;
      // The syllable alone, with the next one, and with the one after a space.
      const uint64_t one = syllable_key(haystack, at, 3);
      const uint64_t two = at + 6 <= haystack.size() ? syllable_key(haystack, at, 6) : 0;
      const uint64_t spaced = at + 7 <= haystack.size() && haystack[at + 3] == ' ' ? syllable_key(haystack, at, 7) : 0;
      for (const auto& [key, g] : keyed)
        if (key == one || key == two || key == spaced) hits.emplace_back(at, g);
    }
  Range r{0, std::min(text.size(), after)};
  if (!hits.empty()) {
    std::sort(hits.begin(), hits.end());
    size_t best = 0, best_distinct = 0, best_count = 0;
    for (size_t i = 0; i < hits.size(); ++i) {
      std::vector<size_t> seen;
      size_t j = i;
      for (; j < hits.size() && hits[j].first < hits[i].first + window; ++j)
        if (std::find(seen.begin(), seen.end(), hits[j].second) == seen.end()) seen.push_back(hits[j].second);
      if (seen.size() > best_distinct || (seen.size() == best_distinct && j - i > best_count)) {
        best = hits[i].first;
        best_distinct = seen.size();
        best_count = j - i;
      }
    }
    r = {best > before ? best - before : 0, std::min(text.size(), best + after)};
  }
  while (r.start > 0 && !is_space(text[r.start - 1])) --r.start;
  while (r.end < text.size() && !is_space(text[r.end])) ++r.end;
  Candidates c{r, {}, false};
  for (const auto& [at, g] : hits)
    if (at >= r.start && at < r.end) c.hits.push_back(at);
  return c;
}

// True when the word [start, end) holds only ASCII and Hangul syllables: its terms are its
// text as written (ASCII lower-cased), its stems and its syllable bigrams.
bool plain_word(std::string_view text, size_t start, size_t end) {
  for (size_t i = start; i < end;) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) { ++i; continue; }
    if (i + 3 > end || syllable_index(text, i) >= kHangulSyllables) return false;
    i += 3;
  }
  return true;
}

struct Span {
  uint32_t start, end;   // a whole word in the text
  int match = -1;        // index of the matched query term, -1 for none
};

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string make_snippet(std::string_view text, const Analyzer& analyzer, const std::set<std::string>& terms,
                         const std::set<std::string>& bigrams, SnippetOptions options) {
  if (text.empty()) return {};
  // Words with their offsets; a word matches when any of its forms (or, for compounds, any of
  // the query's syllable bigrams) is among the query's. Analysing a whole body was most of a
  // query's time, so only the part of it where the query's words are found as written is
  // analysed (candidate_range), and there a word is stemmed only when its stems could match
  // where its bigrams do not; a cold stem costs a Hunspell call.
  // - A query word of two syllables or more is found by its bigrams in every word that starts
  //   with it (전력이, 전력망), which is every regular form. Endings and irregular stems change
  //   the stem's last syllable (흐르 → 흘러, 가깝 → 가까워), in its final consonant or, when it
  //   contracts, its vowel (하 → 해, 쓰 → 써): such a form keeps the first syllable's initial
  //   and vowel, and, when the stem has two syllables or more, does not start with its first two.
  // - A query word of one syllable has no bigram: every word with its initial is stemmed.
  std::bitset<kInitialCount> short_initials;
  std::vector<std::pair<SyllableJamo, std::string_view>> long_starts;  // onset, first two syllables
  for (const std::string& t : terms)
    if (auto o = onset(t)) {
      if (t.size() <= 3) short_initials.set(o->initial);
      else long_starts.emplace_back(*o, std::string_view(t).substr(0, 6));
    }
  auto wants_stems = [&](std::string_view word) {
    auto o = onset(word);
    if (!o || short_initials.test(o->initial)) return true;
    for (const auto& [start, first_two] : long_starts)
      if (start.initial == o->initial && start.vowel == o->vowel && word.substr(0, 6) != first_two) return true;
    return false;
  };
  const Candidates found = candidate_range(text, terms, bigrams, options.max_chars);
  const Range range = found.range;
  Tokens tokens;
  std::vector<Span> words;
  auto analyse = [&](size_t from, size_t to) {
    for (Token& t : analyzer.analyze(text.substr(from, to - from), 1, wants_stems)) {
      t.start += static_cast<uint32_t>(from);
      t.end += static_cast<uint32_t>(from);
      if (t.type == TokenType::Word) words.push_back(Span{t.start, t.end, -1});
      tokens.push_back(std::move(t));
    }
  };
  if (found.every_word) {
    analyse(range.start, range.end);
  } else {
    // Of the range's words, only those a query word can match are analysed: where one of its
    // anchors was found, those that may stem to a query word (wants_stems), and those of other
    // than ASCII and syllables (normalisation, hanja readings); each with the word after it,
    // where a bigram across the space ends. The others are only segmented. Analysing every word
    // was most of a snippet's time; the snippets are the same (checked on 20,000 of them).
    const std::vector<SegmentedWord> seg = analyzer.segmenter().segment(text.substr(range.start, range.end - range.start));
    std::vector<char> candidate(seg.size(), 0);
    auto hit = found.hits.begin();
    for (size_t i = 0; i < seg.size(); ++i) {
      const size_t s = range.start + seg[i].start, e = range.start + seg[i].end;
      while (hit != found.hits.end() && *hit < s) ++hit;
      bool c = (hit != found.hits.end() && *hit < e) || !plain_word(text, s, e);
      for (const Piece& p : seg[i].pieces)
        c = c || (p.script == Script::Hangul && wants_stems(text.substr(range.start + p.start, p.end - p.start)));
      candidate[i] = c;
    }
    auto deep = [&](size_t i) { return candidate[i] || (i > 0 && candidate[i - 1]); };
    for (size_t i = 0; i < seg.size();) {
      if (!deep(i)) {
        words.push_back(Span{static_cast<uint32_t>(range.start + seg[i].start), static_cast<uint32_t>(range.start + seg[i].end), -1});
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < seg.size() && deep(j)) ++j;
      analyse(range.start + seg[i].start, range.start + seg[j - 1].end);
      i = j;
    }
  }
  if (words.empty()) return {};
  std::vector<std::string> matched_terms;
  for (const Token& t : tokens) {
    bool hit = t.type == TokenType::Bigram ? bigrams.count(t.term) > 0 : terms.count(t.term) > 0;
    if (!hit) continue;
    // A bigram may span a space: it belongs to the word its first syllable is in.
    auto it = std::upper_bound(words.begin(), words.end(), t.start, [](uint32_t s, const Span& w) { return s < w.start; });
    if (it == words.begin()) continue;
    Span& w = *(it - 1);
    if (t.start >= w.end || w.match >= 0) continue;
    auto m = std::find(matched_terms.begin(), matched_terms.end(), t.term);
    w.match = static_cast<int>(m - matched_terms.begin());
    if (m == matched_terms.end()) matched_terms.push_back(t.term);
  }

  // Code-point offsets of word starts and ends, so window lengths are counted in characters.
  std::vector<size_t> cp_start(words.size()), cp_end(words.size());
  size_t cp = 0, byte = 0;
  for (size_t j = 0; j < words.size(); ++j) {
    cp += code_points(text, byte, words[j].start);
    cp_start[j] = cp;
    cp += code_points(text, words[j].start, words[j].end);
    cp_end[j] = cp;
    byte = words[j].end;
  }
  auto chars = [&](size_t a, size_t b) { return cp_end[b] - cp_start[a]; };

  // The window of at most max_chars with the most distinct matches (then the most matches).
  size_t best_first = 0, best_last = 0;
  int best_distinct = -1, best_count = -1;
  std::vector<size_t> seen_from(matched_terms.size(), SIZE_MAX);  // the window a term was last counted in
  for (size_t first = 0; first < words.size(); ++first) {
    if (words[first].match < 0 && first != 0) continue;
    int distinct = 0, count = 0;
    size_t last = first;
    for (size_t j = first; j < words.size() && chars(first, j) <= options.max_chars; ++j) {
      last = j;
      if (words[j].match >= 0) {
        if (seen_from[words[j].match] != first) {
          seen_from[words[j].match] = first;
          ++distinct;
        }
        ++count;
      }
    }
    if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
      best_distinct = distinct;
      best_count = count;
      best_first = first;
      best_last = last;
    }
  }

  // Keep the matches, start up to ~40 characters before the first for context, then fill the budget.
  while (best_last > best_first && words[best_last].match < 0) --best_last;
  const size_t anchor = cp_start[best_first];
  while (best_first > 0 && chars(best_first - 1, best_last) <= options.max_chars && anchor - cp_start[best_first - 1] <= 40)
    --best_first;
  while (best_last + 1 < words.size() && chars(best_first, best_last + 1) <= options.max_chars) ++best_last;

  uint32_t from = best_first == 0 && range.start == 0 ? 0 : words[best_first].start;
  uint32_t to = best_last + 1 == words.size() && range.end == text.size() ? static_cast<uint32_t>(text.size()) : words[best_last].end;
  std::string out;
  if (from > 0) out += "…";
  uint32_t at = from;
  for (size_t j = best_first; j <= best_last; ++j) {
    if (words[j].match < 0) continue;
    out += html_escape(text.substr(at, words[j].start - at));
    out += "<mark>" + html_escape(text.substr(words[j].start, words[j].end - words[j].start)) + "</mark>";
    at = words[j].end;
  }
  out += html_escape(text.substr(at, to - at));
  if (to < text.size()) out += "…";
  for (size_t p = 0; (p = out.find('\n', p)) != std::string::npos;) out[p] = ' ';
  return out;
}

}  // namespace sosik
