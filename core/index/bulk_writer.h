// Builds a new index with several Xapian writers at once. Xapian writes a database from one
// thread, and that thread was the indexer's bottleneck: 77% of its CPU time went to Xapian's
// add_document and commit, while the analysing threads waited (perf, bench/index_speed). So a new
// index is written as parts, DIR.parts/part-N, each by an IndexWriter on a thread of its own; the
// stable hash of an article's id picks its part, so an id that comes again replaces itself there.
// finish() joins the link graph across parts and merges them into DIR with Xapian compaction
// (the result is compact, as after `indexer --compact`).
//
// Links: a stub written for a story whose article comes later is written twice over (added,
// then replaced or deleted), which cost a sixth of the indexing time. So links are resolved
// here, in input order, before any part sees them: a story among the last articles (their link
// keys are kept) needs no stub; the others are held back, and an article that comes later takes
// their place without a stub ever being written. What is still held at finish() is written as
// stubs, unless a part holds the story. Past `link_window` held links (memory follows it, not
// the corpus), the oldest goes to its part, which writes the stub as IndexWriter would.
// A part knows only its own documents, so such a stub may be for a story whose article another
// part holds, or that another part also has a stub of. finish() deletes those stubs before the
// merge (a stub gives way to the article; of two stubs for one story the one written earlier in
// the input stays), so DIR holds the documents IndexWriter writes for the same input
// (tests/integration/ingest_test.cc compares them document by document).
//
// A kill before finish() leaves DIR empty and the parts behind; the next BulkIndexWriter on DIR
// removes them and starts again. An index that already holds documents is written by IndexWriter.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "writer.h"

namespace sosik {

class BulkIndexWriter {
 public:
  // True when `path` holds no documents (absent, or an empty database): a BulkIndexWriter may
  // write it.
  static bool is_new_index(const std::string& path);

  // Creates (or opens, empty) the database at `path`, holding its write lock until finish(), and
  // starts `parts` writer threads. Throws std::runtime_error if `path` holds documents, and
  // Xapian::Error on I/O failure. `batch_size` is split over the parts: memory follows it.
  // `link_window`: how many of the last articles' link keys are kept, and how many links are
  // held back (see above), each a few hundred bytes. News links stories of the days before; the
  // scale corpus links within 500 articles. 0 sends every link to its part at once.
  BulkIndexWriter(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t parts,
                  size_t batch_size = 1000, size_t link_window = 20000);
  ~BulkIndexWriter();  // without finish(): stops the writers, removes the parts, DIR stays empty

  // Queued to the part of the article's id; blocks while that part is far behind. Rethrows a
  // part writer's failure.
  void add(PreparedArticle&& article);
  bool remove(const std::string& id);  // false when no such article (waits for its part)
  // Commits every part, joins the link graph across parts, and merges the parts into the
  // database at `path`. Later calls do nothing.
  void finish();
  void commit() { finish(); }  // the indexer's one call at the end of a run

  WriteStats stats() const;  // so far; safe to call while parts write
  const std::string& path() const { return path_; }
  // finish()'s two steps, on one thread: joining links across parts, and the merge (compaction).
  double join_seconds() const { return join_seconds_; }
  double merge_seconds() const { return merge_seconds_; }

 private:
  struct Part;
  Part& part_of(const std::string& id);
  std::string part_path(size_t i) const;  // DIR.parts/part-i
  // Links (see above): what the last articles make needless, what an article takes the place of.
  void take_links(PreparedArticle& article, size_t seq, size_t part);
  void remember(const std::string& id, std::vector<std::string> keys, size_t seq);
  void forget(const std::string& id);
  void unhold(size_t n, const std::vector<std::string>& keys);  // held link n is taken or sent
  bool other_part_holds(const std::vector<std::string>& keys, size_t part);  // an article with a key
  void send_oldest_link();    // to its part, as a stub job
  void write_held_links();    // at finish(): the stubs no article took the place of
  void join_links();  // deletes stubs that another part's documents make redundant
  void merge();

  std::string path_;
  std::string parts_dir_;
  Xapian::WritableDatabase lock_;  // the (empty) database at path_, held so no one else writes it
  size_t batch_size_;  // per part
  size_t link_window_;
  std::vector<std::unique_ptr<Part>> parts_;
  size_t next_seq_ = 0;  // input order of articles
  // The link keys of the last link_window_ articles, by id: a link to one needs no stub.
  struct Recent {
    size_t seq;
    std::vector<std::string> keys;
  };
  std::unordered_map<std::string, Recent> recent_;
  std::deque<std::pair<std::string, size_t>> recent_order_;  // (id, seq), oldest first
  std::unordered_map<std::string, size_t> recent_keys_;      // key → how many of them hold it
  // Links held back, in input order; taken ones stay until they reach the front.
  struct Held {
    size_t seq, part;  // of the linking article
    PreparedArticle::Link link;
    bool taken = false;
  };
  std::deque<Held> held_;
  size_t held_front_ = 0;  // the number of held_.front(), counted from the run's first held link
  std::unordered_map<std::string, std::vector<size_t>> held_keys_;  // key → numbers of held links
  size_t stubs_removed_ = 0, stubs_merged_ = 0;
  std::optional<WriteStats> final_stats_;  // once the parts are merged
  bool finished_ = false;
  double join_seconds_ = 0, merge_seconds_ = 0;
};

}  // namespace sosik
