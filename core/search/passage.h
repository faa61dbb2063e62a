// Passage evidence: how much of a query one short stretch of a document holds. BM25 counts a
// document's words wherever they are; a question is usually answered by one sentence that holds
// most of its words, while another paragraph on the same subject holds them scattered (KorQuAD:
// most misses were the right article's other paragraphs).
//
// Measured on the stored text, not on index positions: scanning a few KB of text costs less than
// reading a position list per word form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace sosik {

struct PassageQuery {
  std::vector<std::string> words;  // each query word's shortest form (its stem), distinct
  std::vector<double> idf;         // per word: BM25's idf in the index
  double total = 0;                // sum of idf
  bool empty() const { return total <= 0; }
};

// Words the index lacks are left out: they cannot tell documents apart.
PassageQuery passage_query(const Xapian::Database& db, const std::vector<std::string>& words);

struct PassageEvidence {
  // The largest share of the query's idf found within `window` consecutive words of the text: 1
  // when one stretch holds every word, 0 when none is there. A text word holds a query word when
  // it contains it (관동군에게 holds 관동군, 정암초등학교 holds 초등학교).
  double coverage = 0;
  // The same share within one sentence (ended by a line break, or by '.', '?' or '!' after a
  // syllable): a question is usually one sentence of its answer's text reworded, while that
  // text's neighbours share its words across sentences.
  double sentence = 0;
  // The same share within `date_reach` words either side of a date (a number written with 년,
  // 월, 일 or 세기: 1932년, 3월에, 19세기): what a question asking when (언제, 몇 년, …한 해는?)
  // is answered by, where its sibling paragraphs hold the same words and no date among them.
  double near_date = 0;
};

// All from one search of `text`; near_date only when date_reach > 0. For coverage, a query word
// in `title` counts as in every stretch: a headline names what each of its article's passages is
// about (반기문 in the title, 충주중학교를 졸업하였고 in the body); so for sentence.
PassageEvidence passage_evidence(std::string_view text, const PassageQuery& q, size_t window, size_t date_reach = 0,
                                 std::string_view title = {});

inline double passage_coverage(std::string_view text, const PassageQuery& q, size_t window) {
  return passage_evidence(text, q, window).coverage;
}

}  // namespace sosik
