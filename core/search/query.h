// Query string → Xapian::Query. Syntax ("phrase", -exclude, OR, field:value) is parsed here;
// every word goes through the same Analyzer as the index, so a query can never disagree with it.
// Any input string is a valid query: stray quotes and operators are read as text.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "../analysis/analyzer.h"
#include "aliases.h"
#include "cache.h"

namespace sosik {

struct QueryOptions {
  // Weights measured with bench/relevance (KorQuAD MRR@10, news headline and keyword sets):
  // Weight of all of a word's syllable bigrams (an AND: bigrams are indexed without positions,
  // which scores the same, .9662 → .9663) next to its word forms. It lets a word match
  // inside compounds and other spacing (센터 → 데이터센터); as a ranking signal it adds
  // little beyond the bag below, so it stays small (0.5 → 0.1: news-keywords MRR .933 → .953).
  double bigram_weight = 0.1;
  // The same in queries that need not match every word (longer ones, questions), where the bag
  // below holds the same bigrams and matches any of them: none. KorQuAD MRR .9662 → .9659,
  // korquad-keywords .9012 → .9014, news sets unchanged; questions at 100K articles p50
  // 11.5 → 9.8 ms, mean −20% (query-latency --option loose_bigram_weight=0.1).
  double loose_bigram_weight = 0;
  // Weight of the bag of all the query's syllable bigrams (continuous across spaces), which
  // rewards documents sharing partial words and word sequences: KorQuAD MRR .952 → .962.
  double bigram_bag_weight = 0.5;
  // Bag bigrams in more than this share of the documents are left out of the bag: they weigh
  // little (low idf) yet have the longest posting lists, and they rank noise. KorQuAD MRR
  // .9665 → .9666, news-keywords .9533 → .9733 (0.1: .9664/.9633; 0.3: .9666/.9633; 0.05:
  // .9647/.9600); questions at 100K articles p50 18.6 → 16.7 ms. 1 keeps every bigram. A bag
  // is never emptied: in a small index where every document has the word (the seed and its
  // linked stories), its bigrams' tf is the only signal left.
  double bag_max_df = 0.2;
  // Weight of adjacent query words found within `proximity_window` positions of each other
  // (by their stems): KorQuAD MRR .961 → .963, R@1 .933 → .937; news-keywords unchanged. Only in
  // queries longer than max_strict_words (KorQuAD .9662 → .9665 with short ones left out; keyword
  // queries at 100K articles p50 2.3 → 1.4 ms, bench/query_speed). 0.3 until the candidates
  // (candidate_depth): scored over every match, Xapian 1.4 left the pair's weight out of some
  // documents; over the candidates every pair counts, and then 0.1 ranks best (depth 200, KorQuAD MRR
  // 0.3/0.2/0.1/0.05/0: .9640/.9643/.9658/.9652/.9648; news-keywords .9733 down to .9633 at 0.05).
  double proximity_weight = 0.1;
  Xapian::termcount proximity_window = 6;
  // No pair with a word in more than this share of the documents: questions at 100K articles
  // p50 24 → 16.6 ms; KorQuAD MRR .9665 → .9662 (0.05: .9656, news-keywords .9733 → .9633).
  double pair_max_df = 0.2;
  // Over a relaxed query's candidates, the pairs (which read positions) are scored on the first
  // this many hits by everything else, whatever the page (a deeper page re-scoring deeper made
  // pages repeat and skip hits): weights add, so those hits get the scores the whole query gives
  // them. At 100K articles, per question 0.86× the time (median of the 199 questions, each the
  // best of 6 interleaved runs, snippets off; 156 faster); agreement with scoring every match
  // unchanged (query-latency --agreement: 195/199, .967), as at 20. KorQuAD MRR .9707 at 30
  // and 50, .9705 at 100; korquad-keywords .9029 at all three.
  Xapian::doccount pair_depth = 30;
  // Passage rerank (passage.h): the top `rerank_depth` hits of a relevance-sorted question (ends
  // with '?' or asks with 무엇, 누구, …) of two or more words are re-scored as
  // score × (1 + passage_weight × coverage), coverage being the largest share of the query's idf
  // within `passage_window` words of the body. KorQuAD MRR .9637 → .9662, R@1 .9370 → .9414 (window
  // 12: .9654, 40: .9657, 70: .9652; weight 0.3: .9653, 1.0: .9649). Questions only: on headline
  // queries it cost one of the 50 news articles its first place (MRR .990 → .980).
  // The title's words count as in every stretch (passage_evidence): KorQuAD MRR .9685 → .9688,
  // R@1 .9441 → .9446 (the right paragraph names its subject in the title only); the other sets
  // unchanged.
  // And × (1 + sentence_weight × sentence), the share within one sentence (passage.h). With
  // weight 1 and window 15 (were 0.5 and 25): KorQuAD MRR .9688 → .9707, R@1 .9446 → .9481;
  // sentence 0.5 alone .9698 / .9464, the window and weight alone .9699 / .9469; sentence 0.3 /
  // 0.75: .9705 / .9706; window 10: .9702; passage weight 1.5: .9709 / .9486. korquad-keywords
  // .9032 → .9029 (its few question-shaped queries), the news sets unchanged.
  double passage_weight = 1;
  size_t passage_window = 15;
  double sentence_weight = 0.5;
  // A question asking when (ParsedQuery::asks_when, 640 of KorQuAD's) is re-scored by a further
  // × (1 + date_weight × near_date), near_date being the share of its idf within date_reach words
  // of a date (passage.h). KorQuAD MRR .9673 → .9681, R@1 .9420 → .9435; korquad-keywords
  // .9025 → .9032; news sets unchanged (weight 0.2/0.5: .9679; reach 2/5: .9678; 0.5 and 5: .9681).
  double date_weight = 0.3;
  size_t date_reach = 3;
  // Depth 10 against 20: KorQuAD the same (MRR .9671, R@10 .9962), korquad-keywords R@10 .9797 →
  // .9794, news sets the same; questions at 100K articles mean 3.79 → 3.38 ms (query-latency,
  // snippets on): each hit below the page is one more stored body read and inflated.
  Xapian::doccount rerank_depth = 10;
  // A relaxed query (a question, a long query) is scored whole only on the documents that its
  // words (and rarest bigrams, candidate_bag_max_df) rank first, this many, for every page: they
  // find the candidates, the whole bigram bag and the proximity pairs order them (Searcher::run). Scoring every
  // document that shares a bigram with a question was most of its time: at 100K articles,
  // questions p50 9.8 → 4.2 ms, mean 12.6 → 6.0 ms (query-latency, 199 questions); 200: 5.1 /
  // 7.3 ms. KorQuAD MRR .9660 → .9660, R@1 .9405 → .9400 (200: .9658/.9395; 400: .9659/.9398);
  // korquad-keywords and the news sets unchanged. 0 scores every match.
  Xapian::doccount candidate_depth = 100;
  // The candidates are picked by the words in at most this share of the documents, when any
  // are left: a word in most of them (년, 한, 중: at 100K articles in 86%, 40% and 39%) weighs
  // little and has the longest posting list; the whole query still scores it. 1 keeps all.
  // Questions at 100K articles, snippets off, 1 / 0.2 / 0.1 / 0.05: p50 3.9 / 3.2 / 3.0 / 2.8
  // ms, mean 5.7 / 4.8 / 3.8 / 3.2, p99 32 / 30 / 14 / 12; the same first hit as scoring every
  // match 197 / 197 / 196 / 196 of 199, top-10 overlap .985 / .983 / .977 / .969. KorQuAD
  // MRR .9667 at 0.1, 0.05 and 0.03; the other sets unchanged.
  double candidate_max_df = 0.05;
  // The candidates' query also has the bag's bigrams in at most this share of the documents,
  // weighted as in the bag: a word the documents write only inside a compound or spaced
  // otherwise (불꽃놀이쇼 against 불꽃놀이를) still picks them when the query's other words are
  // common enough to fill the candidates. Found by the news sets among the KorQuAD paragraphs
  // (bench/relevance, news-*-mixed), where a headline's article was not among its candidates:
  // news-headlines-mixed MRR .980 → 1.000, news-keywords-mixed .927 → .947, KorQuAD .9707 →
  // .9710 (R@1 .9485 → .9488, R@100 .9995 → .9997), korquad-keywords .9029 → .9033, the news
  // sets unchanged; about the same at 0.01 and 0.05. Questions at 100K articles, each the best of
  // 3 interleaved runs against none: 0.002 median ratio 1.00, 0.005 1.03, 0.05 1.50 (a bigram's
  // posting list is as long as its share).
  double candidate_bag_max_df = 0.002;
  // And the bag's bigrams in at most this many documents, whatever the share: the share is
  // there for the length of a posting list, and under 50K documents it left out bigrams in two
  // or twenty (a KorQuAD paragraph whose word the query writes with another ending). 0 / 20 /
  // 50 / 100: KorQuAD R@10 .9960 / .9962 / .9962 / .9962, R@100 .9997 / .9997 / .9993 / .9998;
  // korquad-keywords MRR .9035 / .9035 / .9036 / .9036, R@10 .9801 / .9808 / .9808 / .9808; the
  // news sets unchanged. From 50K documents up the share's own count is larger: no change there.
  Xapian::doccount candidate_bag_min_docs = 100;
  // An alias (schemas/aliases.json) ranks below the word as written: a tenth of its weight, so a
  // rare alias (MS) does not outrank a common word as written (마이크로소프트) while results found
  // only through aliases keep their order.
  double alias_weight = 0.1;
  // 초성 queries also match longer initial-consonant strings (ㅅㄹㅇ → 슐레이먼), up to this many.
  Xapian::termcount max_wildcard_terms = 50;
  // Queries of at most this many words require all of them; longer ones and questions match any
  // word and rank by how many match. Documents with only some of a strict query's words follow
  // those with all of them when these do not fill the page (Searcher::run).
  // Short questions relaxed too: KorQuAD R@100 .9986 → .9998, R@10 .9957 → .9965, MRR .9666 →
  // .9665, R@1 .9419 → .9412 (a strict 반류마루 함장의 이름은? found another paragraph only).
  size_t max_strict_words = 3;
  // BM25's term-frequency saturation k1, at Xapian's default. KorQuAD MRR@10 barely moves (.9662;
  // k1 0.6/1.6: .9664/.9643; Lucene's k1 1.2, b 0.75: .9655); the news sets move by one query of
  // 50 either way. Its length normalisation b is written into the index (schema.h, LengthNorm).
  double bm25_k1 = 1.0;
};

// Sets `query` on `enquire`, ranked by BM25 with options.bm25_k1 on an index whose wdf holds the
// length normalisation (schema.h, LengthNorm): every search ranks through it.
void set_bm25_query(Xapian::Enquire& enquire, const Xapian::Query& query, const QueryOptions& options);

// Sets one option by its field name (bigram_weight=0.2), for tuning and benchmark runs; false
// for an unknown name or a value that is not a number ≥ 0.
bool set_query_option(QueryOptions& options, std::string_view name, std::string_view value);

struct ParsedQuery {
  Xapian::Query query;         // what ranks (all words required when `strict`)
  Xapian::Query relaxed;       // any word; used when the strict query finds nothing
  Xapian::Query candidates;    // a relaxed query's words and rarest bigrams, without pairs (else
                               // empty), words in most documents left out (candidate_max_df)
  Xapian::Query any_word;      // all of them, what `total` counts, when `candidates` left some out
  bool strict = false;
  bool question = false;       // ends with '?' or asks with 무엇, 누구, 언제, …
  bool asks_when = false;      // a question asking for a time: 언제, 며칠, 몇 년, …한 해는?
  bool positional = false;     // has a phrase or NEAR: weights need positions (Searcher::run)
  // A relaxed query's proximity pairs (else empty), and the query without them, positional when
  // it has phrases: Searcher::run scores the pairs on the first pair_depth hits only.
  Xapian::Query pairs;
  Xapian::Query unpaired;
  bool unpaired_positional = false;
  std::set<std::string> highlight_terms;    // word forms, for snippets
  std::set<std::string> highlight_bigrams;  // syllable bigrams of the words, for compounds
  std::vector<std::string> words;           // the query's words, normalised (for suggestions)
  // Each positive free-text word's positional form (its stem), in query order: the proximity pairs
  // and the passage rerank (passage.h) look for these.
  std::vector<std::string> heads;
  bool empty() const { return query.empty(); }
};

class QueryBuilder {
 public:
  explicit QueryBuilder(std::shared_ptr<const Analyzer> analyzer, QueryOptions options = {},
                        std::shared_ptr<const AliasTable> aliases = nullptr);
  // `expand_in`: an index of several shards. Wildcards (초성 prefixes) are then expanded against all
  // of it here, as Xapian does in one database; left to Xapian, each shard expands them on its
  // own terms and weighs the matches differently from one database (docs/scale-out.md).
  // `vocabulary`: the index's completion vocabulary (IndexHandle::side()), for 초성 words (without
  // it they match nothing); for one database, its term statistics too (the bigram bag's
  // bag_max_df), which for shards come from `expand_in`.
  ParsedQuery build(std::string_view query, const Xapian::Database* expand_in = nullptr,
                    const Xapian::Database* vocabulary = nullptr) const;
  const QueryOptions& options() const { return options_; }
  // Changes whenever the alias file is reloaded (0 without aliases).
  unsigned aliases_generation() const { return aliases_ ? aliases_->generation() : 0; }

 private:
  // Document frequencies of terms in one revision of one database (revision_key), for the share
  // thresholds (bag_max_df, candidate_max_df, pair_max_df): a question looked up 43, 31 of them
  // distinct, each a B-tree leaf read, 276 of the 311 us its query took to build at 100K
  // articles. Emptied when the revision changes; none for shards (no single revision).
  Xapian::doccount term_freq(const Xapian::Database& db, const std::string& revision, const std::string& term) const;

  std::shared_ptr<const Analyzer> analyzer_;
  QueryOptions options_;
  std::shared_ptr<const AliasTable> aliases_;
  std::shared_ptr<RevisionCache<Xapian::doccount>> freqs_ = std::make_shared<RevisionCache<Xapian::doccount>>(200'000);
};

// Terms starting with `prefix`, as one synonym: OP_WILDCARD, or with `expand` the terms found
// there; past `max`, only the `max` most frequent (never Xapian::WildcardError).
Xapian::Query wildcard_query(const std::string& prefix, Xapian::termcount max, const Xapian::Database* expand = nullptr);

// A query matching every document, made fresh. Never copy Xapian::Query::MatchAll: it is one
// static object whose reference count is not atomic, so copies made by two request threads at
// once corrupt it (ASan heap-use-after-free in CI, Concurrency.SearchdServesWhileTheIndexerCommits).
inline Xapian::Query match_all() { return Xapian::Query(std::string()); }

}  // namespace sosik
