#include "hanja.h"

#include <cstdlib>
#include <fstream>

#include <unicode/utf8.h>

namespace sosik {
namespace {

// One-character abbreviations in Korean headlines (언론 약칭): the country or body they stand for.
const std::unordered_map<std::string_view, std::string_view>& headline_abbreviations() {
  static const std::unordered_map<std::string_view, std::string_view> table = {
      {"美", "미국"}, {"中", "중국"}, {"北", "북한"}, {"南", "남한"}, {"日", "일본"}, {"英", "영국"},
      {"佛", "프랑스"}, {"獨", "독일"}, {"露", "러시아"}, {"印", "인도"}, {"韓", "한국"}, {"臺", "대만"},
      {"與", "여당"}, {"野", "야당"}, {"檢", "검찰"}, {"警", "경찰"}, {"靑", "청와대"}, {"軍", "군"},
      {"伊", "이탈리아"}, {"加", "캐나다"}, {"濠", "호주"},
  };
  return table;
}

}  // namespace

std::string HanjaReader::default_table() {
  const char* env = std::getenv("SOSIK_HANJA_TABLE");
  return env && *env ? env : "/usr/share/libhangul/hanja/hanja.txt";
}

HanjaReader::HanjaReader(const std::string& table) {
  std::ifstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t a = line.find(':');
    size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    std::string_view han(line.data() + a + 1, b - a - 1);
    int32_t i = 0, n = static_cast<int32_t>(han.size());
    UChar32 c;
    U8_NEXT(han.data(), i, n, c);
    if (c < 0 || i != n) continue;  // single characters only; the first listed reading wins
    readings_.emplace(static_cast<char32_t>(c), line.substr(0, a));
  }
}

std::string HanjaReader::read(std::string_view han) const {
  const auto& abbr = headline_abbreviations();
  if (auto it = abbr.find(han); it != abbr.end()) return std::string(it->second);
  std::string out;
  int32_t i = 0, n = static_cast<int32_t>(han.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(han.data(), i, n, c);
    auto it = readings_.find(static_cast<char32_t>(c));
    if (c < 0 || it == readings_.end()) return {};
    out += it->second;
  }
  return out;
}

}  // namespace sosik
