// The systems under comparison, behind one interface: build an index of a document list, then
// answer queries with the indices of the top documents.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataset.h"
#include "search/query.h"

namespace sosik {
class Analyzer;
}

namespace bench {

struct Hits {
  std::vector<size_t> ranked;  // indices into the built documents, best first
  bool error = false;          // the system failed on this query (counted as zero hits)
  std::string error_message;
};

class RetrievalSystem {
 public:
  virtual ~RetrievalSystem() = default;
  // Indexes `docs` into `dir` (created, empty). The system may keep a reference to `docs`.
  virtual void build(const std::vector<Document>& docs, const std::filesystem::path& dir) = 0;
  // At most `limit` documents for `query`. Valid after build().
  virtual Hits search(const std::string& query, size_t limit) = 0;
};

// Every system name, in report order.
const std::vector<std::string>& all_system_names();

// A system by name (one of all_system_names(), or "sosik:name=value:…" for sosik with some
// query options changed). `analyzer` is used by "sosik" only.
std::unique_ptr<RetrievalSystem> make_system(std::string_view name, std::shared_ptr<const sosik::Analyzer> analyzer);

}  // namespace bench
