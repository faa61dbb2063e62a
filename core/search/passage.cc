#include "passage.h"

#include <algorithm>
#include <cmath>

#include <unicode/uchar.h>
#include <unicode/utf8.h>


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

double passage_coverage(std::string_view text, const PassageQuery& q, size_t window) {
  if (q.empty()) return 0;
  // (word position, query word) for every word of the text that holds a query word.
  std::vector<std::pair<size_t, size_t>> hits;
  size_t pos = 0;
  std::string word;
  auto end_word = [&] {
    if (word.empty()) return;
    for (size_t k = 0; k < q.words.size(); ++k)
      if (word.find(q.words[k]) != std::string::npos) hits.emplace_back(pos, k);
    ++pos;
    word.clear();
  };
  int32_t i = 0, n = static_cast<int32_t>(text.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(text.data(), i, n, c);
    if (u_isalnum(c)) {
      if (c < 0x80) word += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      else word.append(text.substr(at, i - at));
    } else {
      end_word();
    }
  }
  end_word();
  if (hits.empty()) return 0;

  std::vector<unsigned> count(q.idf.size(), 0);
  double in_window = 0, best = 0;
  size_t lo = 0;
  for (size_t hi = 0; hi < hits.size(); ++hi) {
    if (count[hits[hi].second]++ == 0) in_window += q.idf[hits[hi].second];
    while (hits[hi].first - hits[lo].first >= window)
      if (--count[hits[lo++].second] == 0) in_window -= q.idf[hits[lo - 1].second];
    best = std::max(best, in_window);
  }
  return best / q.total;
}

}  // namespace sosik
