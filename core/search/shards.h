// What a Searcher reads: one database directory, or a Xapian stub file listing shards, local
// ("auto PATH") or served by xapian-tcpsrv ("remote HOST:PORT"), plus the side index that holds
// what Xapian's remote backend does not serve (spelling, synonyms; docs/scale-out.md).
//
// Sosik parses the stub itself, in Xapian 1.4's syntax, so that remote shards are opened with
// its timeouts (a stub file cannot carry one) and a shard that does not answer is left out of the
// next search instead of failing it: the response says which shards answered.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

namespace sosik {

struct ShardOptions {
  // The side index (spelling, completion vocabulary, metadata). Empty: "side" next to a stub
  // file, when there is one.
  std::string side;
  // Each request to a remote shard, and connecting to it (Xapian::Remote::open).
  unsigned remote_timeout_ms = 10000;
  // A shard that failed is tried again after this long; meanwhile searches go without it.
  unsigned retry_after_ms = 5000;
};

// Which shards a search read: SearchResponse::shards, "shards" in GET /api/search.
struct ShardHealth {
  size_t total = 0;
  size_t answered = 0;
  std::vector<std::string> failed;  // their stub lines, e.g. "remote 10.0.0.2:7000"
  bool operator==(const ShardHealth&) const = default;
};
nlohmann::json to_json(const ShardHealth& h);  // {"total", "answered", "failed"}

// One line of a stub file.
struct StubEntry {
  enum class Kind { Local, Remote, Program } kind = Kind::Local;
  std::string line;  // as written: names the shard in ShardHealth::failed
  std::string path;  // Local: resolved against the stub's directory; Program: the program
  int backend = 0;   // Local: Xapian::DB_BACKEND_* (0 = auto)
  std::string host;  // Remote
  unsigned port = 0;
  std::string args;  // Program
};

// Parses a stub file as Xapian 1.4 does (auto/glass/chert PATH, remote HOST:PORT, remote :PROG
// ARGS, # comments). Throws Xapian::DatabaseOpeningError naming FILE:LINE for a line Xapian
// would reject too ("remote tcp HOST PORT" is not Xapian syntax).
std::vector<StubEntry> parse_stub(const std::string& path);

// True when `path` is a stub file (a regular file that is not a single-file database).
bool is_stub_file(const std::string& path);

// One reader of the index: the shards that answered when it was opened, and the side index.
// Not thread-safe (Xapian::Database is not): the Searcher pools them.
class IndexHandle {
 public:
  Xapian::Database& main() { return main_; }
  // Spelling, synonyms and metadata: the side index when there is one, else main().
  Xapian::Database& side() { return side_ ? *side_ : main_; }
  const std::optional<ShardHealth>& health() const { return health_; }  // nullopt: not sharded
  void reopen();  // picks up the latest commit of every database

 private:
  friend class IndexSource;
  Xapian::Database main_;
  std::optional<Xapian::Database> side_;
  std::optional<ShardHealth> health_;
  uint64_t generation_ = 0;
};

// Opens IndexHandles and remembers which shards failed. Thread-safe.
class IndexSource {
 public:
  // Throws Xapian::DatabaseOpeningError for a stub file Xapian could not read either.
  IndexSource(std::string path, ShardOptions options = {});

  // Opens every shard that answers (a failed one only once its retry time has come). Throws
  // Xapian::DatabaseOpeningError when none does.
  std::unique_ptr<IndexHandle> open();
  // False when `h` should be opened afresh: a shard failed or may be back, or the stub changed.
  bool current(const IndexHandle& h);
  // After a Xapian::NetworkError: asks each shard, so the next open() leaves out those that are down.
  void probe();

  bool sharded() const { return stub_; }
  const std::string& path() const { return path_; }
  // The stub's lines (every shard, answering or not), in its order; empty when not sharded.
  std::vector<std::string> lines();

 private:
  struct Shard {
    StubEntry entry;
    bool failed = false;
    std::chrono::steady_clock::time_point retry_at;
  };
  Xapian::Database open_shard(const StubEntry& e) const;
  void reload_locked();  // re-reads the stub file when it changed

  std::string path_;
  ShardOptions options_;
  bool stub_ = false;
  std::string side_path_;
  std::mutex mu_;
  std::vector<Shard> shards_;
  uint64_t generation_ = 1;
  struct timespec stub_mtime_ {};
  off_t stub_size_ = -1;
};

}  // namespace sosik
