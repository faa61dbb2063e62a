// indexer: ingests Korean news articles into a Xapian index.
//   indexer --db DIR [--format auto|text|jsonl|html] [--batch N] [--threads N] [--writers N] [--delete ID]... [PATH...]
//   indexer --db DIR --shards N | --shard-by month [...]   (shards and a stub file: docs/scale-out.md)
// Prints a JSON summary on stdout; errors (file:line: reason) and progress go to stderr.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.h"
#include "formats.h"
#include "index/bulk_writer.h"
#include "index/sharded_writer.h"
#include "index/writer.h"
#include "ordered_pool.h"

namespace fs = std::filesystem;
using namespace sosik;

namespace {

void usage(std::ostream& out) {
  out << "usage: indexer --db DIR [--format auto|text|jsonl|html] [--batch N] [--threads N] [--writers N]\n"
         "               [--delete ID]... [PATH...]\n"
         "               [--shards N | --shard-by month] [--compact]\n"
         "  PATH   files, or directories read recursively (.txt .jsonl .ndjson .html .htm .xhtml)\n"
         "  --batch N   articles per commit (default 1000); a kill loses at most the open batch\n"
         "  --threads N threads analysing articles (default: one per core; 0: none, all on one thread);\n"
         "              one thread writes, in input order, so the index is the same for any N\n"
         "  --writers N a new index is written by N threads at once (default: 2 on 2 or more cores),\n"
         "              as parts merged into DIR at the end; it is the same index as with 1.\n"
         "              A kill before the end leaves DIR empty. An index with documents has 1\n"
         "  --shards N  write DIR/shard-00..N-1 (the hash of the id picks one), DIR/side and the stub\n"
         "              file DIR/sosik.stub; --shard-by month: one shard per publication month.\n"
         "              A sharded DIR keeps its layout: later runs need neither option\n"
         "  --compact   at the end, rewrite the index compactly (about half the size, faster\n"
         "              searches; worth it after a bulk load; one database, not shards)\n"
         "  --print-schema   print what an index written now records of its analysis (its\n"
         "              metadata: schema version, noun list) as JSON, and exit: an index that\n"
         "              records other values must be re-indexed\n";
}

size_t document_count(IndexWriter& w) { return w.database().get_doccount(); }
size_t document_count(ShardedIndexWriter& w) { return w.document_count(); }
size_t document_count(BulkIndexWriter& w) { return Xapian::Database(w.path()).get_doccount(); }

struct Progress {
  bool tty = isatty(STDERR_FILENO);
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last = start;

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  // Redraws one status line at most 4 times a second; nothing on a non-terminal.
  void update(size_t files_done, size_t files_total, size_t docs, bool force = false) {
    if (!tty) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last < std::chrono::milliseconds(250)) return;
    last = now;
    double secs = elapsed();
    double rate = secs > 0 ? docs / secs : 0;
    double frac = files_total ? static_cast<double>(files_done) / files_total : 1;
    double eta = frac > 0 ? secs / frac - secs : 0;
    std::fprintf(stderr, "\r%zu/%zu files  %zu docs  %.0f docs/s  ETA %.0fs   ", files_done, files_total, docs, rate, eta);
    if (force) std::fputc('\n', stderr);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string db_path;
  Format format = Format::Auto;
  size_t batch = 1000;
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  size_t writers = std::min<size_t>(2, threads);
  std::vector<std::string> inputs, deletes;
  std::optional<ShardLayout> layout;
  std::string shard_by;
  bool compact = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "indexer: " << name << " needs a value\n";
        usage(std::cerr);
        std::exit(2);
      }
      return argv[++i];
    };
    // A count option's value; a bad one is reported, naming the option and its range.
    auto count = [&](const char* name, size_t lo, size_t hi) {
      std::string v = value(name);
      auto n = parse_count(v, lo, hi);  // "12abc" is a mistake, not 12
      if (!n) std::cerr << "indexer: " << name << " must be a number from " << lo << " to " << hi << ", got '" << v << "'\n";
      return n;
    };
    if (arg == "--db") {
      db_path = value("--db");
    } else if (arg == "--compact") {
      compact = true;
    } else if (arg == "--format") {
      std::string f = value("--format");
      auto parsed = parse_format(f);
      if (!parsed) {
        std::cerr << "indexer: unknown --format '" << f << "' (auto, text, jsonl, html)\n";
        return 2;
      }
      format = *parsed;
    } else if (arg == "--batch") {
      auto n = count("--batch", 1, 10000000);
      if (!n) return 2;
      batch = *n;
    } else if (arg == "--threads") {
      auto n = count("--threads", 0, 256);
      if (!n) return 2;
      threads = *n;
    } else if (arg == "--writers") {
      auto n = count("--writers", 1, 16);
      if (!n) return 2;
      writers = *n;
    } else if (arg == "--shards") {
      std::string v = value("--shards");
      layout = ShardLayout::parse("hash " + v);
      if (!layout || layout->shards > 1000) {
        std::cerr << "indexer: --shards must be a number from 1 to 1000, got '" << v << "'\n";
        return 2;
      }
    } else if (arg == "--shard-by") {
      shard_by = value("--shard-by");
      if (shard_by != "hash" && shard_by != "month") {
        std::cerr << "indexer: unknown --shard-by '" << shard_by << "' (hash, month)\n";
        return 2;
      }
    } else if (arg == "--delete") {
      deletes.push_back(value("--delete"));
    } else if (arg == "-h" || arg == "--help") {
      usage(std::cout);
      return 0;
    } else if (arg == "--print-schema") {
      nlohmann::json stamp = nlohmann::json::object();
      for (auto& [key, value] : schema_stamp(*Analyzer::korean())) stamp[key] = value;
      std::cout << stamp.dump() << "\n";
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "indexer: unknown option '" << arg << "'\n";
      usage(std::cerr);
      return 2;
    } else {
      inputs.push_back(arg);
    }
  }
  if (db_path.empty() || (inputs.empty() && deletes.empty() && !compact)) {
    usage(std::cerr);
    return 2;
  }
  if (shard_by == "month" && layout) {
    std::cerr << "indexer: --shard-by month makes its own shards; drop --shards\n";
    return 2;
  }
  if (shard_by == "hash" && !layout) {
    std::cerr << "indexer: --shard-by hash needs --shards N\n";
    return 2;
  }
  if (shard_by == "month") layout = ShardLayout{ShardLayout::By::Month, 0};
  if (compact && (layout || ShardedIndexWriter::existing_layout(db_path))) {
    std::cerr << "indexer: --compact works on one database; compact shards one by one with xapian-compact\n";
    return 2;
  }
  std::error_code fs_ec;
  if (fs::path(db_path).filename() == kStubFileName && fs::is_regular_file(db_path, fs_ec))
    db_path = fs::path(db_path).parent_path().string();  // the stub names its directory

  // Files in a stable order, so the same input always gives the same index.
  std::vector<std::string> files;
  size_t rejected = 0;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(in, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && is_indexable_path(it->path().string())) found.push_back(it->path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(in, ec)) {
      files.push_back(in);
    } else {
      std::cerr << in << ": no such file or directory\n";
      ++rejected;
    }
  }

  size_t read = 0;
  Progress progress;
  std::shared_ptr<const Analyzer> analyzer;
  // The same run for one database or for shards: both writers take the same calls. Articles are
  // analysed on `threads` workers and written here, in input order; at most 64 a worker wait in
  // between, so memory follows the batch.
  auto ingest = [&](auto& writer) {
    OrderedPool<PreparedArticle> pool(threads, 64 * std::max<size_t>(threads, 1));
    size_t file_index = 0;
    auto write = [&](PreparedArticle&& p) {
      writer.add(std::move(p));
      progress.update(file_index, files.size(), writer.stats().indexed);
    };
    for (size_t i = 0; i < files.size(); ++i) {
      file_index = i;
      try {
        read_file(
            files[i], format,
            [&](Article&& a) {
              ++read;
              pool.submit([a = std::move(a), &analyzer]() mutable { return prepare(std::move(a), *analyzer); }, write);
            },
            [&](RecordError&& e) {
              ++read;
              ++rejected;
              std::cerr << e.to_string() << "\n";
            });
      } catch (const std::runtime_error& e) {  // unreadable file: report it, go on with the rest
        std::cerr << e.what() << "\n";
        ++rejected;
      }
    }
    pool.drain(write);
    size_t deleted = 0;
    for (const auto& id : deletes) {
      if (writer.remove(id))
        ++deleted;
      else
        std::cerr << "indexer: --delete " << id << ": no such article\n";
    }
    writer.commit();
    progress.update(files.size(), files.size(), writer.stats().indexed, true);
    const WriteStats& s = writer.stats();
    double secs = progress.elapsed();
    nlohmann::json summary = {{"db", db_path},         {"files", files.size()},  {"read", read},
                              {"indexed", s.indexed},  {"rejected", rejected},   {"stubs", s.stubs},
                              {"merged", s.merged},    {"deleted", deleted},
                              {"documents", document_count(writer)},
                              {"seconds", secs},       {"docs_per_sec", secs > 0 ? s.indexed / secs : 0.0}};
    return summary;
  };
  try {
    nlohmann::json summary;
    analyzer = Analyzer::korean();
    if (layout || ShardedIndexWriter::existing_layout(db_path)) {
      ShardedIndexWriter writer(db_path, layout, analyzer, batch);
      summary = ingest(writer);
      summary["layout"] = writer.layout().to_string();
      summary["shards"] = writer.shard_names().size();
      summary["stub"] = writer.stub_path();
    } else if (writers > 1 && !files.empty() && BulkIndexWriter::is_new_index(db_path)) {
      BulkIndexWriter writer(db_path, analyzer, writers, batch);
      summary = ingest(writer);  // merged at the end: compact already
      summary["writers"] = writers;
      summary["join_seconds"] = writer.join_seconds();
      summary["merge_seconds"] = writer.merge_seconds();
    } else {
      IndexWriter writer(db_path, analyzer, batch);
      summary = ingest(writer);
      if (compact) {
        auto t0 = std::chrono::steady_clock::now();
        std::cerr << "compacting " << db_path << "\n";
        writer.compact();
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        summary["compact_seconds"] = secs;
        summary["seconds"] = summary["seconds"].get<double>() + secs;
        summary["docs_per_sec"] = summary["indexed"].get<double>() / summary["seconds"].get<double>();
      }
    }
    std::cout << summary.dump() << std::endl;
  } catch (const Xapian::Error& e) {
    std::cerr << "indexer: " << db_path << ": " << e.get_description() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "indexer: " << e.what() << "\n";
    return 1;
  }
  return rejected ? 1 : 0;
}
