#include "stemmer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <stdexcept>

#include <hunspell.hxx>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "../schema.h"
#include "hangul.h"

namespace sosik {
namespace {

// Hangul syllables are 3 bytes in UTF-8.
constexpr size_t kSyllable = 3;
size_t syllables(std::string_view s) { return s.size() / kSyllable; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Josa (particles) and the commonest endings of 하다/되다 verbs made from nouns. Sources: the 표준국어대사전 particle list
// and Lucene Nori's POS tags J* / E* as seen on news text. The 하다 verb's future and conditional
// forms (프로모션할, 스트리밍해야, 출시되면) were missing: a loanword the dictionary lacks kept
// its ending and matched none of its other forms. So were the dependent nouns (때, 중, 후, 뒤,
// 당시, 동안, and news's 측: 회사측은) and postpositions (에대해, 로인해) that queries and
// headlines often write onto their noun without the space (대통령때, 재학중인, 서거후,
// 처벌에대해). From the science news set's words that kept an ending: 뿐 (데이터뿐), the
// honorific 씨 on names (유재원씨는), 로서, the 하다 verb's 해 before another (모니터링해야), and
// nouns made verbs with 받다 and 시키다 (주목받고, 향상시켜야). A bare 해 ends too many nouns
// (지난해, 남중국해) to come off.
// Questions and headlines ask in the past (피살당했나, 입국시켰나), and users write 이었 as 이였:
// kPastForms pairs each past with its endings.
constexpr std::string_view kSuffixList[] = {
    // four syllables and more
    "했다는데", "이라면서", "한다면서", "에서부터", "으로부터", "하더라도", "으로서의", "으로서는",
    // three syllables
    "에서는", "에서도", "에서의", "에서만", "에게서", "에게는", "에게도", "으로는", "으로도", "으로서",
    "으로써", "으로의", "이라고", "이라는", "이라며", "이라면",
    "한다고", "한다는", "한다며", "하겠다", "된다고",
    "하면서", "이지만", "까지는", "까지도", "부터는", "보다는", "처럼은", "로부터", "이어서", "하도록",
    "입니다", "입니까", "하려는", "하려고", "하려면", "하기로", "한다면", "해왔다",
    "하지만", "된다면", "되면서", "했었다", "때부터", "때까지", "때마다", "중이던", "에대해", "에대한",
    "로인해", "에따라", "에따른", "하거나", "이거나", "뿐이다", "뿐이며", "씨에게", "로서의", "로서는",
    "받으며", "받는다", "시키지", "시키는", "시키고", "시켜야", "시키기",
    // two syllables
    "에서", "에게", "한테", "께서", "으로", "부터", "까지", "보다", "처럼", "만큼", "마다", "조차",
    "밖에", "이나", "에는", "에도", "에선", "와의", "과의", "로의", "이며", "이고", "이다",
    "과는", "와는", "로는", "로도", "라고", "라는", "라며", "이란", "하는",
    "하고", "하며", "한다", "하기", "하여", "하게", "해서", "되는", "되고", "된다", "시킨",
    "이자", "이든", "든지", "에만", "과도", "와도", "엔", "만의", "이던", "인가", "인지", "인데",
    "해야", "하지", "하던", "하면", "해온", "해도", "할지", "할까", "되지", "되면", "되며", "될지", "시켜",
    "때는", "때에", "때도", "때의", "중인", "중에", "당시", "동안", "이후", "로서", "뿐만", "뿐인",
    "씨는", "씨가", "씨의", "씨를", "씨와", "씨도", "씨로",
    "측은", "측이", "측의", "측에", "측도", "측과", "측을", "측에서", "측으로",
    "받고", "받아", "받는", "받은", "받을", "받자", "받던", "받지", "시킬", "돼야", "돼서",
    // one syllable
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로", "들", "한", "된", "할", "될", "때", "중", "후", "뒤",
    "뿐", "씨", "측",
    // 하다 and 되다 on a noun the dictionary lacks, in the forms a headline or a question ends
    // with (현실되나, 스트리밍할까, 출시됐으나), and the copula's questions (스트리밍일까).
    "하다", "하나", "하니", "하니까", "하자", "하자는", "하는데", "하는지", "하려", "하나요", "하기도",
    "하기에", "하기는", "해야만", "했었던", "하겠다고", "하겠다는", "하겠다며", "하겠지만", "합니다",
    "되다", "되나", "되니", "되자", "되게", "되기", "되던", "되는데", "되는지", "되도록", "되려", "되지만",
    "되나요", "되기도", "되기에", "된다며", "된다는", "될까", "돼도", "되어", "되어야", "되어서", "되겠다",
    "됩니다",
    "이냐", "일까", "이라서", "이라도", "이라니",
    // 있다 and 없다 written onto their noun (가치있는, 관심없는).
    "있는", "있다", "있고", "있어", "있을", "있게", "있던", "있으며", "없는", "없다", "없이", "없고", "없어", "없을", "없던",
    // KorQuAD's words kept these too (해금강이라, 작동시킨다, 연구중이라). The past of each
    // verb made from a noun is kPastForms below.
    "이라", "시킨다", "중이라",
};

// A dependent noun with its particle, a postposition or 있다, written onto a verb's modifier or
// noun form without the space (교환하는것을, 투자하기위해, 이용할수있는, 기록하고있는,
// 귀국했을때): the word is two, and its stems are those of the verb before it, as the two would
// have when spaced (교환하는 → 교환). After a noun (가치있는, 대통령때) the suffixes apply.
constexpr std::string_view kJoinedTails[] = {
    "것으로", "것이다", "것처럼", "것을", "것이", "것은", "것도", "것과", "것만", "것",
    "위해서", "위하여", "위해", "위한", "때문에", "때문이다",
    "수있는", "수있다", "수있을", "수있도록", "수있게", "수있어", "수없는", "수없다", "수없이", "것이라",
    "있는", "있다", "있던", "있어", "있으며", "있을", "있고",
    "때", "때는", "때에", "때도", "때의", "때까지", "때부터", "때마다",
};

// The past of a noun made a verb (출시했, 선고받았, 역전시켰) or of the copula (청강생이었), and
// the endings that follow it: every pairing is a suffix. Listed one by one, most were missing
// (선고받았는가, 역전시켰지만, 세팅되었기에 kept them).
constexpr std::string_view kPastForms[] = {"했", "하였", "됐", "되었", "시켰", "받았", "당했", "당하였", "이었", "였", "이였"};
constexpr std::string_view kPastEndings[] = {"다", "고", "지만", "는데", "는가", "나", "다는", "다고", "다며", "다가", "던",
                                             "을", "으며", "으나", "기에", "기", "음", "음에도", "을까", "는지", "습니다"};

// Longest first, so the first suffix that matches is the longest one.
const std::vector<std::string_view>& suffixes() {
  static const std::vector<std::string> past = [] {
    std::vector<std::string> v;
    for (std::string_view form : kPastForms)
      for (std::string_view ending : kPastEndings) v.push_back(std::string(form).append(ending));
    return v;
  }();
  static const std::vector<std::string_view> sorted = [] {
    std::vector<std::string_view> v(std::begin(kSuffixList), std::end(kSuffixList));
    v.insert(v.end(), past.begin(), past.end());
    std::sort(v.begin(), v.end(), [](auto a, auto b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return sorted;
}

// Every way of stripping one suffix from `w` that leaves at least two syllables, longest suffix
// first: 나델라는 is 나델라 + 는 or 나델 + 라는, and only a dictionary could tell which.
// After 으 the suffix is 으로…, never 로… (법원장으로 is not 법원장으 + 로): no noun ends in 으.
std::vector<std::string_view> strip_one(std::string_view w) {
  std::vector<std::string_view> out;
  for (std::string_view suf : suffixes()) {
    if (!ends_with(w, suf) || syllables(w) < syllables(suf) + 2) continue;
    std::string_view rest = w.substr(0, w.size() - suf.size());
    if (suf.starts_with("로") && ends_with(rest, "으")) continue;
    out.push_back(rest);
  }
  return out;
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> firsts) {
  for (std::string_view first : firsts)
    if (s.substr(0, first.size()) == first) return true;
  return false;
}

// Suffixes whose first syllable also ends nouns (역할, 도중, 황후, 한때, 날씨, 피해, 관측): 하다/되다
// verbs' 할, 될 and 해, the dependent nouns 때, 중, 후, 뒤, 당시, 동안, 이후, 측 with what
// follows them, and the honorific 씨.
bool starts_like_noun(std::string_view suffix) {
  return starts_with_any(suffix, {"할", "될", "때", "중", "후", "뒤", "당", "동", "이후", "씨", "해", "측"});
}

// Suffixes of 받다 and 시키다, which make verbs of nouns (주목받고, 향상시켜야) and compound verbs
// of verbs (물려받은, 주고받는).
bool makes_verb(std::string_view suffix) { return starts_with_any(suffix, {"받", "시키", "시켜", "시킬"}); }

// Hunspell gives dictionary forms; a noun + 하다/되다/시키다 verb is indexed as the noun
// (협상하다 → 협상), other verbs and adjectives without the final 다 (늘어나다 → 늘어나).
std::string from_dictionary_form(std::string s) {
  for (std::string_view verb : {std::string_view("하다"), std::string_view("되다"), std::string_view("시키다")}) {
    if (ends_with(s, verb) && syllables(s) > syllables(verb)) return s.substr(0, s.size() - verb.size());
  }
  if (ends_with(s, "다") && syllables(s) >= 2) return s.substr(0, s.size() - kSyllable);
  return s;
}

// The jamo of the last syllable of `s`; nothing when it ends in anything else.
std::optional<SyllableJamo> last_syllable(std::string_view s) {
  if (s.size() < kSyllable) return std::nullopt;
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(s.data() + s.size() - kSyllable, i, static_cast<int32_t>(kSyllable), c);
  return c < 0 ? std::nullopt : decompose(static_cast<char32_t>(c));
}

// True when `word` is the verb stem `form`'s modifier (다르 → 다른, 만나 → 만날): the same
// syllables, the last given a final ㄴ or ㄹ.
bool is_modifier_of(std::string_view word, std::string_view form) {
  if (word.size() != form.size() || word.substr(0, word.size() - kSyllable) != form.substr(0, form.size() - kSyllable))
    return false;
  auto w = last_syllable(word), f = last_syllable(form);
  constexpr int kNieun = 4, kRieul = 8;  // finals ㄴ and ㄹ (The Unicode Standard, ch. 3.12)
  return w && f && f->final == 0 && w->initial == f->initial && w->vowel == f->vowel &&
         (w->final == kNieun || w->final == kRieul);
}

// True when the last syllable of `s` is a verb's -아/-어 form (만들어, 세워, 정해, 붙여, 나눠):
// no final consonant, and a vowel ㅏ ㅐ ㅓ ㅕ ㅘ ㅙ ㅝ.
bool ends_in_connective(std::string_view s) {
  auto j = last_syllable(s);
  if (!j || j->final != 0) return false;
  constexpr int kVowels[] = {0, 1, 4, 6, 9, 10, 14};  // ㅏ ㅐ ㅓ ㅕ ㅘ ㅙ ㅝ (Unicode's vowel order)
  return std::find(std::begin(kVowels), std::end(kVowels), j->vowel) != std::end(kVowels);
}

// True when a syllable of `s` ends in ㅆ, as the past tense's do (했, 였, 보았; 있, 겠): a verb
// cut inside its ending (모였는가 less 가, 보였지만 less 만). No Sino-Korean syllable ends in
// ㅆ, and no noun the science news or KorQuAD write.
bool has_past(std::string_view s) {
  constexpr int kSsangSios = 20;  // ㅆ among the finals (The Unicode Standard, ch. 3.12)
  for (size_t at = kSyllable; at <= s.size(); at += kSyllable) {
    auto j = last_syllable(s.substr(0, at));
    if (j && j->final == kSsangSios) return true;
  }
  return false;
}

// Drops the stems of `word` that are pieces of a verb, beside the stem they are pieces of:
// - a noun with 하다 or 되다 and part of its ending left on, beside the noun (노미네이트되기 of
//   노미네이트되기도, 결정하였는 of 결정하였는가), with a bare 되 (스트리밍되 of 스트리밍되는), or
//   with a bare 하 when the past follows it (강론하 of 강론하였는데) or when it makes four
//   syllables or more (스트리밍하 of 스트리밍하는). Else a bare 하 stays: it may end a name
//   (김영하는: 김영하 or 김영).
// - a verb's stem cut short where 이 and 었 contract to 였 (선보 of 선보였다 beside 선보이;
//   받아 of 받아들였다 beside 받아들이).
void drop_verb_pieces(std::vector<std::string>& stems, std::string_view word) {
  auto piece = [&](const std::string& s) {  // `s` begins `word`
    const std::string_view after = word.substr(s.size());
    for (const auto& t : stems) {
      if (t.size() < s.size() && s.starts_with(t)) {
        const std::string_view rest = std::string_view(s).substr(t.size());
        if (starts_with_any(rest, {"하", "되", "됐"}) &&
            (syllables(rest) >= 2 || starts_with_any(after, {"였", "었"}) || !rest.starts_with("하") || syllables(s) >= 4))
          return true;
      }
      if (t.size() > s.size() && t.starts_with(s) && ends_with(t, "이") &&
          word.starts_with(t.substr(0, t.size() - kSyllable) + "였"))
        return true;
    }
    return false;
  };
  std::vector<std::string> pieces;
  for (const auto& s : stems)
    if (word.starts_with(s) && piece(s)) pieces.push_back(s);
  std::erase_if(stems, [&](const std::string& s) { return std::ranges::count(pieces, s) > 0; });
}

// The length in bytes of the noun of two syllables or more that the dictionary read as the whole
// of `word`, or as its start with a particle after it (도시 of 도시는); 0 when it read none.
// `dict`: the dictionary's stems of `word`, verbs in their dictionary form (돌다).
size_t noun_reading(const std::vector<std::string>& dict, std::string_view word) {
  size_t bytes = 0;
  for (const auto& s : dict)
    if (!ends_with(s, "다") && syllables(s) >= 2 && word.starts_with(s) &&
        (s.size() == word.size() || is_particle(word.substr(s.size()))))
      bytes = std::max(bytes, s.size());
  return bytes;
}

// Drops a one-syllable stem of `word` that cuts a longer verb the dictionary read there (가 of
// 가진 beside 가지다, 보 of 보이지 beside 보이다). Not so beside a noun (명 of 명인가 is 몇
// 명인가's), nor before a particle (나를, 가는: 나르다 and 가늘다 are the rarer reading).
void drop_cut_syllables(std::vector<std::string>& stems, const std::vector<std::string>& dict, std::string_view word) {
  std::vector<std::string> verbs;  // the dictionary's verbs among the stems
  for (const auto& s : dict)
    if (std::string v = from_dictionary_form(s); ends_with(s, "다") && std::ranges::count(stems, v) > 0) verbs.push_back(v);
  std::erase_if(stems, [&](const std::string& s) {
    return syllables(s) == 1 && !is_particle(word.substr(s.size())) &&
           std::any_of(verbs.begin(), verbs.end(), [&](const std::string& t) { return t.size() > s.size() && t.starts_with(s); });
  });
}

// Of the ways to strip a word, drops each that is another of them with one of `pieces` after it
// (다라에서 beside 다라), or, when `after_consonant`, only where that other ends in a consonant.
// All are judged before any goes, so the result does not depend on their order.
void drop_longer_cuts(std::vector<std::string>& cuts, std::initializer_list<std::string_view> pieces, bool after_consonant) {
  std::vector<std::string> longer;
  for (const auto& w : cuts)
    for (std::string_view p : pieces) {
      if (!ends_with(w, p)) continue;
      const std::string_view head = std::string_view(w).substr(0, w.size() - p.size());
      if (std::ranges::count(cuts, head) == 0) continue;
      auto j = last_syllable(head);
      if (!after_consonant || (j && j->final != 0)) longer.push_back(w);
    }
  std::erase_if(cuts, [&](const std::string& w) { return std::ranges::count(longer, w) > 0; });
}

// Bounded so a long indexing run cannot grow it without limit; cleared when full.
constexpr size_t kCacheLimit = 500'000;

}  // namespace

std::vector<std::string> strip_particles(std::string_view word) {
  std::vector<std::string> out;
  // 인 ends names (김정인) as often as it is the copula, but after -적 it is the copula
  // (사회주의적인 → 사회주의적).
  if (ends_with(word, "적인") && syllables(word) >= 4) out.emplace_back(word.substr(0, word.size() - kSyllable));
  for (std::string_view w : strip_one(word)) {
    // A plural 들 before the particle goes too (경영진들이 → 경영진).
    if (ends_with(w, "들") && syllables(w) >= 3) w.remove_suffix(kSyllable);
    if (has_past(w)) continue;
    if (std::find(out.begin(), out.end(), w) == out.end()) out.emplace_back(w);
  }
  // Of a particle made of two (에서 + 는, 로서 + 의), the first is no part of the noun: 다라에서는
  // is 다라, not 다라에서; no noun ends in 에서, 에게 or (으)로서 (but names end in 에: 몽펠리에는).
  drop_longer_cuts(out, {"에서", "에게", "로서", "으로서"}, false);
  return out;
}

std::string KoreanStemmer::default_dictionary_dir() {
  const char* env = std::getenv("SOSIK_HUNSPELL_DIR");
  return env && *env ? env : "/usr/share/hunspell";
}

std::string KoreanStemmer::default_nouns_path() { return schemas_file("SOSIK_NOUNS", "korean_nouns.txt"); }

KoreanStemmer::KoreanStemmer(const std::string& dir, const std::string& nouns_path) {
  std::filesystem::path aff = std::filesystem::path(dir) / "ko.aff";
  std::filesystem::path dic = std::filesystem::path(dir) / "ko.dic";
  if (std::filesystem::exists(aff) && std::filesystem::exists(dic))
    hunspell_ = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
  if (!nouns_path.empty()) add_nouns(nouns_path);
}

void KoreanStemmer::add_nouns(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the noun list " + path);
  // Syllables only: the analyser hands the stemmer normalised Hangul words.
  auto syllables_only = [](const std::string& w) {
    for (int32_t i = 0, n = static_cast<int32_t>(w.size()); i < n;) {
      UChar32 c;
      U8_NEXT(w.data(), i, n, c);
      if (c < 0 || !decompose(static_cast<char32_t>(c))) return false;
    }
    return true;
  };
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    line = line.substr(0, line.find('#'));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    line.erase(0, start);
    if (!syllables_only(line))
      throw std::runtime_error(path + ":" + std::to_string(n) + ": one word of Hangul syllables per line, got '" + line + "'");
    nouns_.insert(line);
  }
  // The list's fingerprint (FNV-1a over its sorted words), which an index records (kNounsKey).
  uint64_t hash = 1469598103934665603ull;
  for (const auto& w : nouns_)
    for (char c : w + "\n") hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  if (!nouns_.empty()) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    nouns_fingerprint_ = hex;
  }
  if (!hunspell_) return;
  // hunspell-ko stores words as conjoining jamo (its .aff converts input with ICONV); a word added
  // at run time must be given the same way, and takes the affixes of a noun it has (사람).
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFD normaliser unavailable");
  auto jamo = [&](const std::string& s) {
    std::string out;
    nfd->normalize(icu::UnicodeString::fromUTF8(s), status).toUTF8String(out);
    return out;
  };
  const std::string model = jamo("사람");
  for (const auto& w : nouns_) hunspell_->add_with_affix(jamo(w), model);
}

KoreanStemmer::~KoreanStemmer() = default;

std::vector<std::string> KoreanStemmer::stems(std::string_view word) const {
  std::string key(word);
  CacheShard& shard = cache_[std::hash<std::string>{}(key) % kCacheShards];
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.stems.find(key); it != shard.stems.end()) return it->second;
  }
  std::vector<std::string> computed = compute(key);  // outside the shard's lock: it may take a while
  std::lock_guard lock(shard.mu);
  if (shard.stems.size() >= kCacheLimit / kCacheShards) shard.stems.clear();
  shard.stems.emplace(std::move(key), computed);
  return computed;
}

std::vector<std::string> KoreanStemmer::auxiliary_stems(const std::string& word) const {
  // A verb followed by an auxiliary verb (만들어 + 지다, 지어 + 주다, 만들어 + 내다): hunspell-ko
  // has the compound's dictionary form (만들어지다) but often not its inflections (만들어진,
  // 세워진: unknown), or stems them to the first part alone (지어졌다 → 지어), so the forms of
  // one verb shared no stem. The stem is the first part and the auxiliary's stem, when the
  // dictionary knows that compound.
  std::vector<std::string> out;
  for (size_t k = 1; k <= 3 && k < syllables(word); ++k) {
    const std::string head = word.substr(0, word.size() - k * kSyllable);
    if (!ends_in_connective(head)) continue;
    for (const std::string& aux : hunspell_->stem(word.substr(head.size()))) {
      std::string verb = head + aux;
      // The copula is no auxiliary: 바이든 is not 바 + 이든 (바이다).
      if (!ends_with(aux, "다") || aux == "이다" || !hunspell_->spell(verb)) continue;
      std::string form = from_dictionary_form(verb);
      if (std::find(out.begin(), out.end(), form) == out.end()) out.push_back(std::move(form));
    }
  }
  return out;
}

bool KoreanStemmer::own_word(const std::string& s) const {
  if (!hunspell_->spell(s)) return false;
  const std::vector<std::string> stems = hunspell_->stem(s);
  return std::find(stems.begin(), stems.end(), s) != stems.end();
}

std::vector<std::string> KoreanStemmer::compute(const std::string& word) const {
  std::vector<std::string> out;
  if (nouns_.count(word)) return out;  // a listed noun is a stem of its own
  for (std::string_view tail : kJoinedTails) {
    // At most a dozen syllables: the head is stemmed through stems(), so a longer word of
    // repeated tails (것것것…) would recurse as deep as it is long.
    if (!ends_with(word, tail) || syllables(word) < syllables(tail) + 2 || syllables(word) > 12) continue;
    // The head must have stems of its own (하는 → 하): a noun before it (이것, 증거수, 한위해) is
    // left to the rules below.
    for (auto& s : stems(std::string_view(word).substr(0, word.size() - tail.size()))) out.push_back(std::move(s));
    if (!out.empty()) return out;
  }
  auto add = [&](std::string s) {
    if (!s.empty() && s != word && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  std::vector<std::string> stripped = strip_particles(word);
  std::unique_lock lock(hunspell_mu_);
  // The copula's 인 ends a compound the dictionary lacks (최고경영자인, 공동창업자인) when the
  // compound ends in a noun it has (경영자, 창업자), longer than any noun ending in 人 that the
  // word may end in instead (발달장애인: 장애 + 인 or 장애인; 법무법인: 무법 + 인 or 법인). The
  // rule strips no 인 (김정인): names and loanwords end in it (비트코인, 가이드라인), but neither
  // has four syllables and such an end.
  if (hunspell_ && ends_with(word, "인") && syllables(word) >= 4) {
    auto last_word = [&](std::string_view s) {  // syllables of the longest dictionary noun ending `s` (2 or 3), or 0
      for (size_t k : {3, 2})
        if (syllables(s) > k && own_word(std::string(s.substr(s.size() - k * kSyllable)))) return k;
      return size_t{0};
    };
    const std::string head = word.substr(0, word.size() - kSyllable);
    if (last_word(head) > last_word(word) && std::ranges::count(stripped, head) == 0) stripped.push_back(head);
  }
  if (hunspell_) {
    std::erase_if(stripped, [&](const std::string& s) {
      const std::string_view suffix = std::string_view(word).substr(s.size());
      // A suffix that starts like a noun (할, 중, 후, 때, 씨: 역할, 도중, 황후, 솜씨) is none when
      // its first syllable makes a noun of the dictionary's with the syllable before it, or with
      // all that comes before it: 중재역할, 경기도중, 명성황후 and 아가씨를 keep them; 재학중,
      // 서거후, 대통령때 and 유재원씨 do not.
      if (s.size() >= kSyllable && suffix.size() >= kSyllable && starts_like_noun(suffix)) {
        const std::string first(suffix.substr(0, kSyllable));
        if (own_word(s.substr(s.size() - kSyllable) + first) || own_word(s + first)) return true;
      }
      // Before 받다 or 시키다, a head the dictionary knows only as a verb's form is no stem
      // (물려받은: 물려; 주고받는: 주고), a noun is (평가받는: 평가).
      return makes_verb(suffix) && hunspell_->spell(s) && !own_word(s);
    });
  }
  if (stripped.size() > 1) {
    // Of the ways to strip it, those that leave a word the dictionary knows, if any: 사람인가 is
    // 사람 + 인가, not 사람인 + 가. When it knows none (나델라는: 나델라 + 는 or 나델 + 라는), all
    // but those that keep the copula after a consonant (해금강이라는: 해금강, not 해금강이 or
    // 해금강이라). After a vowel 이 may end the noun (무카이라는: 무카이); a dictionary word may
    // too (원숭이라는: 원숭이), which is why this waits until the dictionary has chosen.
    std::vector<std::string> words;  // the dictionary's own words, not its inflections (사람인)
    for (const auto& s : stripped)
      if (hunspell_ && own_word(s)) words.push_back(s);
    if (!words.empty())
      stripped = std::move(words);
    else
      drop_longer_cuts(stripped, {"이", "이라"}, true);
  }
  std::vector<std::string> dict;
  bool known = false;  // the dictionary's analysis ends in a word it knows
  if (hunspell_ && hunspell_->spell(word)) {
    for (auto& s : hunspell_->stem(word)) {
      known = known || s == word || hunspell_->spell(s);
      dict.push_back(std::move(s));
    }
  }
  // A listed noun with a particle is that noun, whatever else the dictionary reads in it
  // (기시다는 is not 길다).
  for (const auto& s : dict)
    if (nouns_.count(s)) {
      add(s);
      return out;
    }
  // Every stem the dictionary gives is the word cut short (지어졌다 → 지어; 회사는 → 회사): it
  // may be a verb with an auxiliary.
  const bool cut_short = std::all_of(dict.begin(), dict.end(), [&](const std::string& s) {
    return s.size() < word.size() && word.compare(0, s.size(), s) == 0;
  });
  if (hunspell_ && cut_short) {
    std::vector<std::string> aux = auxiliary_stems(word);
    if (!aux.empty()) {
      for (auto& s : aux) add(std::move(s));
      return out;
    }
  }
  if (!known) {
    // Unknown words are mostly names: Hunspell's affix rules guess wrong there (나델라는 → 나델).
    for (auto& s : stripped) add(std::move(s));
    drop_verb_pieces(out, word);
    return out;
  }
  bool word_is_stem = std::find(dict.begin(), dict.end(), word) != dict.end();
  // The word is a noun of two syllables or more, alone or with a particle (노래, 도시는, 이름은):
  // the dictionary's verb readings that change its syllables are contractions nobody meant
  // (노랗다, 돌다, 이르다), or the verb it was made from, another word (그림 of 그리다). Not so
  // a verb's modifier that is also a noun (다른, 오른, 만난): there the verb is the common reading.
  const size_t noun_bytes = noun_reading(dict, word);
  for (auto& s : dict) {
    // A noun keeps its syllables before a particle (부산에서 → 부산). A parse that changes them
    // reads a contracted topic particle (부산 as 부사 + ㄴ, 대만 as 대마 + ㄴ, 용산 as 용사 + ㄴ),
    // which news text writes only on pronouns (그건): the place names would match 부사, 대마, 용사.
    // Verbs do change their last syllable (흘러 → 흐르).
    if (!ends_with(s, "다") && word.compare(0, s.size(), s) != 0) continue;
    std::string form = from_dictionary_form(s);
    if (noun_bytes && ends_with(s, "다") && !(form.size() >= noun_bytes && word.compare(0, form.size(), form) == 0) &&
        !is_modifier_of(word, form))
      continue;
    // A dictionary word, or one with a particle, keeps alternative parses of two syllables or
    // more only (회의 is not 회 + 의, 도시는 not 도 + 이시는).
    if ((word_is_stem || noun_bytes) && syllables(form) < 2) continue;
    add(std::move(form));
  }
  // The dictionary misses names inside known affixes (나델라는 → 나델) and some inflected
  // compounds (경영진들 → 경영): take the rule's answer too, but when the word is itself in the
  // dictionary only if the result is as well, so 민주주의 never becomes 민주주.
  // Not a piece of the particle, though, after a noun the dictionary found (것으 of 것으로, 일에
  // of 일에는: the rule strips 로 and 는 only, as it must leave two syllables), nor the noun
  // with its plural 들 (팬들 of 팬들의), unless that is a word of the dictionary's too (개인 of
  // 개인가, 그들 of 그들은).
  const auto dict_stems = out;
  auto particle_piece = [&](const std::string& s) {
    return !own_word(s) && std::any_of(dict_stems.begin(), dict_stems.end(), [&](const std::string& t) {
      return t.size() < s.size() && s.starts_with(t) &&
             (is_particle(std::string_view(word).substr(t.size())) || (s.size() == t.size() + kSyllable && s.ends_with("들")));
    });
  };
  // The dictionary reads a verb or adjective only (하는가, 없다는): the rule's cuts are pieces of it,
  // or the verb in its dictionary form (없다 of 없다는), which is indexed without its 다 (없).
  const bool verb_only = std::all_of(dict.begin(), dict.end(), [](const std::string& s) { return ends_with(s, "다"); });
  auto verb_piece = [&](const std::string& s) {
    return verb_only && (!own_word(s) || std::find(dict.begin(), dict.end(), s) != dict.end());
  };
  for (auto& s : stripped)
    if ((!word_is_stem || hunspell_->spell(s)) && !particle_piece(s) && !verb_piece(s)) add(std::move(s));
  drop_verb_pieces(out, word);
  drop_cut_syllables(out, dict, word);
  return out;
}

}  // namespace sosik

namespace sosik {
bool ends_in_particle(std::string_view word) {
  // 로, 이, 가, 과, 도, 고 … also end common nouns (마이크로, 국가, 결과, 최고): not these.
  for (std::string_view last : {"은", "는", "을", "를", "의", "에", "서", "다"})
    if (ends_with(word, last)) return true;
  return false;
}

bool is_particle(std::string_view s) {
  for (std::string_view suf : suffixes())
    if (suf == s) return true;
  return false;
}
}  // namespace sosik
