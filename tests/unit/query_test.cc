// Query building (core/search/query.h): tables of query string → the shape of its Xapian query.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "analysis/analyzer.h"
#include "index/document.h"
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
      // Not a number with its counter: found as one term in every form (2016년에 → 2016년).
      {"5월 4일", true, false, false, false},
      {"방탄소년단 2016년", true, false, false, false},
      // Longer queries (questions) rank by how many words match, and by adjacent pairs nearby.
      {"마이크로소프트는 어느 회사에 지분 투자를 했나?", false, true, true, false},
      {"나델라 최고경영자 협력 계속 발표", false, true, true, false},
      // A short question too: the answer's text may lack the word it asks with (이름은).
      {"반류마루 함장의 이름은?", false, true, true, false},
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    EXPECT_EQ(pq.strict, c.strict) << c.q << ": max_strict_words in query.h";
    EXPECT_EQ(pq.positional, c.positional) << c.q << ": " << pq.query.get_description();
    EXPECT_EQ(has(pq.query, "NEAR"), c.near) << c.q << ": " << pq.query.get_description();
    EXPECT_EQ(has(pq.query, "PHRASE"), c.phrase) << c.q << ": " << pq.query.get_description();
  }
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A query's description without the weights Xapian prints before scaled subqueries
// ("0.5999999999999999778 * XB이터" → "XB이터"), so a table can name the shape alone.
std::string shape(const Xapian::Query& q) {
  static const std::regex kScale("[0-9.]+ \\* ");
  return std::regex_replace(q.get_description(), kScale, "");
}

// The bag of bigrams leaves out those in more than bag_max_df of the documents, unless that
// would leave it empty (a small index where every document has the query's word). Read on the
// relaxed query, which keeps the whole bag (the strict one moves it onto its words).
TEST(QueryBuilder, BagLeavesOutBigramsInMostDocuments) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 10; ++i) {
    Xapian::Document d;
    d.add_term("XB데이");                 // in every document
    if (i == 0) d.add_term("XB센터");     // in one
    db.add_document(d);
  }
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; size_t data_bigrams, center_bigrams; };
  const Case cases[] = {
      // Once in the word's own bigram AND; the bag keeps only the rare bigram.
      {"데이터센터", 1, 2},
      // Every bag bigram is common: the bag keeps them all.
      {"데이", 2, 0},
  };
  for (const auto& c : cases) {
    std::string d = builder.build(c.q, nullptr, &db).relaxed.get_description();
    EXPECT_EQ(count(d, "XB데이"), c.data_bigrams) << c.q << ": " << d;
    EXPECT_EQ(count(d, "XB센터"), c.center_bigrams) << c.q << ": " << d;
  }
  // In the strict query the common bigram keeps only its word's weight (bigram_weight).
  std::string d = builder.build("데이터센터", nullptr, &db).query.get_description();
  EXPECT_EQ(count(d, "0.10000000000000000555 * XB데이"), 1u) << d;
  EXPECT_EQ(count(d, "0.5999999999999999778 * XB센터"), 1u) << d;
}

// The builder keeps the frequencies it looked up for one revision of an index (query.h,
// term_freq), and only for it: once a commit makes a bigram common and the database is reopened,
// the bag leaves it out. An on-disk index: only those have revisions.
TEST(QueryBuilder, TermFrequenciesFollowTheIndexRevision) {
  std::string dir = (std::filesystem::temp_directory_path() / "sosik-query-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr) << dir;
  struct Remove {
    const std::string& dir;
    ~Remove() { std::filesystem::remove_all(dir); }  // also when an assertion returns early
  } remove{dir};
  {
    Xapian::WritableDatabase w(dir, Xapian::DB_CREATE_OR_OPEN);
    auto add = [&](bool center) {
      Xapian::Document d;
      d.add_term("XB데이");
      if (center) d.add_term("XB센터");
      w.add_document(d);
    };
    for (int i = 0; i < 10; ++i) add(i == 0);
    w.commit();
    QueryBuilder builder(Analyzer::korean());
    Xapian::Database db(dir);
    auto center = [&] { return count(builder.build("데이터센터", nullptr, &db).relaxed.get_description(), "XB센터"); };
    EXPECT_EQ(center(), 2u) << "XB센터 in 1 of 10 documents: in the bag";
    for (int i = 0; i < 10; ++i) add(true);
    w.commit();
    EXPECT_EQ(center(), 2u) << "the database still reads the revision it opened";
    db.reopen();
    EXPECT_EQ(center(), 1u) << "XB센터 in 11 of 20 documents: a frequency cached for the revision before was used";
  }
}

// A word's bigram AND (its syllable bigrams, all of them) is what lets a word of a strict query
// match inside a compound; in a query that needs not match every word, the bag matches any of
// the same bigrams, so the AND is left out (loose_bigram_weight).
TEST(QueryBuilder, WordBigramsAreAnAndOnlyInStrictQueries) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; bool strict; size_t ands_of_word_bigrams; };
  const Case cases[] = {
      {"데이터센터 전력", true, 1},                          // 데이터센터's four bigrams, AND-ed
      {"데이터센터", true, 1},
      {"데이터센터는 왜 전력을 많이 쓰나?", false, 0},        // a question
      {"데이터센터 전력 문제 해결 방안 발표", false, 0},      // more than max_strict_words
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::string d = shape(pq.query);
    EXPECT_EQ(pq.strict, c.strict) << c.q;
    EXPECT_EQ(count(d, "(XB데이 AND XB이터 AND XB터센 AND XB센터)"), c.ands_of_word_bigrams) << c.q << ": " << d;
    EXPECT_GE(count(d, "XB터센"), 1u) << c.q << ": the bag or the AND should hold the compound's bigrams: " << d;
  }
  QueryOptions loose;
  loose.loose_bigram_weight = 0.1;
  std::string d = shape(QueryBuilder(Analyzer::korean(), loose).build("데이터센터는 왜 전력을 많이 쓰나?").query);
  EXPECT_EQ(count(d, "(XB데이 AND XB이터 AND XB터센 AND XB센터)"), 1u) << d;
}

// In a strict query, each word's bigrams carry the bag's weight for them on the word's own
// AND: each posting list read once, the weights as before (bench/relevance unchanged). The
// relaxed query, which ranks documents lacking a word, keeps the whole bag: there a document
// earns the bigrams of the word it has in part.
TEST(QueryBuilder, WordsTakeTheirBigramsBagWeightInStrictQueries) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; const char* term; size_t times, relaxed_times; bool bag; };
  const Case cases[] = {
      {"도쿄 학예", "XB도쿄", 1, 2, true},                  // both words merged; 쿄학 stays in the bag
      {"데이터센터 전력", "XB데이", 1, 2, true},
      {"\"도쿄\" \"학예\"", "XB도쿄", 1, 2, false},       // no bigram across quotes: no bag left
      {"데이터센터의 전력", "XB데이", 1, 2, true},          // 터의 stays in the bag
      {"데이터센터의 전력", "XB터의", 1, 1, true},
      {"도쿄의 학예는 무엇인가?", "XB도쿄", 1, 1, true},    // a question: no word AND, the bag alone
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::string d = pq.query.get_description();
    EXPECT_EQ(count(d, c.term), c.times) << c.q << ": " << d;
    EXPECT_EQ(count(d, "0.5 * (") + count(d, "0.5 * XB"), c.bag ? 1u : 0u) << c.q << ": the bag (QueryOptions::bigram_bag_weight): " << d;
    EXPECT_EQ(count(pq.relaxed.get_description(), c.term), c.relaxed_times) << c.q << ": " << pq.relaxed.get_description();
  }
  EXPECT_EQ(count(builder.build("도쿄 학예").query.get_description(), "0.59999"), 2u) << "0.1 + 0.5 on each word's bigram";
  EXPECT_EQ(count(builder.build("데이터센터").query.get_description(), "0.59999"), 4u) << "0.1 + 0.5 on each of its bigrams";
}

// Words written apart in the query add the bigram across their space to the bag, as a phrase
// does: it rewards the compound (데이터 센터 → 데이터센터) and the words in the query's order.
// Not after a particle or ending, nor across a dropped question word, an exclusion or a field.
TEST(QueryBuilder, BagHoldsTheBigramAcrossASpace) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; const char* term; size_t times; };
  const Case cases[] = {
      {"데이터 센터", "XB터센", 1},                    // the bag only: neither word has it
      {"데이터센터", "XB터센", 2},                     // the word's AND and the bag
      {"삼성 전자 실적", "XB성전", 1},
      {"삼성 전자 실적", "XB자실", 1},
      {"마이크로소프트는 오픈AI", "XB는오", 0},         // after a particle, as the analyser has it
      {"마이크로 소프트", "XB로소", 1},                // 로 also ends nouns (ends_in_particle)
      {"데이터 무엇 센터?", "XB터센", 0},              // 무엇 is dropped, the words are not adjacent
      {"데이터 무엇 센터?", "XB터무", 0},
      {"-데이터 센터", "XB터센", 0},                   // an exclusion
      {"title:데이터 센터", "XB터센", 0},              // a field
      {"데이터 \"센터 전력\"", "XB터센", 0},           // a phrase has its own bigrams
  };
  for (const auto& c : cases) {
    std::string d = builder.build(c.q).relaxed.get_description();
    EXPECT_EQ(count(d, c.term), c.times) << c.q << ": bigram_across in QueryBuilder::build: " << d;
  }
}

// A relaxed query's candidates are picked by its words in at most candidate_max_df of the
// documents; when every word is that common, by all of them; and by the bag's bigrams in at most
// candidate_bag_max_df of them (none that no document has). The whole query keeps every word.
TEST(QueryBuilder, CandidatesLeaveOutWordsInMostDocuments) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 20; ++i) {
    Xapian::Document d;
    d.add_term("정부");                  // in every document
    d.add_term("발표");
    if (i == 0) d.add_term("나델라");     // in one
    if (i == 1) d.add_term("협력");       // in one of 20: at the 0.05 limit, kept
    d.add_term("XB정부");
    if (i == 0) d.add_term("XB델라");     // a bigram at the candidate_bag_max_df limit (0.05 here)
    db.add_document(d);
  }
  QueryOptions options;
  options.candidate_bag_max_df = 0.05;
  QueryBuilder builder(Analyzer::korean(), options);
  struct Case { const char* q; std::vector<const char*> picked, left_out; };
  const Case cases[] = {
      {"정부 나델라 협력 발표 계속 소식", {"나델라", "협력", "XB델라"}, {"정부", "발표"}},  // 정부: XB정부 too
      {"정부는 무엇을 발표했나?", {"정부", "발표"}, {}},  // every word common: all of them
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q, nullptr, &db);
    std::string cand = pq.candidates.get_description(), whole = pq.query.get_description();
    for (const char* t : c.picked) EXPECT_NE(cand.find(t), std::string::npos) << c.q << ": candidates " << cand;
    for (const char* t : c.left_out) {
      EXPECT_EQ(cand.find(t), std::string::npos) << c.q << ": candidates (candidate_max_df) " << cand;
      EXPECT_NE(whole.find(t), std::string::npos) << c.q << ": the whole query keeps it: " << whole;
    }
  }
}

// A mixed word's forms are the whole word's (2016년에 → 2016년), never a form of one part:
// 일 of 20일에 would match every article with 일, and the bigram 일에 every article with 일에.
TEST(QueryBuilder, AMixedWordIsNotItsPartsForms) {
  QueryOptions no_bag;  // the bag rewards 전자 of LG전자는, and may: it matches nothing alone
  no_bag.bigram_bag_weight = 0;
  QueryBuilder builder(Analyzer::korean(), no_bag);
  struct Case { const char* q; std::vector<const char*> has, lacks; };
  const Case cases[] = {
      {"20일에", {"20일에", "20일"}, {"일", "XB일에"}},
      {"LG전자는", {"lg전자는", "lg전자", "lg"}, {"전자는", "XB전자"}},  // 전자 only in the parts' phrase, below
      {"2016년에 데뷔한 가수는 누구인가?", {"2016년에", "2016년"}, {"년에"}},  // 년: the phrase's
  };
  // A document with only the parts' forms (일, 전자, 년) is no match: they are in the phrase only.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document parts_only;
  for (const char* t : {"일", "전자", "년"}) parts_only.add_posting(t, 1);
  db.add_document(parts_only);
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::set<std::string> terms(pq.query.get_unique_terms_begin(), pq.query.get_unique_terms_end());
    for (const char* t : c.has) EXPECT_TRUE(terms.count(t)) << c.q << " should have " << t << ": " << pq.query.get_description();
    for (const char* t : c.lacks) EXPECT_FALSE(terms.count(t)) << c.q << " should lack " << t << " (group_words): " << pq.query.get_description();
    Xapian::Enquire enquire(db);
    enquire.set_query(pq.query);
    EXPECT_EQ(enquire.get_mset(0, 10).size(), 0u) << c.q << " matched a part's form alone (group_words): " << pq.query.get_description();
  }
}

// The phrase of a mixed word's parts holds each part by its stem, as the index does at the
// part's position: S7엣지의 finds S7엣지, S7엣지가 and S7 엣지.
TEST(QueryBuilder, AMixedWordsPartsAreMatchedByTheirStems) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; const char* phrase; };
  const Case cases[] = {
      {"S7엣지의 카메라", "(s PHRASE 3 7 PHRASE 3 엣지)"},
      {"LG전자는 삼성", "(lg PHRASE 2 전자)"},
      {"오픈AI의 챗GPT", "(오픈 PHRASE 2 ai)"},  // 오픈AI의: the particle is no part
      {"챗GPT를 쓴다", "(챗 PHRASE 2 gpt)"},
  };
  for (const auto& c : cases) {
    std::string d = builder.build(c.q).query.get_description();
    EXPECT_NE(d.find(c.phrase), std::string::npos) << c.q << ": WordForms::part_stems in group_words: " << d;
  }
}

// A question word written onto a noun (몇층으로, 어느나라) asks with the question word and
// describes the answer with the noun: the noun stays, the question word goes.
TEST(QueryBuilder, TheNounAfterAQuestionWordStays) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; std::vector<const char*> heads; };
  const Case cases[] = {
      {"노아의 방주는 몇층으로 구성되어 있었는가?", {"노아", "방주", "층", "구성", "있"}},
      {"임세영은 어느나라를 멸망시켰는가?", {"임세영", "나라", "멸망"}},
      {"헤이그가 퇴역한 것은 몇년도에 있었나?", {"헤이그", "퇴역", "것", "년도", "있"}},
      {"마이크로소프트는 무엇을 협상했나?", {"마이크로소프트", "협상"}},  // 무엇을: no noun on it
      {"몇 층인가?", {"층"}},
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::vector<std::string> want(c.heads.begin(), c.heads.end());
    EXPECT_EQ(pq.heads, want) << c.q << ": asked_noun in QueryBuilder::build: " << pq.query.get_description();
    EXPECT_TRUE(pq.question) << c.q;
  }
}

// A question that asks for a time, whose answer is a date (the passage rerank's near_date).
TEST(QueryBuilder, AQuestionAskingWhenIsMarked) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; bool asks_when; };
  const Case cases[] = {
      {"천안함 피격 사건은 언제 일어났는가?", true}, {"한남대교가 만들어진 해는?", true},
      {"임종석이 지명수배 된 날은?", true},          {"전쟁이 끝난 연도는?", true},
      {"몇 년에 태어났나?", true},                   {"헤이그가 퇴역한 것은 몇년도에 있었나?", true},
      {"며칠 동안 열렸나?", true},                   {"몇 개의 앨범이 있나?", false},
      {"1989년 평양축전에 파견된 인물은?", false},   {"해는 어디서 뜨나?", false},
      {"공사에 소요된 기간은?", false},
      {"한남대교 준공 연도", false},  // no question: keywords rank as keywords
  };
  for (const auto& c : cases)
    EXPECT_EQ(builder.build(c.q).asks_when, c.asks_when) << c.q << ": asks_when in QueryBuilder::build";
}

// A particle that punctuation cut off its word (베를린》에 → 베를린, 에) is no word: the
// query keeps three words, all required, rather than four of which any may match.
TEST(QueryBuilder, AParticleCutOffByPunctuationIsNoWord) {
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; std::vector<const char*> words; bool strict; };
  const Case cases[] = {
      {"2013년 영화 베를린》에", {"2013년", "영화", "베를린"}, true},
      {"《기생충》의 수상", {"기생충", "수상"}, true},
      {"에", {"에"}, true},  // alone it is all there is
  };
  for (const auto& c : cases) {
    ParsedQuery pq = builder.build(c.q);
    std::vector<std::string> want(c.words.begin(), c.words.end());
    EXPECT_EQ(pq.words, want) << c.q << ": " << pq.query.get_description();
    EXPECT_EQ(pq.strict, c.strict) << c.q;
  }
}

// No proximity pair with a word in more than pair_max_df of the documents.
TEST(QueryBuilder, NoProximityPairWithACommonWord) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 10; ++i) {
    Xapian::Document d;
    d.add_term("나델라");  // in every document
    db.add_document(d);
  }
  QueryBuilder builder(Analyzer::korean());
  struct Case { const char* q; size_t pairs; };
  const Case cases[] = {
      {"협력 발표 계속 소식 전망", 4},   // every adjacent pair
      {"나델라 협력 발표 계속 소식", 3},  // not 나델라–협력
      {"협력 나델라 발표 계속 소식", 2},  // neither pair with 나델라
  };
  for (const auto& c : cases) {
    std::string d = builder.build(c.q, nullptr, &db).query.get_description();
    EXPECT_EQ(count(d, " NEAR "), c.pairs) << c.q << ": " << d;
  }
}

// Tuning and benchmark runs name options as text (relevance sosik:NAME=VALUE, query-latency
// --option): every name sets its field, and nothing else is taken.
TEST(QueryOptionsByName, SetsTheNamedFieldAndRefusesTheRest) {
  struct Case { const char* name; const char* value; bool ok; double QueryOptions::*field; double want; };
  const Case cases[] = {
      {"bigram_weight", "0.25", true, &QueryOptions::bigram_weight, 0.25},
      {"loose_bigram_weight", "0.1", true, &QueryOptions::loose_bigram_weight, 0.1},
      {"bigram_bag_weight", "0", true, &QueryOptions::bigram_bag_weight, 0},
      {"proximity_weight", "1", true, &QueryOptions::proximity_weight, 1},
      {"passage_weight", "0.75", true, &QueryOptions::passage_weight, 0.75},
      {"bag_max_df", "1", true, &QueryOptions::bag_max_df, 1},
      {"candidate_max_df", "0.3", true, &QueryOptions::candidate_max_df, 0.3},
      {"bm25_k1", "0.3", true, &QueryOptions::bm25_k1, 0.3},
      {"bm25_b", "0.3", false, &QueryOptions::bm25_k1, QueryOptions{}.bm25_k1},     // index-time (schema.h)
      {"bm25_k1", "-1", false, &QueryOptions::bm25_k1, QueryOptions{}.bm25_k1},      // negative
      {"bm25_k1", "1x", false, &QueryOptions::bm25_k1, QueryOptions{}.bm25_k1},      // not a number
      {"bm25_k1", "", false, &QueryOptions::bm25_k1, QueryOptions{}.bm25_k1},        // empty
      {"no_such_option", "1", false, &QueryOptions::bm25_k1, QueryOptions{}.bm25_k1},
  };
  for (const auto& c : cases) {
    QueryOptions o;
    EXPECT_EQ(set_query_option(o, c.name, c.value), c.ok) << c.name << "=" << c.value << ": set_query_option in query.cc";
    EXPECT_DOUBLE_EQ(o.*c.field, c.want) << c.name << "=" << c.value;
  }
  QueryOptions o;
  ASSERT_TRUE(set_query_option(o, "proximity_window", "9"));
  EXPECT_EQ(o.proximity_window, 9u);
  ASSERT_TRUE(set_query_option(o, "max_strict_words", "2"));
  EXPECT_EQ(o.max_strict_words, 2u);
}

// The index holds BM25's length normalisation in its wdf (schema.h, LengthNorm) and queries rank
// with b = 0 (set_bm25_query): the weights must be Xapian's own BM25 on the raw wdf, in an index
// whose average length is the reference length. Rows: a document's length and the wdf of 목표
// in it (the rest is 채움); the short one is under min_norm, the long ones over the average.
TEST(Ranking, WeightsAreBm25WithTheLengthNormalisationWrittenInTheIndex) {
  struct Row { Xapian::termcount length, wdf; };
  const Row rows[] = {{20, 1}, {980, 2}, {1500, 1}, {1500, 6}};
  Xapian::termcount total = 0;
  for (const Row& r : rows) total += r.length;
  ASSERT_EQ(total / std::size(rows), kLengthNorm.reference_length) << "the table's average length must be the reference";
  Xapian::WritableDatabase raw(std::string(), Xapian::DB_BACKEND_INMEMORY), normalised(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (const Row& r : rows) {
    const TermCounts counts{{"목표", r.wdf}, {"채움", r.length - r.wdf}};
    Xapian::Document doc;
    for (const auto& [term, wdf] : counts) doc.add_term(term, wdf);
    raw.add_document(doc);
    Xapian::Document ours;
    add_normalised_terms(ours, counts);
    normalised.add_document(ours);
  }
  QueryOptions options;
  for (const char* q : {"목표", "채움"}) {
    Xapian::Query query(Xapian::Query::OP_OR, Xapian::Query(q), Xapian::Query("목표"));
    Xapian::Enquire expected(raw);
    expected.set_weighting_scheme(Xapian::BM25Weight(options.bm25_k1, 0, 1, kLengthNorm.b, kLengthNorm.min_norm));
    expected.set_query(query);
    Xapian::Enquire ours(normalised);
    set_bm25_query(ours, query, options);
    Xapian::MSet want = expected.get_mset(0, 10), got = ours.get_mset(0, 10);
    ASSERT_EQ(got.size(), want.size()) << q;
    for (Xapian::doccount i = 0; i < want.size(); ++i) {
      EXPECT_EQ(*got[i], *want[i]) << q << ": rank " << i << " differs (document.cc add_normalised_terms, query.cc set_bm25_query)";
      EXPECT_NEAR(got[i].get_weight(), want[i].get_weight(), 0.01 * want[i].get_weight()) << q << ", document " << *want[i];
    }
  }
}

}  // namespace
}  // namespace sosik
