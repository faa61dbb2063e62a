// Writes articles into a Xapian database: replaces by external id, keeps the link graph between
// articles and the stubs of the stories they link to, and commits in batches. Xapian commits are
// atomic, so a crash or kill leaves the last committed batch readable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "../analysis/analyzer.h"
#include "../article.h"
#include "vocabulary.h"

namespace sosik {

struct WriteStats {
  size_t indexed = 0;   // articles added or replaced
  size_t stubs = 0;     // stub documents created for linked stories
  size_t merged = 0;    // stubs that became full articles
  size_t deleted = 0;
};

// What writing an article needs that does not depend on the index: its document, spelling words,
// link keys, and a stub for each story it links to (written only if the story is not indexed
// yet). prepare() runs on any thread, so the indexer analyses on every core and writes
// from one.
struct PreparedArticle {
  struct Link {
    std::vector<std::string> keys;  // link_keys of the story
    Article stub;                   // its stub, analysed only when written (most links find their story)
  };
  Article article;
  Xapian::Document doc;
  SpellingCounts spelling;
  std::string id_term;
  std::vector<std::string> keys;  // link_keys of the article's own title and URL
  std::vector<Link> links;        // one per article.related
};
PreparedArticle prepare(Article article, const Analyzer& analyzer);

class IndexWriter {
 public:
  // Opens or creates the database at `path`. Throws Xapian::Error (with the path) on I/O failure
  // and std::runtime_error if the index was written by another schema version.
  // `sync` false: commits are atomic but not flushed to disk (Xapian::DB_NO_SYNC), for a
  // database that a crash makes worthless anyway (BulkIndexWriter's parts).
  IndexWriter(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t batch_size = 1000,
              bool sync = true);
  ~IndexWriter();  // commits what is pending

  void add(const Article& article) { add(prepare(article, *analyzer_)); }
  void add(PreparedArticle&& article);
  bool remove(const std::string& id);  // false when no such article
  // Writes the story's stub unless the index holds the story (an article or a stub with one of
  // its keys); true when written, committed with the next batch. add() calls it for each of an
  // article's links.
  bool link_to(const PreparedArticle::Link& link);
  void commit();
  // Commits, then rewrites the index compactly (Xapian compaction: about half the size and
  // faster reads, at a few seconds per 100,000 articles) and swaps it in at once. The write lock
  // is held throughout, so no commit is lost; a kill leaves the last commit readable.
  void compact();

  const WriteStats& stats() const { return stats_; }
  Xapian::WritableDatabase& database() { return db_; }

 private:
  void maybe_commit();

  std::string path_;
  Xapian::WritableDatabase db_;
  std::shared_ptr<const Analyzer> analyzer_;
  size_t batch_size_;
  size_t pending_ = 0;
  WriteStats stats_;
  VocabularyBatch vocabulary_;
};

// Checks that `db` was written with this schema version and the analyser's noun list (or is
// empty); throws otherwise, saying to re-index.
void check_schema_version(const Xapian::Database& db, const std::string& path, const Analyzer& analyzer);
// What an index written now records of its analysis, as metadata key → value: the schema
// version and the analyser's noun list (indexer --print-schema prints it).
std::vector<std::pair<std::string, std::string>> schema_stamp(const Analyzer& analyzer);
// Records schema_stamp on a database being written.
void stamp_schema_version(Xapian::WritableDatabase& db, const Analyzer& analyzer);

// What names the revision `db` is at, uuid and revision ("" when there is none to name: several
// databases (shards), a remote one, or no uuid, as in memory). The revision alone does not: a
// stub switched to another index, or a new index swapped in at the same path, may be at the
// same revision.
std::string revision_key(const Xapian::Database& db);

// The first document indexed by `term`, if any.
std::optional<Xapian::docid> find_document(const Xapian::Database& db, const std::string& term);

// The document a related story points to: its full article when indexed, else its stub.
std::optional<Xapian::docid> resolve_link(const Xapian::Database& db, const Analyzer& analyzer, const RelatedStory& story);
std::optional<Xapian::docid> resolve_link(const Xapian::Database& db, const std::vector<std::string>& keys);

// Swaps the database directory `fresh` in at `path` in one step, so readers and writers see the
// old index or the new, never neither; the old one is then at `fresh`, for the caller to remove
// once its handle is closed. On failure removes `fresh` and throws std::system_error naming both.
void swap_in_directory(const std::string& fresh, const std::string& path);

// True when the document is a stub (XKstub).
bool is_stub(const Xapian::Document& doc);

}  // namespace sosik
