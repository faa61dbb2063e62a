// The JSON Lines reader, two ways: the whole input as one JSON value through article_from_json
// (an accepted article survives a to_json round trip), and the input as a .jsonl file through
// read_file, which reaches the line reader (BOM, CR, blank lines, invalid UTF-8, bad JSON).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "formats.h"
#include "fuzz.h"

using namespace sosik;

namespace {

// One file per process, rewritten for each input; removed at exit. In memory (/dev/shm) when
// there is one: on disk the writes cost more than the parsing.
struct TempFile {
  std::string path;
  TempFile() {
    std::filesystem::path dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    std::string tmpl = (dir / "sosik-fuzz-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    FUZZ_CHECK(fd >= 0, "mkstemp");
    close(fd);
    path = tmpl + ".jsonl";
    std::filesystem::rename(tmpl, path);
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (!j.is_discarded()) {
    ParseError err;
    if (auto a = article_from_json(j, err)) {
      FUZZ_CHECK(validate(*a).empty(), "an accepted article is valid");
      ParseError again;
      auto b = article_from_json(to_json(*a), again);
      FUZZ_CHECK(b.has_value(), "to_json of an accepted article is accepted again");
      FUZZ_CHECK(b->id == a->id && b->body == a->body && b->title == a->title && b->related.size() == a->related.size(),
                 "the round trip keeps the article");
    } else {
      FUZZ_CHECK(!err.message.empty(), "a rejected record says why");
    }
  }

  static TempFile file;
  if (std::FILE* f = std::fopen(file.path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  size_t lines = 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  read_file(
      file.path, Format::JsonLines,
      [](Article&& a) { FUZZ_CHECK(validate(a).empty(), "read_file only yields valid articles"); },
      [&](RecordError&& e) {
        FUZZ_CHECK(e.line >= 1 && e.line <= lines, "an error names a line of the input");
        FUZZ_CHECK(!e.reason.empty(), "an error says why");
      });
  return 0;
}
