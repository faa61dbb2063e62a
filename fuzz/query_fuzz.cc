// The query parser: QueryBuilder::build never throws, for any string, and its queries run against
// a small real index (the API fixture corpus), as does the whole Searcher::search path (spelling,
// snippets, facets) and suggest.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <xapian.h>

#include "formats.h"
#include "fuzz.h"
#include "index/writer.h"
#include "search/searcher.h"

using namespace sosik;
using fuzz::analyzer;

namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<Searcher> searcher;
  Fixture() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sosik-fuzz-XXXXXX").string();
    FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
    dir = tmpl;
    {
      IndexWriter writer(dir + "/db", analyzer());
      read_file(SOSIK_SOURCE_DIR "/tests/fixtures/api/articles.jsonl", Format::JsonLines,
                [&](Article&& a) { writer.add(a); }, [](RecordError&&) {});
      writer.commit();
    }
    searcher = std::make_unique<Searcher>(dir + "/db", analyzer());
    FUZZ_CHECK(searcher->document_count() > 0, "the fixture index has documents");
  }
  ~Fixture() {
    searcher.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1024) return 0;  // searchd refuses longer queries (kMaxQueryBytes)
  static Fixture fx;
  std::string q(reinterpret_cast<const char*>(data), size);
  ParsedQuery pq;
  try {
    pq = fx.searcher->query_builder().build(q);
  } catch (...) {
    FUZZ_CHECK(false, "QueryBuilder::build threw");
  }
  Xapian::Database db(fx.dir + "/db");
  for (const Xapian::Query* query : {&pq.query, &pq.relaxed}) {
    if (query->empty()) continue;
    Xapian::Enquire enquire(db);
    enquire.set_query(*query);
    (void)enquire.get_mset(0, 10);
  }
  SearchRequest req;
  req.q = q;
  req.facets = facet_names();
  SearchResponse r = fx.searcher->search(req);
  FUZZ_CHECK(r.hits.size() <= req.limit, "at most `limit` hits");
  for (const Hit& h : r.hits) FUZZ_CHECK(valid_utf8(h.snippet), "snippets are UTF-8");
  (void)fx.searcher->suggest(q, 8);
  return 0;
}
