// The Korean pipeline, as tables of input → expected output (after Xapian's api_termgen.cc).
// Cases come from the seed article. A failure names the input and what was produced.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "analysis/analyzer.h"
#include "analysis/segmenter.h"

namespace sosik {
namespace {

const Analyzer& analyzer() {
  static std::shared_ptr<const Analyzer> a = Analyzer::korean();
  return *a;
}

// Every non-bigram term of a text, as a set.
std::set<std::string> word_terms(std::string_view text) {
  std::set<std::string> out;
  for (const Token& t : analyzer().analyze(text))
    if (t.type != TokenType::Bigram) out.insert(t.term);
  return out;
}

std::set<std::string> bigram_terms(std::string_view text) {
  std::set<std::string> out;
  for (const Token& t : analyzer().analyze(text))
    if (t.type == TokenType::Bigram) out.insert(t.term);
  return out;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& t : s) out += (out.empty() ? "" : " ") + t;
  return out;
}

TEST(Analysis, DictionaryIsInstalled) {
  EXPECT_TRUE(analyzer().stemmer().has_dictionary()) << "hunspell-ko missing: run scripts/setup";
}

// Inflected forms and the stem they must share with the bare word.
TEST(Analysis, InflectedFormsShareAStem) {
  struct Case { const char* written; const char* stem; };
  const Case cases[] = {
      {"마이크로소프트와", "마이크로소프트"}, {"마이크로소프트는", "마이크로소프트"},
      {"마이크로소프트에", "마이크로소프트"}, {"마이크로소프트가", "마이크로소프트"},
      {"투자를", "투자"}, {"투자에서", "투자"}, {"협상했다고", "협상"},
      {"슐레이먼이", "슐레이먼"}, {"슐레이먼은", "슐레이먼"}, {"나델라는", "나델라"}, {"나델라에게", "나델라"},
      {"경영진들", "경영진"}, {"알트먼이", "알트먼"}, {"오라클과", "오라클"},
      // A verb with an auxiliary: each form has the compound's stem (KoreanStemmer::auxiliary_stems).
      {"만들어진", "만들어지"}, {"만들어졌다", "만들어지"}, {"만들어지는", "만들어지"},
      {"지어졌다", "지어지"}, {"세워진", "세워지"}, {"안겨준", "안겨주"}, {"만들어낸", "만들어내"},
      // A verb's modifier that is a noun too keeps the verb (다르다, 오르다, 만나다).
      {"다른", "다르"}, {"오른", "오르"}, {"만난", "만나"},
      // A one-syllable noun with a particle whose start makes a noun too (개 + 인가, 개인 + 가).
      {"개인가", "개인"},
      // The copula's 인 on a compound the dictionary lacks, when the compound ends in a noun it has.
      {"최고경영자인", "최고경영자"}, {"공동창업자인", "공동창업자"}, {"대선후보인", "대선후보"},
      // 측 (side) written onto its noun.
      {"민주당측은", "민주당"}, {"검찰측", "검찰"},
      // A one-syllable noun before a particle stays beside a verb read in it (나르다, 명인).
      {"나를", "나"}, {"명인가", "명"},
      // A name may end in 에 (몽펠리에), or in 이 before the copula's 라 after a vowel (무카이).
      {"몽펠리에는", "몽펠리에"}, {"무카이라는", "무카이"},
      // A noun the dictionary lacks, with a past copula.
      {"대선후보였던", "대선후보"}, {"출품작이었던", "출품작"}, {"입국되었던", "입국"},
      {"지역입니까", "지역"}, {"정부인데", "정부"}, {"부산에서", "부산"}, {"용산에", "용산"},
      // A 하다/되다 verb from a noun the dictionary lacks, in its future and conditional forms.
      {"프로모션할", "프로모션"}, {"스트리밍해야", "스트리밍"}, {"스트리밍하려는", "스트리밍"},
      {"스트리밍했지만", "스트리밍"}, {"인수합병될", "인수합병"}, {"스트리밍되면", "스트리밍"},
      // A dependent noun or postposition written onto its noun, with or without a particle.
      {"대통령때", "대통령"}, {"선거때는", "선거"}, {"재임때부터", "재임"}, {"재학중인", "재학"},
      {"서거후", "서거"}, {"출범뒤", "출범"}, {"방학동안", "방학"}, {"처벌에대해", "처벌"}, {"화재로인해", "화재"},
      // A dependent noun or postposition written onto a verb or a noun with its particle: the
      // stems of what comes before it (kJoinedTails in stemmer.cc).
      {"교환하는것을", "교환"}, {"투자하기위해", "투자"}, {"이용할수있는", "이용"}, {"해결할수없는", "해결"},
      {"국민을위한", "국민"}, {"발전을위해", "발전"},
      // Endings that science and IT news left on words the dictionary lacks: 뿐, the honorific
      // 씨 on a name, 로서, and a 하다 verb's 해.
      {"데이터뿐", "데이터"}, {"아이디어뿐만", "아이디어"}, {"유재원씨", "유재원"}, {"홍길동씨는", "홍길동"},
      {"마커로서", "마커"}, {"모니터링해야", "모니터링"}, {"자매간이거나", "자매간"},
      // A noun made a verb with 받다, 시키다 or a contracted 되다.
      {"주목받고", "주목"}, {"평가받는", "평가"}, {"추천받아", "추천"}, {"왜곡시키지", "왜곡"}, {"향상시켜야", "향상"}, {"코팅돼야", "코팅"},
      // A question in the past, and 이었 as users write it (이였).
      {"피살당했나", "피살"}, {"입국시켰나", "입국"}, {"개최됐나", "개최"}, {"대통령이였다", "대통령"},
      // The forms a headline or a question ends with, on a noun the dictionary lacks.
      {"현실되나", "현실"}, {"스트리밍될까", "스트리밍"}, {"스트리밍하자", "스트리밍"}, {"스트리밍됐으나", "스트리밍"},
      {"선전포고하였으며", "선전포고"}, {"스트리밍되어야", "스트리밍"}, {"스트리밍하나요", "스트리밍"}, {"스트리밍일까", "스트리밍"},
      // The past, 받다, 시키다, 이라 and -적인 on words the dictionary lacks (KorQuAD's).
      {"마르세유였고", "마르세유"}, {"선고받았으며", "선고"}, {"작동시킨다", "작동"}, {"해금강이라", "해금강"},
      {"연구중이라", "연구"}, {"사회주의적인", "사회주의적"},
      // The past of a noun made a verb, with any of the endings that follow it.
      {"선고받았는가", "선고"}, {"역전시켰지만", "역전"}, {"세팅되었기에", "세팅"}, {"굉침되었는가", "굉침"},
      {"청강생이었다는", "청강생"},
      // 있다 and 없다 written onto a noun, or onto a verb (its stems, as when spaced); so 때.
      {"가치있는", "가치"}, {"관심없는", "관심"}, {"기록하고있는", "기록"}, {"갇혀있는", "갇히"},
      {"귀국했을때", "귀국"},
      // A name may end in 하: it stays a stem beside the noun before it.
      {"김영하는", "김영하"},
  };
  for (const auto& c : cases) {
    auto terms = word_terms(c.written);
    EXPECT_TRUE(terms.count(c.stem)) << "'" << c.written << "' should be indexed with stem '" << c.stem
                                     << "'; got: " << join(terms);
    EXPECT_TRUE(terms.count(c.written)) << "'" << c.written << "' should be indexed as written; got: " << join(terms);
  }
}

TEST(Analysis, DictionaryWordsAreNotOverStripped) {
  struct Case { const char* word; const char* wrong; };
  // 인 ends names (김정인) as often as it is a copula (재학중인): never stripped.
  const Case cases[] = {{"민주주의", "민주주"}, {"회의", "회"}, {"나이", "나"}, {"김정인", "김정"},
                         // Of two ways to strip a word, the one that leaves a dictionary word.
                         {"사람인가", "사람인"},
                         // The copula is no auxiliary verb (바 + 이든 is not 바이다).
                         {"바이든", "바이"},
                         // A noun keeps its syllables: no contracted topic particle (부사 + ㄴ).
                         {"부산", "부사"}, {"대만", "대마"}, {"용산", "용사"},
                         // 할, 중, 후 end nouns too (역할, 관할, 도중, 관중, 황후): no ending there.
                         {"중재역할", "중재역"}, {"경찰관할", "경찰관"}, {"경기도중", "경기도"},
                         {"야구관중에", "야구관"}, {"명성황후", "명성황"},
                         // Nor do 씨 and 해 (아가씨, 솜씨, 동해), with or without a particle.
                         {"아가씨", "아가"}, {"아가씨를", "아가"}, {"마음씨가", "마음"}, {"솜씨를", "솜"},
                         {"보하이해", "보하이"}, {"남중국해", "남중국"},
                         // A verb before 받다 is no noun (물려받은: 물려 + 받다).
                         {"물려받은", "물려"}, {"넘겨받아", "넘겨"}, {"주고받는", "주고"},
                         // Nor is a noun with part of its 하다 or 되다 left on.
                         {"노미네이트되기도", "노미네이트되기"}, {"간결하더라도", "간결하더라"},
                         {"강조하였다", "강조하"}, {"결정하였는가", "결정하였는"}, {"간주하는가", "간주하는"},
                         {"강론하였는데", "강론하"}, {"스트리밍하는", "스트리밍하"}, {"대량생산되는", "대량생산되"},
                         // Nor a verb's stem cut where 이 and 었 contract (선보였다: 선보이, not 선보).
                         {"선보였다", "선보"}, {"받아들였다", "받아"},
                         // No stem of a verb cut inside its past (모였는가 less 가).
                         {"모였는가", "모였는"}, {"가졌을", "가졌"}, {"귀국했을때", "귀국했을"},
                         {"몇번이었나", "몇번이"}, {"접어들었나", "접어"},
                         // 인 after anything but -적 may end a name.
                         {"김정인은", "김정"},
                         // A noun, alone or with a particle, is no contracted verb (노래: 노랗다,
                         // 이름은: 이르다, 지난해: 지난하다) and no copula after one syllable
                         // (게임을: 게 + 임을, 나라는: 나 + 라는).
                         {"노래", "노랗"}, {"이름은", "이르"}, {"지난해", "지난"}, {"도시는", "돌"},
                         {"도시는", "도"}, {"게임을", "게"}, {"나라는", "나"}, {"책임을", "책"},
                         // Nor a piece of the particle after a one-syllable noun (것 + 으로).
                         {"것으로", "것으"}, {"일에는", "일에"}, {"년부터는", "년부터"},
                         // 으 is 으로's: no noun ends in it.
                         {"법원장으로", "법원장으"}, {"트윗으로", "트윗으"},
                         // Nor a piece of a word the dictionary reads as a verb only.
                         {"하는가", "하는"}, {"한다는", "한다"}, {"없지만", "없지"}, {"만드는", "만드"},
                         {"받아들이고", "받아"}, {"가능함을", "가능함"}, {"없다는", "없다"}, {"힘들다는", "힘들다"},
                         // Nor one syllable of a longer verb (가지다, 보이다).
                         {"가진", "가"}, {"보이지", "보"},
                         // Nor half of a particle made of two, nor a plural after a dictionary noun.
                         {"다라에서는", "다라에서"}, {"천황에게는", "천황에게"}, {"팬들의", "팬들"},
                         {"리더로서의", "리더로서"},
                         // Nor the copula after a consonant.
                         {"해금강이라는", "해금강이"}, {"해금강이라는", "해금강이라"}, {"후속작이라고", "후속작이"},
                         // …but of a dictionary word's, the one that leaves the word (원숭이 + 라는).
                         {"원숭이라는", "원숭"}, {"돌멩이라는", "돌멩"},
                         // 인 stays on a noun ending in 人 (장애인, 법인) and on loanwords.
                         {"발달장애인", "발달장애"}, {"법무법인", "법무법"}, {"비트코인", "비트코"},
                         {"가이드라인", "가이드라"},
                         // …and 측 on a noun that ends in it (관측, 예측).
                         {"기상관측은", "기상관"}};
  for (const auto& c : cases) {
    auto terms = word_terms(c.word);
    EXPECT_FALSE(terms.count(c.wrong)) << "'" << c.word << "' must not yield '" << c.wrong << "'; got: " << join(terms);
  }
}

TEST(Analysis, MixedScriptWordsSplitAndJoin) {
  struct Case { const char* written; std::vector<const char*> terms; };
  const Case cases[] = {
      {"오픈AI", {"오픈", "ai", "오픈ai"}},
      {"오픈AI를", {"오픈", "ai", "오픈ai"}},
      {"챗GPT", {"챗", "gpt", "챗gpt"}},
      {"MAI-1", {"mai", "1", "mai1"}},
      {"LLM자체", {"llm", "자체", "llm자체"}},
      {"ＡＩ", {"ai"}},
      // A particle or ending on the last piece comes off the whole word as well.
      {"2016년에", {"2016", "년", "2016년에", "2016년"}},
      {"LG전자는", {"lg", "전자", "lg전자는", "lg전자"}},
      {"1억원의", {"1", "억원", "1억원"}},
  };
  for (const auto& c : cases) {
    auto terms = word_terms(c.written);
    for (const char* t : c.terms)
      EXPECT_TRUE(terms.count(t)) << "'" << c.written << "' should give '" << t << "'; got: " << join(terms);
  }
  EXPECT_FALSE(word_terms("오픈AI를").count("오픈ai를")) << "the particle is not part of the name";
}

TEST(Analysis, MiddleDotsBracketsAndUnderscoresSeparateWords) {
  struct Case { const char* text; std::vector<const char*> words; };
  const Case cases[] = {
      {"MS·오픈AI", {"ms", "오픈ai"}},
      {"삼성ㆍLG", {"삼성", "lg"}},
      {"[테크인사이드]", {"테크인사이드"}},
      {"'비하인드 스토리'", {"비하인드", "스토리"}},
      {"미국‧중국", {"미국", "중국"}},
      // Wiki titles and file names join words with '_'; ICU keeps "S7_엣지" one word, whose
      // parts were "s" and "7_", so 갤럭시 S7 never matched it.
      {"삼성_갤럭시_S7_엣지", {"삼성", "갤럭시", "s7", "엣지"}},
      {"snake_case", {"snake", "case"}},
  };
  for (const auto& c : cases) {
    auto terms = word_terms(c.text);
    for (const char* w : c.words) EXPECT_TRUE(terms.count(w)) << "'" << c.text << "' should give '" << w << "'; got: " << join(terms);
  }
}

TEST(Analysis, BigramsBridgeSpacing) {
  // 데이터센터 and 데이터 센터 give the same continuous bigrams, so each finds the other.
  EXPECT_EQ(bigram_terms("데이터센터"), bigram_terms("데이터 센터"));
  EXPECT_EQ(bigram_terms("마이크로소프트"), bigram_terms("마이크로 소프트"));
  EXPECT_TRUE(bigram_terms("데이터센터").count("센터"));
  // Punctuation breaks the bigram stream.
  EXPECT_FALSE(bigram_terms("데이터. 센터").count("터센"));
  // So does a particle or ending that surely is one (ends_in_particle): 는오 is no compound. Not
  // one that also ends nouns (마이크로, 전문가, 결과): 마이크로 소프트 still bridges.
  struct Case { const char* text; const char* bigram; bool bridged; };
  const Case cases[] = {
      {"마이크로소프트는 오픈AI와", "트는", true},        // inside the word
      {"마이크로소프트는 오픈AI와", "는오", false},
      {"삼성전자의 반도체", "의반", false},
      {"데이터센터에서 일한다", "서일", false},
      {"협상했다 나델라", "다나", false},
      {"마이크로 소프트", "로소", true},
      {"전문가 집단", "가집", true},
      {"사과 농장", "과농", true},
      {"오픈AI와 협력", "와협", false},                 // a particle after a Latin name
  };
  for (const auto& c : cases)
    EXPECT_EQ(bigram_terms(c.text).count(c.bigram), c.bridged ? 1u : 0u)
        << "'" << c.text << "' bigram '" << c.bigram << "': Analyzer::analyze, ends_in_particle; got: " << join(bigram_terms(c.text));
}

TEST(Analysis, NormalisesWidthCaseAndJamo) {
  struct Case { const char* in; const char* out; };
  const Case cases[] = {{"ＡＢＣ", "abc"}, {"GPT", "gpt"}, {"ㅁㅇㅋ", "ㅁㅇㅋ"}, {"\u1106\u1161", "마"}, {"Straße", "strasse"}};
  for (const auto& c : cases) EXPECT_EQ(analyzer().normalize(c.in), c.out) << "normalize('" << c.in << "')";
}

TEST(Analysis, OffsetsCoverWholeWords) {
  std::string text = "무스타파 슐레이먼은 현재 마이크로소프트에서";
  for (const Token& t : analyzer().analyze(text)) {
    if (t.type != TokenType::Word) continue;
    std::string surface = text.substr(t.start, t.end - t.start);
    EXPECT_TRUE(surface == "무스타파" || surface == "슐레이먼은" || surface == "현재" || surface == "마이크로소프트에서")
        << "word token '" << t.term << "' covers '" << surface << "'";
  }
}

// Random input: offsets inside the input and on UTF-8 boundaries, positions never decreasing.
TEST(Analysis, OffsetsAndPositionsOnRandomInput) {
  const std::vector<std::string> alphabet = {"가", "나", "다", "슐", "레", "이", "먼", "은", " ", "A", "i", "1", "-", "·",
                                             "ㆍ", ".", "\n", "美", "ㅋ", "(", ")", "'", "＂", "é"};
  std::mt19937 rng(42);
  for (int round = 0; round < 500; ++round) {
    std::string text;
    size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    uint32_t last_word_pos = 0, last_bigram_pos = 0;
    for (const Token& t : analyzer().analyze(text)) {
      ASSERT_LE(t.start, t.end) << "input: '" << text << "'";
      ASSERT_LE(t.end, text.size()) << "input: '" << text << "'";
      ASSERT_TRUE(t.start == text.size() || (static_cast<unsigned char>(text[t.start]) & 0xC0) != 0x80) << text;
      ASSERT_TRUE(t.end == text.size() || (static_cast<unsigned char>(text[t.end]) & 0xC0) != 0x80) << text;
      uint32_t& last = t.type == TokenType::Bigram ? last_bigram_pos : last_word_pos;
      ASSERT_GE(t.position, last) << "positions went backwards in '" << text << "'";
      last = t.position;
      ASSERT_FALSE(t.term.empty()) << text;
    }
  }
}

// segment() takes words of Hangul syllables between ASCII spaces as they are and lets ICU read
// only the rest; it must give exactly what ICU gives reading all of the text (segmenter.cc).
TEST(Segmenter, SyllableWordsAsICUWouldSplitThem) {
  KoreanSegmenter segmenter;
  auto show = [](const std::vector<SegmentedWord>& ws) {
    std::string out;
    for (const auto& w : ws) {
      out += "[" + std::to_string(w.start) + "," + std::to_string(w.end) + (w.spaced_from_previous ? " spaced" : "");
      for (const auto& p : w.pieces) out += " " + std::to_string(p.start) + "-" + std::to_string(p.end) + ":" + std::to_string(int(p.script));
      out += "]";
    }
    return out;
  };
  std::vector<std::string> texts = {"", " ", "마이크로소프트와 오픈AI의 협상", "  데이터 센터\n\n투자를  늘린다 ",
                                    "슐레이먼은 \"MAI-1\"을 공개했다.", "가\u0301 나", "가 \u0301나", "가\u200d나 다",
                                    "美 대통령ㆍ총리 (가나) 다·라", "가\u3000나\u00a0다", "ㅋㅋ 가나 ㅏ", "가나😀 다",
                                    "“삼성은” 말했다. 그리고, (정말)? 'a'b 가.나 가:나 가'나"};
  const std::vector<std::string> alphabet = {"가", "힣", "나", " ", " ", "\n", "\t", "a", "Z", "1", "-", ".", "\u0301", "\u200d",
                                             "\u3000", "\u00a0", "ㄱ", "ㅏ", "漢", "オ", "ㆍ", "·", "(", "'", "😀", "\u200b",
                                             "\u1100", "\u1161", "\ufeff", "_", "\r", ",", ")", "\"", "\u201C", "\u201D",
                                             "\u2018", "\u2019", "!", "?", ":", ";", "[", "]", "."};
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (size_t i = 0, len = rng() % 16; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    texts.push_back(text);
  }
  for (const auto& t : texts) {
    auto fast = segmenter.segment(t), reference = segmenter.segment_by_rules(t);
    ASSERT_EQ(show(fast), show(reference)) << "input: '" << t << "'";
  }
}

// Found by fuzz/analyzer_fuzz.cc: characters that normalise to nothing (U+3164 HANGUL FILLER,
// U+115F/U+1160 jamo fillers) gave empty terms, which Xapian rejects: the indexer gave up.
TEST(Analysis, CharactersThatNormaliseToNothingGiveNoTerm) {
  for (const char* text : {"\u3164핀AI", "핀\u3164AI", "\u3164", "오픈AI\u3164를", "\u115F\u1160 데이터", "A\u3164B"}) {
    for (const Token& t : analyzer().analyze(text)) EXPECT_FALSE(t.term.empty()) << "'" << text << "': an empty term at " << t.start;
  }
  EXPECT_TRUE(word_terms("\u3164핀AI").count("핀")) << join(word_terms("\u3164핀AI"));
}

}  // namespace
}  // namespace sosik
