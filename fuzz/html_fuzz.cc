// The HTML extractor: any bytes (any charset, broken markup) give an article that passes
// validate(), or a reason; never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz.h"
#include "html.h"

using namespace sosik;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)declared_charset(bytes);
  std::string reason;
  std::optional<Article> a = parse_html(bytes, "/fuzz/page.html", reason);
  if (!a) {
    FUZZ_CHECK(!reason.empty(), "a rejected page says why");
    return 0;
  }
  FUZZ_CHECK(validate(*a).empty(), "parse_html returns only valid articles");
  FUZZ_CHECK(!a->id.empty(), "an article has an id (canonical URL or the fallback)");
  return 0;
}
