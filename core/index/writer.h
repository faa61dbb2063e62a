// Writes articles into a Xapian database: replaces by external id, keeps the link graph between
// articles and the stubs of the stories they link to, and commits in batches. Xapian commits are
// atomic, so a crash or kill leaves the last committed batch readable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "../analysis/analyzer.h"
#include "../article.h"

namespace sosik {

struct WriteStats {
  size_t indexed = 0;   // articles added or replaced
  size_t stubs = 0;     // stub documents created for linked stories
  size_t merged = 0;    // stubs that became full articles
  size_t deleted = 0;
};

class IndexWriter {
 public:
  // Opens or creates the database at `path`. Throws Xapian::Error (with the path) on I/O failure
  // and std::runtime_error if the index was written by another schema version.
  IndexWriter(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t batch_size = 1000);
  ~IndexWriter();  // commits what is pending

  void add(const Article& article);
  bool remove(const std::string& id);  // false when no such article
  void commit();

  const WriteStats& stats() const { return stats_; }
  Xapian::WritableDatabase& database() { return db_; }

 private:
  void link_to(const Article& from, const RelatedStory& story);
  void add_spelling(std::vector<std::string>& words);
  void maybe_commit();

  Xapian::WritableDatabase db_;
  std::shared_ptr<const Analyzer> analyzer_;
  size_t batch_size_;
  size_t pending_ = 0;
  WriteStats stats_;
};

// Checks that `db` was written with this schema version (or is empty); throws otherwise.
void check_schema_version(const Xapian::Database& db, const std::string& path);

// The first document indexed by `term`, if any.
std::optional<Xapian::docid> find_document(const Xapian::Database& db, const std::string& term);

// The document a related story points to: its full article when indexed, else its stub.
std::optional<Xapian::docid> resolve_link(const Xapian::Database& db, const Analyzer& analyzer, const RelatedStory& story);

// Adds an article's spelling words (from make_document) to `db`'s spelling and completion
// tables. Shared with ShardedIndexWriter, which keeps them in its side index.
void add_spelling_words(Xapian::WritableDatabase& db, std::vector<std::string>& words);

}  // namespace sosik
