// The Korean analyzer on any valid UTF-8 (invalid input is rejected before analysis, see
// valid_utf8): token offsets lie inside the input on character boundaries, Word/Stem/Part
// positions never go back, Bigram positions (their own stream) strictly increase, word indexes
// never go back, and every term is non-empty UTF-8.
#include <cstdint>
#include <string_view>

#include "fuzz.h"

using namespace sosik;
using fuzz::analyzer;

namespace {
bool boundary(std::string_view s, size_t at) {
  return at == s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!valid_utf8(text)) return 0;
  const uint32_t first = 1 + (size ? data[0] % 4 : 0);  // positions may start anywhere
  Tokens tokens = analyzer()->analyze(text, first);
  uint32_t last_pos = 0, last_bigram = 0, last_word = 0;
  bool any_bigram = false;
  for (const Token& t : tokens) {
    FUZZ_CHECK(t.start < t.end && t.end <= text.size(), "offsets inside the input, non-empty");
    FUZZ_CHECK(boundary(text, t.start) && boundary(text, t.end), "offsets on UTF-8 boundaries");
    FUZZ_CHECK(!t.term.empty() && valid_utf8(t.term), "terms are non-empty UTF-8");
    FUZZ_CHECK(t.position >= first, "positions start at first_position");
    if (t.type == TokenType::Bigram) {
      FUZZ_CHECK(!any_bigram || t.position > last_bigram, "bigram positions increase");
      last_bigram = t.position;
      any_bigram = true;
    } else {
      FUZZ_CHECK(t.position >= last_pos, "word positions never go back");
      FUZZ_CHECK(t.word >= last_word, "word indexes never go back");
      last_pos = t.position;
      last_word = t.word;
    }
  }
  (void)analyzer()->normalize(text);
  (void)syllable_bigrams(analyzer()->normalize(text));
  return 0;
}
