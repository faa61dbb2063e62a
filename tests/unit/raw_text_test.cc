// The seed's raw scraped format: what each kind of line becomes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "formats.h"

namespace sosik {
namespace {

std::string read_seed() {
  std::ifstream in(std::string(SOSIK_SOURCE_DIR) + "/corpus/000_1f698f136fdf8a36.txt", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RawText, SeedFields) {
  std::string reason;
  auto a = parse_raw_text(read_seed(), "seed", reason);
  ASSERT_TRUE(a) << reason;
  EXPECT_EQ(a->outlet, "디지털투데이");
  EXPECT_EQ(a->reporter, "황치규");
  EXPECT_EQ(a->photo_credit, "셔터스톡");
  EXPECT_TRUE(a->title_derived);
  EXPECT_EQ(a->title.rfind("테크판 세기의 동맹으로", 0), 0u) << a->title;
  const std::vector<std::string> headlines = {
      "세기의 'AI 동맹' 마이크로소프트-오픈AI 연합이 예전 같지 않은 까닭은?",
      "[테크인사이드] 때로는 미묘한...MS·오픈AI 동맹 '비하인드 스토리'",
      "오픈AI, AI 모델 '영업 파워' 급상승....동맹 마이크로소프트 긴장",
      "파트너십 넓히고 LLM자체 개발...마이크로소프트 '비욘드 오픈AI' 가시화",
      "마이크로소프트, 경쟁사 리스트에 '혈맹' 오픈AI도 추가...왜?",
      "이미 마이크로소프트 고객인데 왜 챗GPT 엔터프라이즈를 써야 하나?",
      "오픈AI, 마이크로소프트 인프라론 부족...타사 데이터센터 확보 나선다",
      "마이크로소프트는 오픈AI 지분을 얼마나 갖게 될까?",
  };
  ASSERT_EQ(a->related.size(), headlines.size());
  for (size_t i = 0; i < headlines.size(); ++i) EXPECT_EQ(a->related[i].title, headlines[i]) << "related[" << i << "]";
  for (const char* junk : {"<!--", "-->", "[db:", "圖片", "[사진", "ㆍ", "기자]"})
    EXPECT_EQ(a->body.find(junk), std::string::npos) << "body still holds '" << junk << "'";
  EXPECT_EQ(a->body.rfind("테크판 세기의 동맹으로", 0), 0u) << "the byline's text starts the body";
  EXPECT_NE(a->body.find("오픈AI는 오픈AI대로"), std::string::npos);
}

TEST(RawText, LineKinds) {
  struct Case { const char* text; const char* title; const char* body; const char* outlet; const char* reporter; const char* credit; size_t related; };
  const Case cases[] = {
      {"제목 한 줄\n본문 첫 문장이다.\n", "제목 한 줄", "본문 첫 문장이다.", "", "", "", 0},
      {"[사진=연합뉴스]\n[서울경제 김철수 기자]본문이다.", "본문이다.", "본문이다.", "서울경제", "김철수", "연합뉴스", 0},
      {"본문이다.<!-- x -->\nㆍ관련 기사\n[db:圖片]", "본문이다.", "본문이다.", "", "", "", 1},
  };
  for (const auto& c : cases) {
    std::string reason;
    auto a = parse_raw_text(c.text, "x", reason);
    ASSERT_TRUE(a) << c.text << ": " << reason;
    EXPECT_EQ(a->title, c.title) << c.text;
    EXPECT_EQ(a->body, c.body) << c.text;
    EXPECT_EQ(a->outlet, c.outlet) << c.text;
    EXPECT_EQ(a->reporter, c.reporter) << c.text;
    EXPECT_EQ(a->photo_credit, c.credit) << c.text;
    EXPECT_EQ(a->related.size(), c.related) << c.text;
  }
  std::string reason;
  EXPECT_FALSE(parse_raw_text("[사진: x]\n<!-- -->\n", "x", reason));
  EXPECT_EQ(reason, "no body text");
}

TEST(RawText, DerivedTitlesEndAtAWordBoundary) {
  std::string body(200, ' ');
  body = "마이크로소프트와 오픈AI 연합군의 디테일이 점점 복잡해지는 양상이며 겉보기엔 끈끈한 협력이 계속되는 듯 보이지만 물밑에선 이해 관계가 충돌한다";
  std::string t = derive_title(body, 30);
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t.substr(t.size() - 3), "…");
  std::string cut = t.substr(0, t.size() - 3);
  EXPECT_EQ(body.compare(0, cut.size(), cut), 0) << t;
  EXPECT_EQ(body[cut.size()], ' ') << "cut inside a word: '" << t << "'";
}

TEST(RawText, DecodesCp949) {
  // "한국 뉴스" in CP949.
  const std::string cp949 = "\xC7\xD1\xB1\xB9 \xB4\xBA\xBD\xBA";
  std::string reason;
  auto text = decode_korean_text(cp949, reason);
  ASSERT_TRUE(text) << reason;
  EXPECT_EQ(*text, "한국 뉴스");
  // Bytes that are neither UTF-8 nor CP949 text are reported, never indexed as junk.
  for (std::string bad : {"ok \xFF\xFF\xFF", "ok \x80", "ok \xC7\x20", "\xC7\xD1 \xFF"}) {
    EXPECT_FALSE(decode_korean_text(bad, reason)) << "should be rejected: " << bad;
    EXPECT_NE(reason.find("CP949"), std::string::npos) << reason;
  }
}

}  // namespace
}  // namespace sosik
