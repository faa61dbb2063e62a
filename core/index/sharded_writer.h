// Writes one logical index as several Xapian databases (shards) in a directory, plus a stub file
// listing them, so searchd and Xapian's own tools open them as one database, locally or through
// xapian-tcpsrv on other machines (docs/scale-out.md):
//
//   DIR/shard-00 … DIR/shard-NN   --shards N: the stable hash of an article's id picks its shard,
//                                 so an update or a delete goes straight to the one shard
//   DIR/shard-2024-10 …           --shard-by month: one shard per publication month (news is
//   DIR/shard-undated             written mostly to the newest); undated articles and stubs
//   DIR/side                      spelling, completion vocabulary and metadata: what Xapian's
//                                 remote backend cannot serve (searchd opens it locally)
//   DIR/sosik.stub                "auto shard-00" lines (Xapian 1.4 stub syntax)
//
// Each document is exactly what IndexWriter writes into a single database (same terms), so search
// over the shards ranks as over one database. The link graph spans shards: a stub lives in the
// shard of its own id; when the full article arrives, in whichever shard, the stub is deleted, so
// every external id is in exactly one shard. (IndexWriter::add and link_to, across shards: the
// integration test compares the documents with one database's.)
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "writer.h"

namespace sosik {

inline constexpr std::string_view kStubFileName = "sosik.stub";
inline constexpr std::string_view kSideIndexName = "side";
// Side index metadata: the layout the directory was written with ("hash 4", "month").
inline constexpr std::string_view kLayoutKey = "sosik.layout";

struct ShardLayout {
  enum class By { Hash, Month } by = By::Hash;
  size_t shards = 1;  // Hash only

  std::string to_string() const;                                  // "hash 4" or "month"
  static std::optional<ShardLayout> parse(std::string_view text);  // nullopt when malformed
  bool operator==(const ShardLayout&) const = default;
};

// The shard an article belongs to: "shard-NN" from the stable hash of its id, or "shard-YYYY-MM"
// from its publication month ("shard-undated" without one).
std::string shard_name(const ShardLayout& layout, std::string_view id, std::string_view month);

class ShardedIndexWriter {
 public:
  // Opens or creates the sharded index in directory `dir`. Without `layout`, the one the
  // directory was written with. Throws std::runtime_error (naming the directory) when it holds
  // an unsharded index or another layout, and Xapian::Error on I/O failure.
  ShardedIndexWriter(const std::string& dir, std::optional<ShardLayout> layout, std::shared_ptr<const Analyzer> analyzer,
                     size_t batch_size = 1000);
  ~ShardedIndexWriter();  // commits what is pending

  void add(const Article& article) { add(prepare(article, *analyzer_)); }
  void add(PreparedArticle&& article);
  bool remove(const std::string& id);  // false when no such article
  void commit();  // every shard, then the side index, then the stub file

  const WriteStats& stats() const { return stats_; }
  const ShardLayout& layout() const { return layout_; }
  Xapian::doccount document_count() const;
  std::string stub_path() const;
  std::vector<std::string> shard_names() const;

  // The layout of a sharded index directory, or nullopt when `dir` is not one.
  static std::optional<ShardLayout> existing_layout(const std::string& dir);

 private:
  struct Shard {
    std::string name;
    Xapian::WritableDatabase db;
  };
  struct Location {
    Shard* shard;
    Xapian::docid docid;
  };
  Shard& shard(const std::string& name);  // opened or created
  Shard& home_of(const std::string& id, const Xapian::Document& doc);
  std::optional<Location> find_any(const std::string& term);  // first shard holding `term`
  std::optional<Location> find_id(const std::string& id_term, Shard& home);
  std::optional<Location> resolve(const std::vector<std::string>& keys);
  void link_to(PreparedArticle::Link& link);
  void maybe_commit();
  void write_stub();

  std::string dir_;
  ShardLayout layout_;
  std::shared_ptr<const Analyzer> analyzer_;
  size_t batch_size_;
  size_t pending_ = 0;
  WriteStats stats_;
  VocabularyBatch vocabulary_;  // written to the side index
  Xapian::WritableDatabase side_;
  std::vector<std::unique_ptr<Shard>> shards_;  // stub order: shard-00…, or months then undated
  std::map<std::string, Shard*, std::less<>> by_name_;
  std::string stub_written_;  // the stub file's content as last written
};

}  // namespace sosik
