// Korean search that other engines do not give, over HTTP against the real searchd: 초성,
// half-typed syllables, typos measured in jamo, keyboard layout slips, aliases, spacing
// variants and hanja. Corpus: the seed article plus a few articles written for these cases.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "schema.h"
#include "search/query.h"
#include "index/writer.h"
#include "search/searcher.h"
#include "support.h"

namespace sosik::test {
namespace {

using nlohmann::json;

const char* kSeed = "000_1f698f136fdf8a36";

// The same question words, once in one sentence and, more often, scattered over a text: BM25
// alone ranks the scattered text first (more occurrences); a question asks for the sentence.
std::string filler(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "그해 여름 날씨는 맑았고 사람들은 바다로 떠났다. ";
  return s;
}
std::string together_body() { return filler(6) + "1932년 쇼와 천황은 관동군에 칙어를 내렸다. " + filler(6); }
std::string scattered_body() {  // every pair of neighbouring words close, never all four
  std::string s;
  for (int i = 0; i < 2; ++i) s += "쇼와 천황. " + filler(4) + "천황과 관동군. " + filler(4) + "관동군의 칙어. " + filler(4);
  return s;
}

class Korean : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_file(*dir_ / "extra.jsonl",
               json({{"id", "ms-only"}, {"title", "MS 새 서피스 공개"}, {"body", "MS가 새 서피스 노트북을 공개했다. MS는 가격을 낮췄다."}}).dump() + "\n" +
               json({{"id", "hanja"}, {"title", "美 대선 앞두고 與野 공방"}, {"body", "美 대선을 앞두고 여야가 공방을 벌였다."}}).dump() + "\n" +
               json({{"id", "hangul"}, {"title", "미국 대선 토론회"}, {"body", "미국 대선 후보들이 토론회를 열었다."}}).dump() + "\n" +
               json({{"id", "nvidia"}, {"title", "NVIDIA 실적 발표"}, {"body", "NVIDIA가 분기 실적을 발표했다."}}).dump() + "\n" +
               json({{"id", "spaced"}, {"title", "데이터 센터 전력 문제"}, {"body", "데이터 센터가 전력을 많이 쓴다."}}).dump() + "\n" +
               json({{"id", "galaxy"}, {"title", "삼성 새 휴대전화"}, {"body", "갤럭시 S7 엣지가 나왔다. 카메라가 좋아졌다."}}).dump() + "\n" +
               json({{"id", "together"}, {"title", "만주사변과 일본"}, {"body", together_body()}}).dump() + "\n" +
               json({{"id", "scattered"}, {"title", "만주사변과 일본"}, {"body", scattered_body()}}).dump() + "\n" +
               // All of a question's words near each other in both, in one sentence only in
               // the second: "stadium-split" has them more often.
               json({{"id", "stadium-split"}, {"title", "밴드 이야기"},
                     {"body", filler(3) + "밴드는 카디프에 갔다. 밀레니엄 스타디움 공연이었다. 카디프 공연. " + filler(3)}}).dump() + "\n" +
               json({{"id", "stadium-one"}, {"title", "밴드 이야기"},
                     {"body", filler(3) + "밴드는 카디프 밀레니엄 스타디움에서 공연했다. " + filler(3)}}).dump() + "\n" +
               // Two paragraphs on one bridge: only the second says when it was built.
               json({{"id", "bridge-undated"}, {"title", "한남대교"},
                     {"body", filler(2) + "한남대교 준공 뒤 강남 개발이 시작되었다. 한남대교는 준공 당시 제3한강교로 불렸다. " + filler(2)}}).dump() + "\n" +
               json({{"id", "bridge-dated"}, {"title", "한남대교"},
                     {"body", filler(2) + "한남대교는 1969년 12월에 준공되었다. " + filler(3)}}).dump() + "\n");
    CommandResult r = run_indexer(*dir_ / "db", {source_path("corpus"), *dir_ / "extra.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = new Searchd(*dir_ / "db");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static json search(const std::string& q) {
    auto r = server_->get("/api/search?limit=20&q=" + url_encode(q));
    EXPECT_EQ(r.status, 200) << q << ": " << r.body;
    return r.json;
  }
  static std::vector<std::string> ids(const json& j) {
    std::vector<std::string> out;
    for (const auto& h : j["hits"]) out.push_back(h["id"]);
    return out;
  }
  static std::vector<std::string> suggestions(const std::string& q) {
    auto r = server_->get("/api/suggest?q=" + url_encode(q));
    std::vector<std::string> out;
    for (const auto& s : r.json["suggestions"]) out.push_back(s["text"]);
    return out;
  }
  static inline TempDir* dir_ = nullptr;
  static inline Searchd* server_ = nullptr;
};

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
  return s;
}

TEST_F(Korean, ChoseongFindsAndSuggests) {
  struct Case { const char* q; const char* id; const char* word; };
  const Case cases[] = {{"ㅁㅇㅋㄹㅅㅍㅌ", kSeed, "마이크로소프트"}, {"ㅅㄹㅇㅁ", kSeed, "슐레이먼"}, {"ㅅㄹㅇ", kSeed, "슐레이먼"}};
  for (const auto& c : cases) {
    EXPECT_TRUE(has(ids(search(c.q)), c.id)) << "'" << c.q << "' should find " << c.id;
    auto s = suggestions(c.q);
    EXPECT_TRUE(has(s, c.word)) << "'" << c.q << "' should suggest " << c.word << "; got " << join(s);
  }
}

TEST_F(Korean, HalfTypedSyllablesComplete) {
  struct Case { const char* typed; const char* word; };
  const Case cases[] = {{"마이ㅋ", "마이크로소프트"}, {"마이크로솦", "마이크로소프트"}, {"슐레ㅇ", "슐레이먼"}, {"나델", "나델라"}};
  for (const auto& c : cases) {
    auto s = suggestions(c.typed);
    EXPECT_TRUE(has(s, c.word)) << "'" << c.typed << "' should complete to " << c.word << "; got " << join(s);
  }
}

TEST_F(Korean, TyposInJamoGiveDidYouMeanAndFallBack) {
  struct Case { const char* typo; const char* meant; };
  const Case cases[] = {{"마이크로소프드", "마이크로소프트"}, {"나델러", "나델라"}, {"슐래이먼", "슐레이먼"},
                       // Weighed by the articles with every word: many have 마이크로소프트 alone, one
                       // has both words as meant (Searcher::search_uncached, total_every_word).
                       {"나델러 마이크로소프트", "나델라 마이크로소프트"}};
  for (const auto& c : cases) {
    json j = search(c.typo);
    EXPECT_EQ(j["did_you_mean"], c.meant) << c.typo << ": " << j.dump().substr(0, 300);
    EXPECT_EQ(j["corrected"], true) << c.typo;
    EXPECT_TRUE(has(ids(j), kSeed)) << c.typo << " should fall back to results for " << c.meant;
  }
}

TEST_F(Korean, KeyboardLayoutSlips) {
  json j = search("dhvms");
  EXPECT_EQ(j["did_you_mean"], "오픈") << j.dump().substr(0, 300);
  EXPECT_TRUE(has(ids(j), kSeed));
  EXPECT_TRUE(has(suggestions("dhvms"), "오픈") || has(suggestions("dhvms"), "오픈ai")) << join(suggestions("dhvms"));
  json m = search("ㅡㄴ");
  EXPECT_EQ(m["did_you_mean"], "ms") << m.dump().substr(0, 300);
}

TEST_F(Korean, AliasesFindEachOtherBelowExactMatches) {
  struct Case { const char* q; const char* id; };
  const Case cases[] = {{"OpenAI", kSeed}, {"오픈에이아이", kSeed}, {"마소", kSeed}, {"Microsoft", kSeed},
                        {"엔비디아", "nvidia"}, {"Oracle", kSeed}};
  for (const auto& c : cases) EXPECT_TRUE(has(ids(search(c.q)), c.id)) << "'" << c.q << "' should find " << c.id;
  // MS as written ranks above 마이크로소프트 reached through the alias.
  auto ms = ids(search("MS"));
  ASSERT_TRUE(has(ms, "ms-only") && has(ms, kSeed)) << join(ms);
  EXPECT_EQ(ms.front(), "ms-only") << join(ms);
}

TEST_F(Korean, SpacingVariants) {
  struct Case { const char* q; const char* id; };
  const Case cases[] = {{"마이크로 소프트", kSeed}, {"데이터센터", "spaced"}, {"\"데이터센터\"", "spaced"},
                        {"S7엣지의 카메라", "galaxy"}};  // a mixed word written apart, another particle
  for (const auto& c : cases) EXPECT_TRUE(has(ids(search(c.q)), c.id)) << "'" << c.q << "' should find " << c.id;
  // The seed's linked headline '…타사 데이터센터 확보 나선다' is found written with a space.
  bool found = false;
  json spaced = search("데이터 센터");
  for (const auto& h : spaced["hits"]) found = found || h["title"].get<std::string>().find("데이터센터") != std::string::npos;
  EXPECT_TRUE(found) << "'데이터 센터' should find the headline with 데이터센터";
}

// A short query means every word, but fewer articles with all of them than a page are followed by
// those with some of them (marked partial), never mixed in; none with all of them: relaxed.
TEST_F(Korean, ShortQueriesListArticlesWithEveryWordFirst) {
  struct Case {
    const char* q;
    const char* limit;
    std::vector<std::string> full;  // the hits with every word, in any order
    bool relaxed;
    size_t min_partial;             // at least this many hits with some words after them
  };
  const Case cases[] = {
      {"대선 토론회", "20", {"hangul"}, false, 1},    // 'hanja' has 대선 only
      {"대선 토론회", "1", {"hangul"}, false, 0},     // the page is full of articles with both
      {"토론회 서피스", "20", {}, true, 2},          // 'hangul' and 'ms-only' have one each
  };
  for (const auto& c : cases) {
    auto r = server_->get("/api/search?limit=" + std::string(c.limit) + "&q=" + url_encode(c.q));
    ASSERT_EQ(r.status, 200) << c.q << ": " << r.body;
    std::vector<std::string> full, partial;
    for (const auto& h : r.json["hits"]) {
      (h["partial"].get<bool>() ? partial : full).push_back(h["id"]);
      EXPECT_TRUE(h["partial"].get<bool>() || partial.empty()) << c.q << ": a hit with every word after a partial one: " << r.body;
    }
    std::sort(full.begin(), full.end());
    EXPECT_EQ(full, c.full) << c.q << " limit " << c.limit << ": the hits with every word (Searcher::run)";
    EXPECT_GE(partial.size(), c.min_partial) << c.q << " limit " << c.limit << ": " << r.body;
    if (c.min_partial == 0) {
      EXPECT_TRUE(partial.empty()) << c.q << " limit " << c.limit << ": " << r.body;
    }
    EXPECT_EQ(r.json["relaxed"], c.relaxed) << c.q;
    EXPECT_EQ(r.json["total"].get<size_t>(), full.size() + partial.size()) << c.q << " limit " << c.limit;
  }
  // The page says where the articles with only some of the words begin.
  auto page = server_->get("/?q=" + url_encode("대선 토론회"));
  ASSERT_EQ(page.status, 200);
  size_t notice = page.body.find("notice partial"), full_hit = page.body.find("미국 대선 토론회"),
         partial_hit = page.body.find("美 대선 앞두고");
  ASSERT_NE(notice, std::string::npos) << page.body;
  EXPECT_LT(full_hit, notice) << page.body;
  EXPECT_LT(notice, partial_hit) << page.body;
}

TEST_F(Korean, HanjaInHeadlines) {
  for (const char* q : {"美 대선", "미국 대선"}) {
    auto got = ids(search(q));
    EXPECT_TRUE(has(got, "hanja") && has(got, "hangul")) << "'" << q << "': " << join(got);
  }
  EXPECT_TRUE(has(ids(search("여당")), "hanja"));
}

// The alias file is read again when it changes: no rebuild, no restart.
TEST(KoreanAliases, FileIsReloadedWhenItChanges) {
  TempDir dir;
  write_file(dir / "a.jsonl", json({{"id", "x"}, {"title", "카카오 실적"}, {"body", "카카오가 실적을 냈다."}}).dump() + "\n");
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  write_file(dir / "aliases.json", R"({"groups": []})");
  Searchd server(dir / "db", {"--aliases", dir / "aliases.json"});
  EXPECT_EQ(server.get("/api/search?q=Kakao").json["total"], 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // file times have 1 s resolution
  write_file(dir / "aliases.json", R"({"groups": [["Kakao", "카카오"]]})");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto r = server.get("/api/search?q=Kakao");
  EXPECT_EQ(r.json["total"], 1) << r.body;
}

}  // namespace
}  // namespace sosik::test

namespace sosik::test {
namespace {

TEST_F(Korean, QuestionsRankTheSentenceThatHoldsTheirWords) {
  // A question: its words together in one sentence outrank the same words scattered.
  const std::string kQuestion = "쇼와 천황 관동군 칙어는 무엇인가?";
  auto q = ids(search(kQuestion));
  ASSERT_GE(q.size(), 2u) << join(q);
  EXPECT_EQ(q[0], "together") << "passage rerank (core/search/passage.h): got " << join(q);
  // Pages of a reranked list neither repeat nor skip a hit.
  std::vector<std::string> paged;
  for (int offset = 0; offset < 2; ++offset) {
    auto r = server_->get("/api/search?limit=1&offset=" + std::to_string(offset) + "&q=" + url_encode(kQuestion));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& h : r.json["hits"]) paged.push_back(h["id"]);
  }
  EXPECT_EQ(paged, std::vector<std::string>(q.begin(), q.begin() + 2)) << "paged: " << join(paged) << "; whole: " << join(q);
}

}  // namespace
}  // namespace sosik::test

namespace sosik::test {
namespace {

TEST_F(Korean, AQuestionRanksTheTextThatHasItsWordsInOneSentence) {
  auto keywords = ids(search("카디프 밀레니엄 스타디움 공연"));
  ASSERT_GE(keywords.size(), 2u) << join(keywords);
  ASSERT_EQ(keywords[0], "stadium-split") << "the articles no longer test what they should: " << join(keywords);
  auto asked = ids(search("카디프 밀레니엄 스타디움 공연은 무엇인가?"));
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked[0], "stadium-one") << "sentence evidence in the passage rerank (core/search/passage.h): " << join(asked);
}

TEST_F(Korean, AQuestionAskingWhenRanksTheParagraphWithADate) {
  // By their words alone the undated paragraph ranks first: it has both of them twice.
  auto keywords = ids(search("한남대교 준공"));
  ASSERT_GE(keywords.size(), 2u) << join(keywords);
  ASSERT_EQ(keywords[0], "bridge-undated") << "the articles no longer test what they should: " << join(keywords);
  // Asked when, the paragraph with a date next to the words comes first.
  for (const char* q : {"한남대교가 준공된 해는?", "한남대교는 언제 준공되었나?"}) {
    auto asked = ids(search(q));
    ASSERT_FALSE(asked.empty()) << q;
    EXPECT_EQ(asked[0], "bridge-dated") << q << ": near_date in the passage rerank (core/search/passage.h): " << join(asked);
  }
}

// A word is indexed as written and as its stems, and the positions go on the stems only
// (document.cc, has_whole_stem); a word without a stem has them itself. Phrases are matched on
// the stems, so a quoted phrase still finds the text.
TEST(KoreanIndex, AWordWithAStemHasPositionsOnItsStems) {
  TempDir dir;
  write_file(dir / "a.jsonl", json({{"id", "a"}, {"title", "협상 소식"},
                                    {"body", "마이크로소프트와 오픈AI가 협상했다고 밝혔다. 해 보았다."}}).dump() + "\n");
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  Xapian::Database db(dir / "db");
  struct Case {
    const char* term;
    bool indexed, positions;
  } cases[] = {
      {"마이크로소프트", true, true}, {"마이크로소프트와", true, false},  // a stem, and the word as written
      {"협상", true, true},           {"협상했다고", true, false},
      {"밝히", true, true},           {"밝혔다", true, false},
      {"S협상", true, true},          {"오픈ai", true, true},  // no stem: as written, and its parts
      {"오픈", true, true},           {"해", true, true},
      {"XB마이", true, false},        {"협상했", false, false},  // bigrams have no positions
  };
  for (const auto& c : cases) {
    EXPECT_EQ(db.get_termfreq(c.term) > 0, c.indexed) << c.term << ": see has_whole_stem in core/index/document.cc";
    if (c.indexed) {
      EXPECT_EQ(db.positionlist_begin(1, c.term) != db.positionlist_end(1, c.term), c.positions) << c.term;
    }
  }
  // The built query itself, not a search, which would fall back to any word when it finds nothing.
  QueryBuilder builder(Analyzer::korean());
  auto matches = [&](const std::string& q) {
    Xapian::Enquire enquire(db);
    enquire.set_query(builder.build(q, nullptr, &db).query);
    return enquire.get_mset(0, 10).size();
  };
  struct Phrase {
    const char* q;
    size_t matches;
  } phrases[] = {
      {"\"마이크로소프트와 오픈AI가\"", 1}, {"\"협상했다고 밝혔다\"", 1}, {"\"마이크로소프트의 오픈AI\"", 1},
      {"마이크로소프트는", 1}, {"\"협상 소식\"", 1}, {"\"소식 협상\"", 0},  // the title is 협상 소식: order kept
      {"\"협상했다며 밝혔다\"", 1},  // other endings: only the stems' positions can match (no bigram 며밝 here)
  };
  for (const auto& p : phrases)
    EXPECT_EQ(matches(p.q), p.matches) << p.q << ": phrases are matched on stems (query.cc, WordForms::positional)";
}

// A relaxed query (a question, a long query) is ranked whole only on the documents its words
// alone rank first (QueryOptions::candidate_depth, Searcher::run). Three searchers on the same
// index, without the passage rerank and the proximity pairs so that weights compare exactly:
// the words alone (which pick the candidates), the whole query over every match, and the whole
// query over the candidates.
TEST(KoreanCandidates, RelaxedQueriesRankTheCandidatesTheirWordsFind) {
  const size_t kDepth = 3, kLimit = 2;
  // Articles the words alone rank first (투자 계획), and one that only the bag ranks high: it
  // writes 데이터센터 apart, so the word misses it and its bigrams find it.
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 5; ++i) {  // each repeats the words once more: no ties
    std::string body = "회사가 새 투자 계획을 밝혔다.";
    for (int r = 0; r < i; ++r) body += " 투자 계획은 크다.";
    lines += json({{"id", "plan-" + std::to_string(i)}, {"title", "전력 투자 계획"}, {"body", body}}).dump() + "\n";
  }
  lines += json({{"id", "spaced"}, {"title", "데이터 센터 전력"}, {"body", "데이터 센터가 늘면서 데이터 센터의 전력 문제가 커졌다. 데이터 센터 증설 계획도 있다."}}).dump() + "\n";
  write_file(dir / "a.jsonl", lines);
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  auto options = [](double bag, Xapian::doccount depth) {
    QueryOptions o;
    o.passage_weight = 0;
    o.proximity_weight = 0;
    o.bigram_bag_weight = bag;
    o.candidate_depth = depth;
    o.candidate_max_df = 1;  // all the words pick; CandidatesLeaveOutWordsInMostDocuments for less
    o.candidate_bag_min_docs = 0;  // and no bigram: in six documents every one is rare
    return o;
  };
  auto analyzer = Analyzer::korean();
  Searcher words(dir / "db", analyzer, options(0, 0), nullptr, 0);
  Searcher whole(dir / "db", analyzer, options(QueryOptions{}.bigram_bag_weight, 0), nullptr, 0);
  Searcher candidates(dir / "db", analyzer, options(QueryOptions{}.bigram_bag_weight, kDepth), nullptr, 0);
  auto run = [](const Searcher& s, const std::string& q, size_t limit) {
    SearchRequest r;
    r.q = q;
    r.limit = limit;
    r.snippets = false;
    r.spelling = false;
    return s.search(r);
  };
  size_t reordered = 0;  // queries whose page the candidates change: the test must see some
  for (const std::string q : {"데이터센터 전력 투자 계획은 무엇인가?", "데이터센터 전력 문제와 투자 계획", "데이터센터의 전력 계획은?", "데이터센터 증설 투자 계획은 언제인가?"}) {
    SearchResponse by_words = run(words, q, kDepth), all = run(whole, q, 100), got = run(candidates, q, kLimit);
    ASSERT_GT(by_words.total, kDepth) << q << ": the words must match more documents than the candidates";
    std::vector<std::string> picked;
    for (const auto& h : by_words.hits) picked.push_back(h.id);
    // The whole query's order and weights, over the candidates only.
    std::vector<std::pair<std::string, double>> expected;
    for (const auto& h : all.hits)
      if (has(picked, h.id) && expected.size() < kLimit) expected.emplace_back(h.id, h.score);
    std::vector<std::pair<std::string, double>> actual;
    for (const auto& h : got.hits) actual.emplace_back(h.id, h.score);
    ASSERT_EQ(actual.size(), expected.size()) << q;
    for (size_t i = 0; i < actual.size(); ++i) {
      EXPECT_EQ(actual[i].first, expected[i].first) << q << " hit " << i << ": the whole query ranks the candidates "
                                                    << join(picked);
      EXPECT_NEAR(actual[i].second, expected[i].second, 1e-9 * expected[i].second) << q << " hit " << i;
    }
    EXPECT_EQ(got.total, by_words.total) << q << ": total counts the documents with any word";
    reordered += all.hits[0].id != got.hits[0].id || all.hits[1].id != got.hits[1].id;
  }
  EXPECT_GT(reordered, 0u) << "no query here has a document that only the bag ranks high: the table tests nothing";
  // When the less common words pick the candidates, `total` is Xapian's estimate for all of the
  // words, and says so unless it is exact.
  QueryOptions fewer = options(QueryOptions{}.bigram_bag_weight, kDepth);
  fewer.candidate_max_df = 0.3;
  Searcher picked(dir / "db", analyzer, fewer, nullptr, 0);
  for (const std::string q : {"데이터센터 전력 투자 계획은 무엇인가?", "데이터센터 증설 투자 계획은 언제인가?"}) {
    SearchResponse by_words = run(words, q, kDepth), got = run(picked, q, kLimit);
    EXPECT_EQ(got.hits.size(), kLimit) << q;
    if (got.total_is_exact) EXPECT_EQ(got.total, by_words.total) << q << ": an exact total counts the documents with any word";
    else EXPECT_GT(got.total, 0u) << q;
  }
}

// Over the candidates, the proximity pairs are scored on the first pair_depth hits only
// (Searcher::run): each hit must get the score the whole query gives it, and the page its order.
TEST(KoreanCandidates, PairsScoredOnTheFirstHitsAddTheWholeQuerysWeight) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 8; ++i) {
    // More 계획 the later the article, so the rest of the query ranks a7, a6, a5, …; the pairs
    // must lift a6 and a5, which write 전력 투자 together, above a7.
    std::string body = i == 5 || i == 6 ? "정부가 전력 투자를 늘린다. 계획은 다음 달에 나온다." : "전력 문제로 정부가 새 계획을 냈다. 민간 투자도 늘린다.";
    for (int r = 0; r < i; ++r) body += " 계획은 크다.";
    lines += json({{"id", "a" + std::to_string(i)}, {"title", "정부 발표"}, {"body", body}}).dump() + "\n";
  }
  write_file(dir / "a.jsonl", lines);
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  auto options = [](double proximity, Xapian::doccount pair_depth) {
    QueryOptions o;
    o.passage_weight = 0;
    o.proximity_weight = proximity;
    o.pair_depth = pair_depth;
    o.pair_max_df = 1;  // every article has every word
    o.candidate_depth = 6;
    o.candidate_max_df = 1;
    return o;
  };
  auto analyzer = Analyzer::korean();
  Searcher everywhere(dir / "db", analyzer, options(0.5, 1000), nullptr, 0);
  Searcher first_hits(dir / "db", analyzer, options(0.5, 3), nullptr, 0);
  Searcher none(dir / "db", analyzer, options(0, 0), nullptr, 0);
  auto run = [](const Searcher& s, size_t limit) {
    SearchRequest r;
    r.q = "정부의 전력 투자 계획은 무엇인가?";
    r.limit = limit;
    r.snippets = false;
    r.spelling = false;
    return s.search(r);
  };
  SearchResponse exact = run(everywhere, 6), got = run(first_hits, 2), unpaired = run(none, 6);
  ASSERT_EQ(got.hits.size(), 2u);
  for (const Hit& h : got.hits) {
    auto same = std::find_if(exact.hits.begin(), exact.hits.end(), [&](const Hit& e) { return e.id == h.id; });
    ASSERT_NE(same, exact.hits.end()) << h.id << " is not among the whole query's hits";
    EXPECT_NEAR(h.score, same->score, 1e-9 * same->score) << h.id << ": the pairs' weight must add as in the whole query";
  }
  EXPECT_EQ(got.hits[0].id, exact.hits[0].id) << "the pairs lift the first hit as the whole query does";
  std::vector<std::string> with, without;
  for (size_t i = 0; i < 3; ++i) with.push_back(exact.hits[i].id), without.push_back(unpaired.hits[i].id);
  EXPECT_NE(with, without) << "the pairs reorder nothing here: the test tests nothing";
}

// A headline's word that its article writes only inside another compound (불꽃놀이쇼 against
// 불꽃놀이를), among words common enough to fill the candidates on their own: the bag's rarest
// bigrams must pick the article too (candidate_bag_max_df; news-headlines-mixed in bench/relevance).
TEST(KoreanCandidates, AWordOnlyItsBigramsFindStillPicksItsDocument) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 12; ++i) {  // every common word, more of them the later: no ties
    std::string body = "이것 때문에 가능하다. 살아 움직이는 듯했다.";
    for (int r = 0; r < i; ++r) body += " 이것 때문에 살아 움직였다.";
    lines += json({{"id", "common-" + std::to_string(i)}, {"title", "소식 " + std::to_string(i)}, {"body", body}}).dump() + "\n";
  }
  lines += json({{"id", "fireworks"}, {"title", "드론 쇼"}, {"body", "드론 수백 대가 밤하늘에 불꽃놀이를 펼쳤다. 드론 불꽃놀이는 처음이다."}}).dump() + "\n";
  write_file(dir / "a.jsonl", lines);
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);
  auto first_page = [&](double bag_max_df, Xapian::doccount bag_min_docs) {
    QueryOptions o;
    o.passage_weight = 0;
    o.proximity_weight = 0;
    o.candidate_depth = 5;
    o.candidate_max_df = 1;          // every word picks, as common words do in a large archive
    o.candidate_bag_max_df = bag_max_df;
    o.candidate_bag_min_docs = bag_min_docs;
    Searcher searcher(dir / "db", Analyzer::korean(), o, nullptr, 0);
    SearchRequest r;
    r.q = "살아 움직이는 불꽃놀이쇼…이것 때문에 가능";
    r.limit = 5;
    r.snippets = false;
    r.spelling = false;
    std::vector<std::string> ids;
    for (const Hit& h : searcher.search(r).hits) ids.push_back(h.id);
    return ids;
  };
  // By share (a tenth of 13 documents), or by count (two or fewer, whatever the share).
  const std::vector<std::string> with = first_page(0.1, 0), few = first_page(0, 2), without = first_page(0, 0);
  ASSERT_FALSE(with.empty());
  ASSERT_FALSE(few.empty());
  EXPECT_EQ(with[0], "fireworks") << "its bigrams (불꽃, 꽃놀, 놀이) are the query's rarest: " << join(with)
                                  << " (core/search/query.cc, rare_bag)";
  EXPECT_EQ(few[0], "fireworks") << "its bigrams are in one document, under candidate_bag_min_docs: " << join(few)
                                 << " (core/search/query.cc, rare_bag)";
  EXPECT_FALSE(has(without, "fireworks")) << "the common words alone fill the candidates here, or the test tests nothing: "
                                          << join(without);
}

}  // namespace
}  // namespace sosik::test

namespace sosik::test {
namespace {

std::set<std::string> stems_of(const Analyzer& a, const std::string& word) {
  std::set<std::string> out;
  for (const Token& t : a.analyze(word))
    if (t.type == TokenType::Stem) out.insert(t.term);
  return out;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : " ") + x;
  return out;
}

// The noun list (schemas/korean_nouns.txt) makes each name a noun of its own: without it the
// dictionary reads 바이든 as 바 + 이든 and 기시다 as 길다.
TEST(KoreanNouns, ListedNounsAreNounsOfTheirOwn) {
  auto listed = Analyzer::korean();
  auto unlisted = Analyzer::korean(KoreanStemmer::default_dictionary_dir(), "");
  EXPECT_FALSE(listed->stemmer().nouns_fingerprint().empty());
  EXPECT_TRUE(unlisted->stemmer().nouns_fingerprint().empty());
  struct Case { const char* word; std::set<std::string> stems; const char* misread; };
  const Case cases[] = {
      {"바이든", {}, "바"},         {"바이든이", {"바이든"}, ""},  {"기시다", {}, "기"},
      {"기시다는", {"기시다"}, "길"}, {"문재인", {}, "문재"},      {"화웨이의", {"화웨이"}, ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(stems_of(*listed, c.word), c.stems) << c.word << " with the noun list: " << joined(stems_of(*listed, c.word));
    if (*c.misread) {
      EXPECT_TRUE(stems_of(*unlisted, c.word).count(c.misread))
          << c.word << " without the list was read as " << c.misread << ": the case no longer tests the list";
    }
  }
}

TEST(KoreanNouns, ABadLineIsNamed) {
  TempDir dir;
  write_file(dir / "nouns.txt", "# names\n바이든\nJoe Biden\n");
  try {
    Analyzer::korean(KoreanStemmer::default_dictionary_dir(), dir / "nouns.txt");
    FAIL() << "a line with Latin letters and a space was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nouns.txt:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Analyzer::korean(KoreanStemmer::default_dictionary_dir(), dir / "missing.txt"), std::runtime_error);
}

// An index analysed with one noun list is not searched with another: the stems would differ.
TEST(KoreanNouns, AnIndexIsSearchedWithItsNounList) {
  TempDir dir;
  write_file(dir / "nouns.txt", "바이든\n");
  auto mine = Analyzer::korean(KoreanStemmer::default_dictionary_dir(), dir / "nouns.txt");
  {
    IndexWriter w(dir / "db", mine);
    Article a;
    a.id = "a";
    a.title = "바이든 대통령";
    a.body = "바이든이 연설했다.";
    w.add(a);
  }
  EXPECT_NO_THROW(Searcher(dir / "db", mine, QueryOptions{}, nullptr, 0));
  try {
    Searcher(dir / "db", Analyzer::korean(), QueryOptions{}, nullptr, 0);
    FAIL() << "an index written with another noun list was opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("noun list"), std::string::npos) << e.what();
  }
  EXPECT_THROW(IndexWriter(dir / "db", Analyzer::korean()), std::runtime_error) << "writing with another list";
}

// indexer --print-schema says what an index it writes records, so tools that keep an index
// (bench/) know when it is stale: the same values, read back from a written index.
TEST(KoreanNouns, TheIndexerPrintsWhatAnIndexRecords) {
  TempDir dir;
  CommandResult printed = run_command({SOSIK_INDEXER, "--print-schema"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  json schema = json::parse(printed.out);
  ASSERT_EQ(run_indexer(dir / "db", {source_path("corpus")}).exit_code, 0);
  Xapian::Database db(dir / "db");
  EXPECT_EQ(schema.value(std::string(kSchemaVersionKey), ""), kSchemaVersion) << printed.out;
  EXPECT_FALSE(schema.value(std::string(kNounsKey), "").empty()) << printed.out;
  for (const auto& [key, value] : schema.items())
    EXPECT_EQ(value.get<std::string>(), db.get_metadata(key)) << key << " in " << printed.out;
}

}  // namespace
}  // namespace sosik::test

namespace sosik::test {
namespace {

// The proximity pairs re-score a question's first pair_depth hits only. They re-scored as many
// as the page needed, so a deep page lifted a hit from below that depth over hits that earlier
// pages had shown: the pages repeated one hit and skipped another. Small depths here stand for
// the defaults (pair_depth 30, candidate_depth 100); pages stay within the candidates.
TEST(KoreanPages, DeepPagesOfAQuestionNeitherRepeatNorSkipAHit) {
  TempDir dir;
  std::string lines;
  auto add = [&](const std::string& id, const std::string& body) {
    lines += json({{"id", id}, {"title", "기록 " + id}, {"body", body}}).dump() + "\n";
  };
  for (int i = 0; i < 13; ++i)  // both words, far apart: no pair
    add("apart-" + std::to_string(i), std::string(i % 3 + 1, ' ') + "관동군은 " + filler(1 + i % 4) + "칙어를 " + filler(i % 2));
  add("together", "관동군의 칙어가 내려졌다. " + filler(12));  // the pair, in a long text: low BM25
  add("bigram-only", "관동지방에 비가 내렸다.");  // neither word, one of their bigrams: past the candidates
  for (int i = 0; i < 10; ++i) add("other-" + std::to_string(i), filler(2));
  write_file(dir / "a.jsonl", lines);
  ASSERT_EQ(run_indexer(dir / "db", {dir / "a.jsonl"}).exit_code, 0);

  QueryOptions opt;
  opt.pair_depth = 3;
  opt.candidate_depth = 20;
  opt.pair_max_df = opt.candidate_max_df = opt.bag_max_df = 1;  // every word counts in so small an index
  opt.proximity_weight = 5;  // a pair lifts its hit past any other
  opt.passage_weight = 0;    // no passage rerank: the pairs alone reorder
  Searcher searcher(dir / "db", Analyzer::korean(), opt, nullptr, 0);
  auto page = [&](size_t offset, size_t limit) {
    SearchRequest req;
    req.q = "관동군 칙어는 무엇인가?";
    req.offset = offset;
    req.limit = limit;
    req.snippets = false;
    std::vector<std::string> out;
    for (const Hit& h : searcher.search(req).hits) out.push_back(h.id);
    return out;
  };
  const std::vector<std::string> whole = page(0, 20);
  ASSERT_EQ(whole.size(), 15u) << join(whole);
  EXPECT_EQ(whole.back(), "bigram-only") << "the documents without a query word follow those with one: " << join(whole);
  for (size_t limit : {1, 2, 5}) {
    std::vector<std::string> paged;
    for (size_t offset = 0; offset < whole.size(); offset += limit)
      for (const auto& id : page(offset, limit)) paged.push_back(id);
    EXPECT_EQ(paged, whole) << "pages of " << limit << " (core/search/searcher.cc, pairs_apart): " << join(paged)
                            << "\nwhole list: " << join(whole);
  }
}

}  // namespace
}  // namespace sosik::test
