#include "passage.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "../analysis/normalizer.h"


namespace sosik {

PassageQuery passage_query(const Xapian::Database& db, const std::vector<std::string>& words) {
  PassageQuery q;
  double n = db.get_doccount();
  for (const auto& w : words) {
    if (w.empty() || std::find(q.words.begin(), q.words.end(), w) != q.words.end()) continue;
    Xapian::doccount df = db.get_termfreq(w);
    if (df == 0) continue;
    // BM25's idf with the +1 that keeps it positive for words in most documents (as Lucene).
    double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    q.words.push_back(w);
    q.idf.push_back(idf);
    q.total += idf;
  }
  return q;
}

namespace {

// Where the query's words are in a text: each word's start, and (word, query word) for every word
// that holds a query word, in text order.
struct Hits {
  std::vector<size_t> starts;
  std::vector<uint32_t> sentence;  // per word: which sentence of the text it is in
  std::vector<std::pair<size_t, size_t>> hits;
};

Hits find_hits(std::string_view text, const PassageQuery& q) {
  Hits h;
  // Query words are normalised: lower-case the text's ASCII only when a query word has a letter.
  const bool has_letters = std::any_of(q.words.begin(), q.words.end(), [](const std::string& w) {
    return std::any_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z'); });
  });
  const std::string lowered_text = has_letters ? ascii_lower(text) : std::string();
  const std::string_view lowered = has_letters ? std::string_view(lowered_text) : text;
  // Where each word (a run of letters and digits) starts, and in which sentence. A sentence
  // ends at a line break, or at '.', '?' or '!' written after a syllable and before a space
  // (했다. 이다? ; not 0.6%, J. R. R. or 《M.A.S.H》).
  bool in_word = false, after_syllable = false, ended = false;
  uint32_t sentence = 0;
  int32_t i = 0, n = static_cast<int32_t>(text.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(text.data(), i, n, c);
    const bool syllable = is_hangul_syllable(static_cast<char32_t>(c));
    bool alnum = c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
                          : syllable || u_isalnum(c);  // syllables first: cheap
    if (c == '\n' || (ended && (c == ' ' || c == '\t' || c == '\r'))) ++sentence;
    ended = after_syllable && (c == '.' || c == '?' || c == '!');
    after_syllable = syllable;
    if (alnum && !in_word) {
      h.starts.push_back(static_cast<size_t>(at));
      h.sentence.push_back(sentence);
    }
    in_word = alnum;
  }
  // One search of the whole text per query word, Boyer-Moore-Horspool (std::string::find looks
  // for the first byte, and in Korean text every syllable starts with one of four bytes).
  for (size_t k = 0; k < q.words.size(); ++k) {
    const std::string& word = q.words[k];
    std::boyer_moore_horspool_searcher search(word.begin(), word.end());
    for (auto it = lowered.cbegin();;) {
      it = std::search(it, lowered.cend(), search);
      if (it == lowered.cend()) break;
      auto w = std::upper_bound(h.starts.begin(), h.starts.end(), static_cast<size_t>(it - lowered.cbegin()));
      if (w != h.starts.begin()) h.hits.emplace_back(static_cast<size_t>(w - h.starts.begin()) - 1, k);
      it += static_cast<std::ptrdiff_t>(word.size());
    }
  }
  std::sort(h.hits.begin(), h.hits.end());
  return h;
}

// True when the word at `at` is a number and then 년, 월, 일 or 세기 (1932년에, 3월).
bool is_date(std::string_view text, size_t at) {
  size_t i = at;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == at) return false;
  std::string_view rest = text.substr(i);
  for (std::string_view unit : {"년", "월", "일", "세기"})
    if (rest.substr(0, unit.size()) == unit) return true;
  return false;
}

}  // namespace

PassageEvidence passage_evidence(std::string_view text, const PassageQuery& q, size_t window, size_t date_reach,
                                 std::string_view title) {
  PassageEvidence e;
  if (q.empty()) return e;
  // Words of the title are counted once, in every window: one more occurrence each, never
  // taken out.
  std::vector<unsigned> count(q.idf.size(), 0);
  std::vector<bool> titled(q.idf.size(), false);
  double in_title = 0;
  if (!title.empty())
    for (const auto& [word, k] : find_hits(title, q).hits)
      if (count[k]++ == 0) {
        in_title += q.idf[k];
        titled[k] = true;
      }
  const Hits h = find_hits(text, q);
  const auto& hits = h.hits;
  if (hits.empty()) {
    e.coverage = e.sentence = in_title / q.total;
    return e;
  }
  double in_window = in_title, best = in_title;
  size_t lo = 0;
  for (size_t hi = 0; hi < hits.size(); ++hi) {
    if (count[hits[hi].second]++ == 0) in_window += q.idf[hits[hi].second];
    while (hits[hi].first - hits[lo].first >= window)
      if (--count[hits[lo++].second] == 0) in_window -= q.idf[hits[lo - 1].second];
    best = std::max(best, in_window);
  }
  e.coverage = best / q.total;
  // The same over each sentence, title words again in every one.
  best = in_title;
  std::vector<uint32_t> counted_in(q.idf.size(), UINT32_MAX);  // the sentence a word was last counted for
  double in_sentence = 0;
  for (size_t k = 0; k < hits.size(); ++k) {
    const uint32_t s = h.sentence[hits[k].first];
    if (k == 0 || s != h.sentence[hits[k - 1].first]) in_sentence = in_title;
    const size_t word = hits[k].second;
    if (counted_in[word] != s && !titled[word]) in_sentence += q.idf[word];
    counted_in[word] = s;
    best = std::max(best, in_sentence);
  }
  e.sentence = best / q.total;
  if (date_reach == 0) return e;
  best = 0;
  std::vector<size_t> seen(q.idf.size(), SIZE_MAX);  // the date a query word was last counted for
  for (size_t d = 0; d < h.starts.size(); ++d) {
    if (!is_date(text, h.starts[d])) continue;
    const size_t from = d > date_reach ? d - date_reach : 0;
    double near = 0;
    for (auto it = std::lower_bound(hits.begin(), hits.end(), std::make_pair(from, size_t{0}));
         it != hits.end() && it->first <= d + date_reach; ++it)
      if (seen[it->second] != d) {
        seen[it->second] = d;
        near += q.idf[it->second];
      }
    best = std::max(best, near);
  }
  e.near_date = best / q.total;
  return e;
}

}  // namespace sosik
