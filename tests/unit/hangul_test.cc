// Jamo-level Hangul: tables of input → expected output for each conversion the search uses.
#include <gtest/gtest.h>

#include "analysis/analyzer.h"
#include "analysis/hangul.h"

namespace sosik {
namespace {

TEST(Hangul, Jamo) {
  struct Case { const char* in; const char* jamo; const char* cho; };
  const Case cases[] = {
      {"마이크로소프트", "ㅁㅏㅇㅣㅋㅡㄹㅗㅅㅗㅍㅡㅌㅡ", "ㅁㅇㅋㄹㅅㅍㅌ"},
      {"슐레이먼", "ㅅㅠㄹㄹㅔㅇㅣㅁㅓㄴ", "ㅅㄹㅇㅁ"},
      {"값", "ㄱㅏㅂㅅ", "ㄱ"},
      {"와", "ㅇㅗㅏ", "ㅇ"},
      {"ai", "ai", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(to_jamo(c.in), c.jamo) << "to_jamo(" << c.in << ")";
    EXPECT_EQ(choseong(c.in), c.cho) << "choseong(" << c.in << ")";
  }
  EXPECT_TRUE(is_choseong_only("ㅁㅇㅋ"));
  EXPECT_FALSE(is_choseong_only("ㅡㄴ"));
  EXPECT_FALSE(is_choseong_only("마ㅇ"));
}

TEST(Hangul, SyllablesDecompose) {
  struct Case { char32_t in; int initial, vowel, final; };
  const Case cases[] = {
      {U'가', 0, 0, 0}, {U'값', 0, 0, 18}, {U'한', 18, 0, 4}, {U'와', 11, 9, 0}, {U'힣', 18, 20, 27},
  };
  for (const auto& c : cases) {
    auto j = decompose(c.in);
    ASSERT_TRUE(j) << "U+" << std::hex << static_cast<uint32_t>(c.in);
    EXPECT_EQ(std::make_tuple(j->initial, j->vowel, j->final), std::make_tuple(c.initial, c.vowel, c.final))
        << "U+" << std::hex << static_cast<uint32_t>(c.in) << ": see decompose in core/analysis/hangul.cc";
  }
  for (char32_t other : {U'A', U'ㄱ', U'ㅏ', U'\uABFF', U'\uD7A4', U'漢'}) EXPECT_FALSE(decompose(other)) << static_cast<uint32_t>(other);
}

TEST(Hangul, ComposeAsA2SetKeyboardDoes) {
  struct Case { const char* jamo; const char* text; };
  const Case cases[] = {
      {"ㅇㅗㅍㅡㄴ", "오픈"}, {"ㅁㅏㅇㅣㅋㅡㄹㅗㅅㅗㅍㅡㅌㅡ", "마이크로소프트"}, {"ㄱㅏㅂㅅ", "값"},
      {"ㄱㅏㄱㅅㅣ", "각시"}, {"ㅇㅗㅏ", "와"}, {"ㅁㅏ", "마"}, {"ㅁㅇㅋ", "ㅁㅇㅋ"}, {"ㅏ", "ㅏ"}, {"ab ㅎㅏㄴ", "ab 한"},
  };
  for (const auto& c : cases) EXPECT_EQ(compose_jamo(c.jamo), c.text) << "compose_jamo(" << c.jamo << ")";
  // Decomposing then composing gives the text back.
  for (const char* w : {"마이크로소프트", "슐레이먼", "데이터센터", "닭갈비", "읽었다", "괜찮아"})
    EXPECT_EQ(compose_jamo(to_jamo(w)), w) << w;
}

TEST(Hangul, KeyboardLayoutSlips) {
  struct Case { const char* typed; const char* meant; };
  const Case to_hangul[] = {{"dhvms", "오픈"}, {"tkatjd", "삼성"}, {"rkqt", "값"}, {"dkssud", "안녕"}, {"123", ""}};
  for (const auto& c : to_hangul) EXPECT_EQ(qwerty_to_hangul(c.typed), c.meant) << "qwerty_to_hangul(" << c.typed << ")";
  const Case to_latin[] = {{"ㅡㄴ", "ms"}, {"오픈", "dhvms"}, {"ㅣㅣㅡ", "llm"}, {"ai", ""}};
  for (const auto& c : to_latin) EXPECT_EQ(hangul_to_qwerty(c.typed), c.meant) << "hangul_to_qwerty(" << c.typed << ")";
}

TEST(Hangul, TyposCountedInJamo) {
  struct Case { const char* a; const char* b; size_t distance; };
  const Case cases[] = {
      {"나델러", "나델라", 1}, {"슐래이먼", "슐레이먼", 1}, {"마이크로소프드", "마이크로소프트", 1},
      {"마이크로소프트", "마이크로소프트", 0}, {"간", "감", 1}, {"오픈", "오픈ai", 2},
  };
  for (const auto& c : cases) EXPECT_EQ(jamo_distance(c.a, c.b), c.distance) << c.a << " ~ " << c.b;
}

TEST(Hangul, HanjaReadAsHangul) {
  static std::shared_ptr<const Analyzer> analyzer = Analyzer::korean();
  struct Case { const char* text; const char* reading; };
  const Case cases[] = {{"美", "미국"}, {"中", "중국"}, {"北", "북한"}, {"與", "여당"}, {"野", "야당"}, {"檢", "검찰"},
                        {"圖片", "도편"}, {"大韓民國", "대한민국"}};
  ASSERT_GT(analyzer->hanja().size(), 1000u) << "libhangul-data's hanja table is missing: run scripts/setup";
  for (const auto& c : cases) {
    bool found = false;
    for (const Token& t : analyzer->analyze(std::string(c.text) + " 대선")) found = found || t.term == c.reading;
    EXPECT_TRUE(found) << "'" << c.text << "' should be read as '" << c.reading << "'";
  }
}

}  // namespace
}  // namespace sosik
