// The raw scraped-text reader: bytes → decode_korean_text (UTF-8 or CP949/EUC-KR) →
// parse_raw_text. Whatever the bytes, it returns an article or a reason, never crashes; an
// article it returns is valid UTF-8 with a body, and a rejection always says why.
#include <cstdint>
#include <string>
#include <string_view>

#include "formats.h"
#include "fuzz.h"

using namespace sosik;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string reason;
  std::optional<std::string> text = decode_korean_text(bytes, reason);
  if (!text) {
    FUZZ_CHECK(!reason.empty(), "an undecodable input says why");
    return 0;
  }
  FUZZ_CHECK(valid_utf8(*text), "decoded text is UTF-8");
  reason.clear();
  std::optional<Article> a = parse_raw_text(*text, "fuzz", reason);
  if (!a) {
    FUZZ_CHECK(!reason.empty(), "a rejected article says why");
    return 0;
  }
  FUZZ_CHECK(!a->body.empty(), "an article has a body");
  FUZZ_CHECK(!a->title.empty(), "an article has a title (given or derived)");
  for (const std::string* s : {&a->title, &a->body, &a->outlet, &a->reporter, &a->photo_credit})
    FUZZ_CHECK(valid_utf8(*s), "every field stays UTF-8 (no cut inside a character)");
  for (const auto& r : a->related) FUZZ_CHECK(valid_utf8(r.title) && !r.title.empty(), "related titles are UTF-8");
  (void)validate(*a);
  return 0;
}
