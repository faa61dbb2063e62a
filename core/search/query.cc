#include "query.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include <unicode/utf8.h>

#include "../analysis/hangul.h"
#include "../analysis/normalizer.h"
#include "../index/document.h"
#include "../index/writer.h"
#include "../schema.h"

namespace sosik {
namespace {

using Q = Xapian::Query;

// One clause of the query string as the user wrote it.
struct Clause {
  std::string text;
  std::string field;   // "", "title", "outlet", "reporter", "section"
  bool phrase = false;
  bool exclude = false;
  bool or_with_previous = false;
};

// Splits the query into clauses. Unbalanced quotes end at the end of the string; a '-' or
// 'field:' with nothing after it is dropped as text would be: nothing here can fail.
std::vector<Clause> split_clauses(std::string_view q) {
  static const std::set<std::string, std::less<>> kFields = {"title", "outlet", "reporter", "section"};
  std::vector<Clause> out;
  bool pending_or = false;
  size_t i = 0;
  while (i < q.size()) {
    while (i < q.size() && is_ascii_space(q[i])) ++i;
    if (i >= q.size()) break;
    Clause c;
    if (q[i] == '-' && i + 1 < q.size() && !is_ascii_space(q[i + 1]) && q[i + 1] != '-') {
      c.exclude = true;
      ++i;
    }
    // field:value
    size_t colon = q.find(':', i);
    if (colon != std::string_view::npos && colon > i) {
      std::string_view name = q.substr(i, colon - i);
      if (kFields.count(name) && colon + 1 < q.size() && !is_ascii_space(q[colon + 1])) {
        c.field = std::string(name);
        i = colon + 1;
      }
    }
    if (q[i] == '"') {
      size_t close = q.find('"', i + 1);
      size_t end = close == std::string_view::npos ? q.size() : close;
      c.text = std::string(q.substr(i + 1, end - i - 1));
      c.phrase = close != std::string_view::npos;
      i = close == std::string_view::npos ? q.size() : close + 1;
    } else {
      size_t end = i;
      while (end < q.size() && !is_ascii_space(q[end])) ++end;
      c.text = std::string(q.substr(i, end - i));
      i = end;
    }
    if (!c.exclude && c.field.empty() && !c.phrase && c.text == "OR") {
      pending_or = !out.empty();
      continue;
    }
    c.or_with_previous = pending_or;
    pending_or = false;
    out.push_back(std::move(c));
  }
  return out;
}

// The forms of one analysed word, grouped from the token stream.
struct WordForms {
  std::vector<std::string> forms;  // Word + Stem terms (distinct), the Word first
  std::vector<std::string> parts;  // Part terms of a mixed word, in order
  // The same, each by its shortest stem where it has one (엣지 of S7엣지의), as the index holds
  // it at the part's position: the parts' phrase then finds the word with any ending, and
  // written apart (S7 엣지가).
  std::vector<std::string> part_stems;
  std::string longest_hangul;      // the form whose bigrams back the word up
  uint32_t index = 0;              // the word's index in the token stream
  bool interrogative = false;      // 무엇, 누구, 언제, … : asks, does not describe

  // The form the index holds with positions (document.cc, has_whole_stem): the shortest stem, or
  // the word as written when it has none. Phrases and proximity are matched on it.
  const std::string& positional() const {
    if (forms.size() == 1) return forms.front();
    auto shortest = std::min_element(forms.begin() + 1, forms.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    return *shortest;
  }
};

// Question words say what is asked, not what the answer's text contains: a question such as
// '김영삼 대통령이 서거한 나이는 몇인가?' is answered by a text without 몇 or 무엇.
bool is_interrogative(const std::string& form) {
  static const std::string_view kWords[] = {"무엇", "누구", "언제", "어디", "어떤", "어느", "어떻게", "무슨", "얼마", "몇", "왜", "뭐"};
  for (std::string_view w : kWords)
    if (form.compare(0, w.size(), w) == 0 && (w.size() > 3 || form.size() <= 9)) return true;
  return false;
}

// Digits and then Hangul, the parts of 3월, 2016년, 1억원.
bool is_counted_number(const std::vector<std::string>& parts) {
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return false;
  if (!std::all_of(parts[0].begin(), parts[0].end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(parts[1].data(), i, static_cast<int32_t>(parts[1].size()), c);
  return is_hangul_syllable(static_cast<char32_t>(c));
}

std::vector<WordForms> group_words(const Tokens& tokens) {
  std::map<uint32_t, WordForms> by_word;
  std::map<uint32_t, const Token*> word_tokens;  // each word's Word token
  const Token* last_part = nullptr;  // a part's stems follow it
  for (const Token& t : tokens) {
    if (t.type == TokenType::Bigram) continue;
    WordForms& w = by_word[t.word];
    if (t.type == TokenType::Part) {
      w.parts.push_back(t.term);
      w.part_stems.push_back(t.term);
      last_part = &t;
      continue;
    }
    if (t.type == TokenType::Word) word_tokens[t.word] = &t;
    // A form of one part of a mixed word (일 of 20일에, 전자 of LG전자는) is no form of the word:
    // the word would match every article with 일. The parts' phrase uses it in the index.
    if (auto s = word_tokens.find(t.word); t.type == TokenType::Stem && s != word_tokens.end() && !is_whole_word_form(*s->second, t)) {
      if (last_part && last_part->word == t.word && last_part->start == t.start && last_part->end == t.end &&
          t.term.size() < w.part_stems.back().size())
        w.part_stems.back() = t.term;
      continue;
    }
    if (std::find(w.forms.begin(), w.forms.end(), t.term) == w.forms.end()) w.forms.push_back(t.term);
  }
  std::vector<WordForms> out;
  for (auto& [index, w] : by_word) {
    w.index = index;
    w.interrogative = std::any_of(w.forms.begin(), w.forms.end(), is_interrogative);
    // The shortest multi-syllable form is the stem without particles: its bigrams occur in every
    // inflected form (마이크로소프트와 → 마이크로소프트). Not for a mixed word, whose Hangul
    // bigrams are only part of it (20일에: 일에); the phrase of its parts finds other spacing.
    if (w.parts.size() > 1) {
      out.push_back(std::move(w));
      continue;
    }
    for (const auto& f : w.forms) {
      auto bg = syllable_bigrams(f);
      if (bg.empty()) continue;
      if (w.longest_hangul.empty() || f.size() < w.longest_hangul.size()) w.longest_hangul = f;
    }
    out.push_back(std::move(w));
  }
  return out;
}

Q terms_query(Q::op op, const std::vector<std::string>& terms, const std::string& prefix = "", Xapian::termcount window = 0) {
  std::vector<Q> qs;
  for (const auto& t : terms) qs.emplace_back(prefix + t);
  if (qs.empty()) return Q();
  if (qs.size() == 1) return qs[0];
  return Q(op, qs.begin(), qs.end(), window);
}

}  // namespace

QueryBuilder::QueryBuilder(std::shared_ptr<const Analyzer> analyzer, QueryOptions options,
                           std::shared_ptr<const AliasTable> aliases)
    : analyzer_(std::move(analyzer)), options_(options), aliases_(std::move(aliases)) {}

// At most `max` expansions, the most frequent: past the limit Xapian's default throws
// WildcardError, which made a common prefix (suggest q=이 on a real index) a 503.
Xapian::Query wildcard_query(const std::string& prefix, Xapian::termcount max, const Xapian::Database* expand) {
  if (!expand) return Q(Q::OP_WILDCARD, prefix, max, Q::WILDCARD_LIMIT_MOST_FREQUENT);
  std::vector<std::pair<Xapian::doccount, std::string>> terms;
  for (auto t = expand->allterms_begin(prefix); t != expand->allterms_end(prefix); ++t) terms.emplace_back(t.get_termfreq(), *t);
  if (max && terms.size() > max) {
    std::partial_sort(terms.begin(), terms.begin() + max, terms.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    terms.resize(max);
  }
  std::vector<std::string> names;
  for (auto& t : terms) names.push_back(std::move(t.second));
  return Q(Q::OP_SYNONYM, names.begin(), names.end());
}

namespace {

// The vocabulary's words whose initial consonants are `cho` (exact) or start with it (all): the
// `max` in most documents of `index`.
std::pair<std::vector<std::string>, std::vector<std::string>> choseong_words(const Xapian::Database& vocabulary,
                                                                             const Xapian::Database& index,
                                                                             const std::string& cho, Xapian::termcount max) {
  const std::string key = std::string(kChoseongKey) + cho;
  std::vector<std::pair<Xapian::doccount, std::string>> found;
  std::set<std::string> exact;
  size_t keys = 0;
  for (auto k = vocabulary.synonym_keys_begin(key); k != vocabulary.synonym_keys_end(key) && keys < 500; ++k, ++keys)
    for (auto w = vocabulary.synonyms_begin(*k); w != vocabulary.synonyms_end(*k); ++w) {
      found.emplace_back(index.get_termfreq(*w), *w);
      if (*k == key) exact.insert(*w);
    }
  if (max && found.size() > max) {
    std::partial_sort(found.begin(), found.begin() + max, found.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    found.resize(max);
  }
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (auto& [freq, w] : found) {
    if (exact.count(w)) out.first.push_back(w);
    out.second.push_back(std::move(w));
  }
  return out;
}

}  // namespace

Xapian::doccount QueryBuilder::term_freq(const Xapian::Database& db, const std::string& revision, const std::string& term) const {
  if (revision.empty()) return db.get_termfreq(term);
  if (auto df = freqs_->get(term, revision)) return *df;
  const Xapian::doccount df = db.get_termfreq(term);
  freqs_->put(term, revision, df);
  return df;
}

ParsedQuery QueryBuilder::build(std::string_view raw, const Xapian::Database* expand_in,
                                const Xapian::Database* vocabulary) const {
  ParsedQuery pq;
  std::vector<Q> positives;   // one per clause (OR groups merged)
  std::vector<Q> loose;        // every word on its own, plus phrases as a bonus: the relaxed query
  std::vector<Q> rare;         // the same without words in most documents: a relaxed query's candidates
  std::vector<std::string> bag;  // every syllable bigram of the positive words
  std::vector<Q> excludes, filters;
  // Term statistics of all the shards (expand_in), or of the one database, which is then the
  // vocabulary too.
  const Xapian::Database* stats = expand_in ? expand_in : vocabulary;
  // Terms in more than `share` of the documents weigh little and have the longest posting lists:
  // the bag and the proximity pairs leave them out. A term in at most `floor` documents is never
  // common: so short a posting list costs nothing, whatever share of a small index it is.
  const std::string revision = stats ? revision_key(*stats) : std::string();
  auto common = [&](const std::string& term, double share, Xapian::doccount floor = 0) {
    return stats && term_freq(*stats, revision, term) > std::max(share * stats->get_doccount(), static_cast<double>(floor));
  };

  // One word: its forms, its parts in order (mixed script), all its syllable bigrams
  // (inside compounds); a 초성 word searches initial consonants; an alias adds its group. With
  // `merge`, the word's bigrams found there are taken out of that bag and weighted here.
  std::vector<std::string> strict_bag;  // the bag of the strict query, after merges
  std::function<Q(const WordForms&, const std::string&, bool, std::vector<std::string>*)> word_query =
      [&](const WordForms& w, const std::string& prefix, bool expand, std::vector<std::string>* merge) {
    std::vector<Q> alts;
    if (prefix.empty() && is_choseong_only(w.forms.front()) && w.forms.front().size() > 3) {
      // 초성 (ㅅㄹㅇㅁ): the words of the vocabulary with those initial consonants, exactly (counted
      // twice) or as a start (ㅅㄹㅇ → 슐레이먼). Read from the vocabulary rather than indexed as a
      // term per word and article, which cost 15% of the indexing time.
      if (!vocabulary) return Q(std::string(kChoseongKey) + w.forms.front());  // no such term: nothing
      auto [exact, all] = choseong_words(*vocabulary, *stats, w.forms.front(), options_.max_wildcard_terms);
      return Q(Q::OP_OR, terms_query(Q::OP_SYNONYM, exact), terms_query(Q::OP_SYNONYM, all));
    }
    Q forms = terms_query(Q::OP_SYNONYM, w.forms, prefix);
    if (!forms.empty()) alts.push_back(forms);
    // The phrase of its parts finds a mixed word written with other spacing (오픈 AI). Not a
    // number with its counter (3월, 2016년, 1억원) in a short query: written apart almost
    // never, in every other article, and as a phrase the slowest keyword queries (positions of
    // 3 and 월, every match scored: '5월 4일' took 14 ms at 100K articles). A longer query or a
    // question scores its phrases over its candidates only, and there the phrase's weight
    // ranks better (KorQuAD MRR .9658 with it, .9637 without).
    if (w.parts.size() > 1 && (!pq.strict || !is_counted_number(w.parts))) {
      alts.push_back(terms_query(Q::OP_PHRASE, w.part_stems, prefix, w.part_stems.size()));
      pq.positional = true;
    }
    double bigram_weight = pq.strict ? options_.bigram_weight : options_.loose_bigram_weight;
    if (prefix.empty() && !w.longest_hangul.empty() && bigram_weight > 0) {
      // In a strict query every match has the word, and with it all its bigrams (the stem's:
      // its forms contain them), so a bigram's weight in the bag can go on its part here (AND
      // sums its parts' weights) and Xapian reads that posting list once instead of twice:
      // keyword queries at 100K articles p50 −10%, weights the same. Not in the relaxed query,
      // where a document lacking the word still earns the bigrams it has (korquad-keywords MRR
      // .9016 → .8948 when merged there too).
      std::vector<Q> parts;
      for (const std::string& b : syllable_bigrams(w.longest_hangul)) {
        std::string term = std::string(kBigramPrefix) + b;
        double weight = bigram_weight;
        if (merge)
          if (auto it = std::find(merge->begin(), merge->end(), term); it != merge->end()) {
            weight += options_.bigram_bag_weight;
            merge->erase(it);
          }
        parts.push_back(Q(Q::OP_SCALE_WEIGHT, Q(term), weight));
      }
      alts.push_back(parts.size() == 1 ? parts[0] : Q(Q::OP_AND, parts.begin(), parts.end()));
    }
    if (expand && aliases_) {
      std::set<std::string> seen;
      for (const auto& f : w.forms)
        for (const auto& other : aliases_->others(f)) {
          if (!seen.insert(other).second) continue;
          for (const auto& ow : group_words(analyzer_->analyze(other)))
            alts.push_back(Q(Q::OP_SCALE_WEIGHT, word_query(ow, prefix, false, nullptr), options_.alias_weight));
        }
    }
    return alts.size() == 1 ? alts[0] : Q(Q::OP_OR, alts.begin(), alts.end());
  };

  struct Analysed {
    Clause clause;
    Tokens tokens;
    std::vector<WordForms> words;
    size_t order = 0;  // in the query string, among its clauses
  };
  // The syllable bigram across the space between two clauses, when the first ends and the
  // second starts with a syllable of a word still in the query (not a dropped question word).
  auto bigram_across = [&](const Analysed& left, const Analysed& right) -> std::string {
    const std::string& l = left.clause.text;
    const std::string& r = right.clause.text;
    auto word_at = [](const Tokens& tokens, auto pred) {
      return std::any_of(tokens.begin(), tokens.end(), [&](const Token& t) { return t.type == TokenType::Word && pred(t); });
    };
    if (!word_at(left.tokens, [&](const Token& t) { return t.end == l.size(); }) ||
        !word_at(right.tokens, [](const Token& t) { return t.start == 0; }))
      return {};
    // The analyser's own bigram across the space, so that index and query follow one rule (none
    // after a particle or ending: 마이크로소프트는 오픈AI has no 는오).
    for (const Token& t : analyzer_->analyze(l + " " + r))
      if (t.type == TokenType::Bigram && t.start < l.size() && t.end > l.size() + 1) return t.term;
    return {};
  };
  // The noun after a question word written onto it (몇층으로 → 층으로), as a word of its own.
  auto asked_noun = [&](const WordForms& w) -> std::optional<WordForms> {
    const std::string& written = w.forms.front();
    for (std::string_view asks : {"몇", "어느", "무슨", "어떤"}) {
      if (written.size() <= asks.size() || written.compare(0, asks.size(), asks) != 0) continue;
      std::vector<WordForms> rest = group_words(analyzer_->analyze(written.substr(asks.size())));
      if (rest.size() != 1 || rest[0].interrogative || is_particle(rest[0].forms.front())) return std::nullopt;
      rest[0].index = w.index;
      return std::move(rest[0]);
    }
    return std::nullopt;
  };
  // A question asks for a time with 언제 or 며칠, with 몇 before or onto a unit (몇 년, 몇월에),
  // or by naming it last (…한 해는?, 태어난 날은?): its answer is written as a date (passage.h).
  auto has_form = [](const WordForms& w, std::initializer_list<std::string_view> list) {
    return std::any_of(w.forms.begin(), w.forms.end(),
                       [&](const std::string& f) { return std::find(list.begin(), list.end(), f) != list.end(); });
  };
  const auto kTimeUnits = {std::string_view("년"), std::string_view("월"), std::string_view("일"), std::string_view("세기"),
                           std::string_view("해"), std::string_view("년도"), std::string_view("연도")};
  bool asks_when = false, after_how_many = false;
  std::vector<Analysed> clauses;
  bool says_something = false;  // a positive word that is not a question word
  size_t order = 0;
  for (Clause& c : split_clauses(raw)) {
    ++order;
    if (c.field == "outlet" || c.field == "reporter" || c.field == "section") {
      Q filter(boolean_term(field(c.field).prefix, analyzer_->normalize(c.text)));
      (c.exclude ? excludes : filters).push_back(filter);
      continue;
    }
    if (!valid_utf8(c.text)) continue;
    Tokens tokens = analyzer_->analyze(c.text);
    std::vector<WordForms> words = group_words(tokens);
    // A particle cut off its word by punctuation (베를린》에: 에) is no word of the query.
    if (words.size() > 1) {
      std::set<uint32_t> cut;
      for (const auto& w : words)
        if (w.parts.empty() && is_particle(w.forms.front())) cut.insert(w.index);
      if (cut.size() < words.size()) {
        words.erase(std::remove_if(words.begin(), words.end(), [&](const auto& w) { return cut.count(w.index) > 0; }), words.end());
        tokens.erase(std::remove_if(tokens.begin(), tokens.end(), [&](const Token& t) { return cut.count(t.word) > 0; }), tokens.end());
      }
    }
    if (words.empty()) continue;
    for (auto& w : words) {
      pq.question = pq.question || (!c.exclude && w.interrogative);
      const std::string written = w.forms.front();
      const bool how_many = w.interrogative && written.compare(0, 3, "몇") == 0;
      asks_when = asks_when || (!c.exclude && ((w.interrogative && written.compare(0, 6, "언제") == 0) || written.compare(0, 6, "며칠") == 0));
      asks_when = asks_when || (!c.exclude && after_how_many && has_form(w, kTimeUnits));
      after_how_many = how_many && written.size() == 3;
      // 몇층, 어느나라, 무슨일: the question word asks, the noun written onto it describes the
      // answer's text (3층으로, 나라를), so the word stays as that noun.
      if (w.interrogative)
        if (auto noun = asked_noun(w)) {
          w = std::move(*noun);
          asks_when = asks_when || (!c.exclude && how_many && has_form(w, kTimeUnits));
        }
      says_something = says_something || (!c.exclude && !w.interrogative);
    }
    clauses.push_back(Analysed{std::move(c), std::move(tokens), std::move(words), order});
  }
  size_t last = raw.find_last_not_of(" \t\r\n");
  pq.question = pq.question || (last != std::string_view::npos && raw[last] == '?');
  if (!clauses.empty() && !clauses.back().clause.exclude)
    asks_when = asks_when || has_form(clauses.back().words.back(), {"해", "날", "때", "년", "연도", "년도", "날짜", "시기", "시점"});
  pq.asks_when = pq.question && asks_when;
  // Question words say what is asked, not what the answer's text holds: dropped when the
  // query says anything else ('김영삼이 서거한 나이는 몇인가?' is answered without 몇).
  if (says_something) {
    for (auto& [c, tokens, words, order] : clauses) {
      if (c.phrase) continue;
      std::set<uint32_t> asked;
      for (const auto& w : words)
        if (w.interrogative) asked.insert(w.index);
      words.erase(std::remove_if(words.begin(), words.end(), [](const auto& w) { return w.interrogative; }), words.end());
      tokens.erase(std::remove_if(tokens.begin(), tokens.end(), [&](const Token& t) { return asked.count(t.word) > 0; }), tokens.end());
    }
    clauses.erase(std::remove_if(clauses.begin(), clauses.end(), [](const auto& a) { return a.words.empty(); }), clauses.end());
  }
  // Short queries and quoted phrases mean every word (and the phrase); when nothing has them
  // all, the Searcher falls back to `relaxed`, where any word counts and a phrase (a headline's
  // quoted speech, say) is a bonus rather than a must. A question is never strict: it names
  // what it asks for (이름은, 회사는) in words the answer's text often lacks. Decided, and the
  // bag gathered, before any word's query is built: a word's bigrams depend on both.
  size_t word_count = 0;
  bool has_phrase = false;
  // Each clause is analysed alone, so the bigram across the space between two free-text words
  // (데이터 센터: 터센) is added here, as the analyser adds it inside a phrase: it rewards the
  // words written together or in the query's order.
  const Analysed* previous = nullptr;
  for (const auto& a : clauses) {
    const auto& [c, tokens, words, order] = a;
    if (c.exclude) continue;
    word_count += words.size();
    has_phrase = has_phrase || (c.phrase && words.size() > 1);
    if (c.field != "title")
      for (const Token& t : tokens)
        if (t.type == TokenType::Bigram) bag.push_back(std::string(kBigramPrefix) + t.term);
    const bool free_text = c.field.empty() && !c.phrase;
    if (free_text && previous && previous->order + 1 == order)
      if (std::string across = bigram_across(*previous, a); !across.empty()) bag.push_back(std::string(kBigramPrefix) + across);
    previous = free_text ? &a : nullptr;
  }
  pq.strict = (word_count <= options_.max_strict_words && !pq.question) || has_phrase;
  std::vector<std::string> kept;  // never emptied: a tiny index may hold the word everywhere
  for (const auto& b : bag)
    if (!common(b, options_.bag_max_df)) kept.push_back(b);
  if (!kept.empty()) bag.swap(kept);
  if (pq.strict && options_.bigram_bag_weight > 0) strict_bag = bag;

  for (auto& [c, tokens, words, order] : clauses) {
    std::string prefix = c.field == "title" ? std::string(field("title").prefix) : std::string();
    Q clause;
    std::vector<Q> ws;  // each word, as the relaxed query has it
    for (const auto& w : words) ws.push_back(word_query(w, prefix, true, nullptr));
    if (c.phrase && words.size() > 1) {
      // Phrases are checked by position. Xapian 1.4 phrases take terms only, so the phrase is
      // matched on each word's positional form (its stem), or on all the continuous syllable
      // bigrams of the whole phrase (no positions: their bigram across the space, 터센, keeps
      // them together), which also finds it written with other spacing (데이터 센터 ≈ 데이터센터).
      std::vector<std::string> firsts;
      for (const auto& w : words) firsts.push_back(w.positional());
      std::vector<Q> alts{terms_query(Q::OP_PHRASE, firsts, prefix, firsts.size())};
      std::vector<std::string> bg;
      for (const Token& t : tokens)
        if (t.type == TokenType::Bigram) bg.push_back(t.term);
      if (prefix.empty() && bg.size() > 1) alts.push_back(terms_query(Q::OP_AND, bg, std::string(kBigramPrefix)));
      clause = Q(Q::OP_OR, alts.begin(), alts.end());
      pq.positional = true;
    } else {
      std::vector<Q> merged;
      if (pq.strict && !c.exclude && !strict_bag.empty())
        for (const auto& w : words) merged.push_back(word_query(w, prefix, true, &strict_bag));
      const std::vector<Q>& each = merged.empty() ? ws : merged;
      clause = each.size() == 1 ? each[0] : Q(c.exclude ? Q::OP_OR : Q::OP_AND, each.begin(), each.end());
    }
    if (c.exclude) {
      excludes.push_back(clause);
      continue;
    }
    for (const auto& w : words) {
      pq.highlight_terms.insert(w.forms.begin(), w.forms.end());
      pq.highlight_terms.insert(w.parts.begin(), w.parts.end());
      for (auto& b : syllable_bigrams(w.longest_hangul)) pq.highlight_bigrams.insert(b);
      pq.words.push_back(w.forms.front());
    }
    loose.insert(loose.end(), ws.begin(), ws.end());
    for (size_t i = 0; i < words.size() && !pq.strict; ++i)
      if (std::none_of(words[i].forms.begin(), words[i].forms.end(), [&](const std::string& f) {
            return common(prefix + f, options_.candidate_max_df);
          }))
        rare.push_back(ws[i]);
    if (prefix.empty())
      for (const auto& w : words) pq.heads.push_back(w.positional());
    if (c.phrase && words.size() > 1) {
      loose.push_back(clause);
      rare.push_back(clause);
    }
    if (c.or_with_previous && !positives.empty())
      positives.back() = Q(Q::OP_OR, positives.back(), clause);
    else
      positives.push_back(clause);
  }

  if (positives.empty()) {
    // Only filters or exclusions: everything that passes the filters (a browse).
    if (filters.empty()) return pq;
    positives.push_back(match_all());
    loose.push_back(match_all());
  }
  Q any(Q::OP_OR, loose.begin(), loose.end());
  Q all(Q::OP_AND, positives.begin(), positives.end());
  auto finish = [&](Q q) {
    for (const auto& f : filters) q = Q(Q::OP_FILTER, q, f);
    for (const auto& e : excludes) q = Q(Q::OP_AND_NOT, q, e);
    return q;
  };
  // What picks a relaxed query's candidates (Searcher::run): its words, before the pairs are
  // added, with the bag's rarest bigrams (candidate_bag_max_df), which find a word written
  // inside a compound or with other spacing (불꽃놀이쇼 → 불꽃놀이를) when common words
  // would fill the candidates without it.
  auto bag_query = [&](const std::vector<std::string>& terms) {
    return Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_OR, terms.begin(), terms.end()), options_.bigram_bag_weight);
  };
  if (!pq.strict) {
    std::vector<std::string> rare_bag;  // none without statistics: no share can be told
    if (options_.bigram_bag_weight > 0 && stats)
      for (const auto& b : bag)
        if (!common(b, options_.candidate_bag_max_df, options_.candidate_bag_min_docs) && term_freq(*stats, revision, b) > 0)
          rare_bag.push_back(b);
    auto with_bag = [&](Q q) { return rare_bag.empty() ? q : Q(Q::OP_OR, q, bag_query(rare_bag)); };
    pq.candidates = finish(with_bag(any));
    if (!rare.empty() && rare.size() < loose.size()) {
      pq.any_word = pq.candidates;
      pq.candidates = finish(with_bag(Q(Q::OP_OR, rare.begin(), rare.end())));
    }
  }
  // Words that stand close together in a text, as in the query, say more than words scattered
  // over it: each adjacent pair of the query's words, near each other, adds a little weight.
  // Not in short (strict) queries: there the bigram bag below already rewards words written
  // together, and the pairs measured nothing on the news sets while they cost keyword queries
  // a quarter of their time (positions read for every match Xapian scores).
  const std::vector<std::string>& heads = pq.heads;
  Q unpaired = any;
  pq.unpaired_positional = pq.positional;
  if (options_.proximity_weight > 0 && heads.size() > 1 && !pq.strict) {
    std::vector<Q> pairs;
    for (size_t i = 0; i + 1 < heads.size(); ++i)
      if (heads[i] != heads[i + 1] && !common(heads[i], options_.pair_max_df) && !common(heads[i + 1], options_.pair_max_df)) {
        Q pair[2] = {Q(heads[i]), Q(heads[i + 1])};
        pairs.push_back(Q(Q::OP_NEAR, pair, pair + 2, options_.proximity_window));
      }
    if (!pairs.empty()) {
      pq.positional = true;
      pq.pairs = Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_OR, pairs.begin(), pairs.end()), options_.proximity_weight);
      any = Q(Q::OP_OR, any, pq.pairs);
    }
  }
  if (options_.bigram_bag_weight > 0 && !bag.empty()) {
    const Q bag_part = bag_query(bag);
    any = Q(Q::OP_OR, any, bag_part);
    unpaired = Q(Q::OP_OR, unpaired, bag_part);
  }
  if (options_.bigram_bag_weight > 0 && !strict_bag.empty()) all = Q(Q::OP_AND_MAYBE, all, bag_query(strict_bag));
  pq.relaxed = finish(any);
  pq.query = pq.strict ? finish(all) : pq.relaxed;
  if (!pq.pairs.empty()) pq.unpaired = finish(unpaired);
  return pq;
}

// BM25 with k1, on wdf that already holds the length normalisation (schema.h, LengthNorm): b = 0
// and k1 × scale give BM25's weights times a constant, which the query's scale undoes, so scores
// keep BM25's size.
void set_bm25_query(Xapian::Enquire& enquire, const Xapian::Query& query, const QueryOptions& opt) {
  const double k1 = opt.bm25_k1 * kLengthNorm.wdf_scale;
  enquire.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 1, 0, 0));
  enquire.set_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query, (opt.bm25_k1 + 1) / (k1 + 1)));
}

bool set_query_option(QueryOptions& o, std::string_view name, std::string_view value) {
  std::string v(value);
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || x < 0) return false;
  if (name == "bigram_weight") o.bigram_weight = x;
  else if (name == "loose_bigram_weight") o.loose_bigram_weight = x;
  else if (name == "bigram_bag_weight") o.bigram_bag_weight = x;
  else if (name == "proximity_weight") o.proximity_weight = x;
  else if (name == "proximity_window") o.proximity_window = static_cast<Xapian::termcount>(x);
  else if (name == "passage_weight") o.passage_weight = x;
  else if (name == "passage_window") o.passage_window = static_cast<size_t>(x);
  else if (name == "sentence_weight") o.sentence_weight = x;
  else if (name == "date_weight") o.date_weight = x;
  else if (name == "date_reach") o.date_reach = static_cast<size_t>(x);
  else if (name == "rerank_depth") o.rerank_depth = static_cast<Xapian::doccount>(x);
  else if (name == "candidate_depth") o.candidate_depth = static_cast<Xapian::doccount>(x);
  else if (name == "candidate_max_df") o.candidate_max_df = x;
  else if (name == "alias_weight") o.alias_weight = x;
  else if (name == "max_strict_words") o.max_strict_words = static_cast<size_t>(x);
  else if (name == "bm25_k1") o.bm25_k1 = x;
  else if (name == "bag_max_df") o.bag_max_df = x;
  else if (name == "candidate_bag_max_df") o.candidate_bag_max_df = x;
  else if (name == "pair_max_df") o.pair_max_df = x;
  else if (name == "candidate_bag_min_docs") o.candidate_bag_min_docs = static_cast<Xapian::doccount>(x);
  else if (name == "pair_depth") o.pair_depth = static_cast<Xapian::doccount>(x);
  else return false;
  return true;
}

}  // namespace sosik
