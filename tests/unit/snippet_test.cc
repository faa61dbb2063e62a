// Snippets (core/search/snippet.h): a query and a text → the words marked. Stems are computed
// only for the words whose stems could match where their bigrams do not (make_snippet), so the
// table holds regular forms, irregular ones and one-syllable stems.
#include <gtest/gtest.h>

#include <regex>

#include "analysis/analyzer.h"
#include "search/query.h"
#include "search/snippet.h"

namespace sosik {
namespace {

std::vector<std::string> marked(const std::string& snippet) {
  static const std::regex kMark("<mark>([^<]*)</mark>");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(snippet.begin(), snippet.end(), kMark); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

TEST(Snippet, MarksEveryFormOfTheQueryWords) {
  auto analyzer = Analyzer::korean();
  QueryBuilder builder(analyzer);
  struct Case { const char* q; const char* text; std::vector<std::string> want; };
  const Case cases[] = {
      {"마이크로소프트", "마이크로소프트와 오픈AI는 협상을 계속했다.", {"마이크로소프트와"}},
      {"마이크로소프트와", "오늘 마이크로소프트는 발표했다.", {"마이크로소프트는"}},
      {"데이터 센터", "새 데이터센터를 짓는다.", {"데이터센터를"}},
      {"협상했다", "두 회사는 협상하는 중이다.", {"협상하는"}},
      {"전력", "전력망과 전쟁 그리고 정부", {"전력망과"}},              // not 전쟁, 정부
      // Irregular stems: the form shares no bigram with the query word.
      {"흐르는 강", "물이 흘러 바다로 간다.", {"흘러"}},
      {"가깝다", "집이 가까워 걸어간다.", {"가까워"}},
      {"부르는 노래", "노래를 불러 주었다.", {"노래를", "불러"}},
      // One syllable stems: no bigram at all.
      {"썼다", "편지를 쓰는 사람", {"쓰는"}},
      {"듣는", "음악을 들어 보았다.", {"들어"}},
      {"없는말", "전혀 다른 이야기", {}},
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::string s = make_snippet(c.text, *analyzer, pq.highlight_terms, pq.highlight_bigrams);
    EXPECT_EQ(marked(s), c.want) << c.q << " in '" << c.text << "': " << s << " (make_snippet, wants_stems)";
  }
}

}  // namespace
}  // namespace sosik
