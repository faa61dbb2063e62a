// Passage evidence (core/search/passage.h): tables of text → coverage of a query's words.
#include <gtest/gtest.h>

#include "search/passage.h"

namespace sosik {
namespace {

// Words with equal idf, so coverage is the share of the words found together.
PassageQuery words(std::vector<std::string> w) {
  PassageQuery q;
  q.words = std::move(w);
  q.idf.assign(q.words.size(), 1.0);
  q.total = static_cast<double>(q.words.size());
  return q;
}

TEST(Passage, CoverageOfOneStretch) {
  PassageQuery q = words({"관동군", "칙어", "쇼와"});
  struct Case { const char* text; size_t window; double coverage; };
  const Case cases[] = {
      // Particles and endings attached: a text word holds a query word it contains.
      {"쇼와 천황은 1932년 관동군에게 칙어를 내렸다.", 10, 1.0},
      {"관동군이 진저우를 점령했다.", 10, 1.0 / 3},
      {"아무 관계 없는 글.", 10, 0.0},
      {"", 10, 0.0},
      // The words far apart: no window of 3 words holds more than one of them.
      {"쇼와 가 나 다 라 관동군 마 바 사 아 칙어", 3, 1.0 / 3},
      {"쇼와 가 나 다 라 관동군 마 바 사 아 칙어", 20, 1.0},
      // Punctuation and other scripts separate words; compounds hold their parts.
      {"(쇼와)·관동군·칙어", 3, 1.0},
  };
  for (const auto& c : cases)
    EXPECT_DOUBLE_EQ(passage_coverage(c.text, q, c.window), c.coverage) << "text: " << c.text << ", window " << c.window;
}

TEST(Passage, RareWordsCountMore) {
  PassageQuery q;
  q.words = {"천황", "칙어"};
  q.idf = {1.0, 3.0};
  q.total = 4.0;
  EXPECT_DOUBLE_EQ(passage_coverage("칙어를 내렸다", q, 10), 0.75);
  EXPECT_DOUBLE_EQ(passage_coverage("천황이 말했다", q, 10), 0.25);
  // Latin words match case-insensitively (the query is normalised to lower case).
  PassageQuery latin = words({"gpt", "오픈ai"});
  EXPECT_DOUBLE_EQ(passage_coverage("OpenAI가 만든 GPT는 오픈AI의 모델", latin, 10), 1.0);
  EXPECT_DOUBLE_EQ(passage_coverage("무엇이든", words({}), 10), 0.0);
}

// A title's words count as in every stretch of the body, once each: the title names the subject.
TEST(Passage, TitleWordsAreInEveryStretch) {
  PassageQuery q = words({"반기문", "졸업", "중학교"});
  struct Case { const char* title; const char* body; size_t window; double coverage; };
  const Case cases[] = {
      {"반기문", "충주중학교를 졸업하였고", 10, 1.0},
      {"", "충주중학교를 졸업하였고", 10, 2.0 / 3},
      {"반기문", "아무 관계 없는 글.", 10, 1.0 / 3},           // the title alone
      {"반기문", "", 10, 1.0 / 3},
      {"반기문의 중학교", "졸업 가 나 다 라 마 바 사 중학교", 3, 1.0},  // title words need no window
      {"반기문", "반기문은 가 나 다 라 마 졸업 중학교", 3, 1.0},  // counted once, never taken out
      {"다른 제목", "졸업 가 나 다 라 마 바 사 중학교", 3, 1.0 / 3},
  };
  for (const auto& c : cases)
    EXPECT_DOUBLE_EQ(passage_evidence(c.body, q, c.window, 0, c.title).coverage, c.coverage)
        << "title: " << c.title << ", body: " << c.body << ", window " << c.window << " (passage_evidence)";
}

// A sentence ends at a line break, or at '.', '?' or '!' after a syllable and before a space;
// a decimal point, an initial or a dotted name ends none.
TEST(Passage, WordsInOneSentence) {
  PassageQuery q = words({"번디", "3살", "살았"});
  struct Case { const char* title; const char* body; double sentence; };
  const Case cases[] = {
      {"", "번디는 3살때까지 필라델피아에서 살았다.", 1.0},
      {"", "번디는 3살이었다. 그는 필라델피아에서 살았다.", 2.0 / 3},
      {"", "번디는 3살이었다? 그는 필라델피아에서 살았다.", 2.0 / 3},
      {"", "번디는 3살이었다\n그는 필라델피아에서 살았다.", 2.0 / 3},
      {"", "번디는 3.5살이었고 J. R. 번디와 살았다.", 2.0 / 3},  // 3.5살 holds no 3살
      {"", "번디는 3살이었고 《M.A.S.H》에서 살았다.", 1.0},
      {"", "번디는 3살이었다.그는 살았다.", 1.0},  // no space: no end
      {"테드 번디", "그는 3살이었다. 그는 필라델피아에서 살았다.", 2.0 / 3},  // the title in each
      {"테드 번디", "번디는 3살이었다. 그는 살았다.", 2.0 / 3},           // counted once
      {"테드 번디", "", 1.0 / 3},
      {"", "", 0.0},
  };
  for (const auto& c : cases)
    EXPECT_DOUBLE_EQ(passage_evidence(c.body, q, 25, 0, c.title).sentence, c.sentence)
        << "title: " << c.title << ", body: " << c.body << " (passage_evidence, sentence)";
}

TEST(Passage, WordsNearADate) {
  PassageQuery q = words({"한남대교", "준공"});
  struct Case { const char* text; size_t reach; double near_date; };
  const Case cases[] = {
      {"한남대교는 1969년 12월에 준공되었다.", 3, 1.0},
      {"한남대교는 그해 겨울에 준공되었다.", 3, 0.0},  // no number: no date
      {"한남대교는 2개 차로로 준공되었다.", 3, 0.0},   // a number, but no date
      {"1969년 가 나 다 라 마 한남대교 준공", 3, 0.0},
      {"1969년 가 나 다 라 마 한남대교 준공", 6, 0.5},
      {"한남대교는 19세기에 없었다. 준공은 3월에 있었다.", 1, 0.5},  // each date near one word
      {"한남대교는 19세기에 없었다. 준공은 3월에 있었다.", 2, 1.0},
      {"", 3, 0.0},
  };
  for (const auto& c : cases) {
    PassageEvidence e = passage_evidence(c.text, q, 25, c.reach);
    EXPECT_DOUBLE_EQ(e.near_date, c.near_date) << "text: " << c.text << ", reach " << c.reach;
    EXPECT_DOUBLE_EQ(e.coverage, passage_coverage(c.text, q, 25)) << "text: " << c.text;
  }
  EXPECT_DOUBLE_EQ(passage_evidence("한남대교는 1969년 12월에 준공되었다.", q, 25).near_date, 0.0) << "reach 0: none";
}

}  // namespace
}  // namespace sosik
