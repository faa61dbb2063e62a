// Query building (core/search/query.h): tables of query string → the shape of its Xapian query.
#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "search/query.h"

namespace sosik {
namespace {

bool has(const Xapian::Query& q, const std::string& what) { return q.get_description().find(what) != std::string::npos; }

// Positions cost time for every match Xapian scores, so only queries whose weights need them
// are positional (Searcher::run scores those exhaustively, up to a limit).
TEST(QueryBuilder, PositionsOnlyWherePhrasesOrProximityNeedThem) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; bool strict, positional, near, phrase; };
  const Case cases[] = {
      // Short keyword queries need every word; the bigram bag rewards words written together.
      {"마이크로소프트 투자", true, false, false, false},
      {"데이터센터", true, false, false, false},
      // A quoted phrase and a mixed-script word are checked by position.
      {"\"데이터 센터\"", true, true, false, true},
      {"오픈AI", true, true, false, true},
      // Longer queries (questions) rank by how many words match, and by adjacent pairs nearby.
      {"마이크로소프트는 어느 회사에 지분 투자를 했나?", false, true, true, false},
      {"나델라 최고경영자 협력 계속 발표", false, true, true, false},
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    EXPECT_EQ(pq.strict, c.strict) << c.q << ": max_strict_words in query.h";
    EXPECT_EQ(pq.positional, c.positional) << c.q << ": " << pq.query.get_description();
    EXPECT_EQ(has(pq.query, "NEAR"), c.near) << c.q << ": " << pq.query.get_description();
    EXPECT_EQ(has(pq.query, "PHRASE"), c.phrase) << c.q << ": " << pq.query.get_description();
  }
}

}  // namespace
}  // namespace sosik
