#include "bulk_writer.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "../schema.h"
#include "document.h"

namespace sosik {
namespace fs = std::filesystem;

namespace {

// Articles queued per part: enough to ride out a commit, few enough that memory follows the batch.
constexpr size_t kQueuedPerPart = 64;

}  // namespace

// One part: an IndexWriter and the thread that alone calls it until stop().
struct BulkIndexWriter::Part {
  Part(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t batch)
      : writer(path, std::move(analyzer), batch, /*sync=*/false), thread([this] { run(); }) {}
  ~Part() { stop(); }

  // Queues `job`; blocks while the queue is full. Rethrows the part's failure.
  void submit(std::function<void(IndexWriter&)> job) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return jobs.size() < kQueuedPerPart || failure; });
    if (failure) std::rethrow_exception(failure);
    jobs.push_back(std::move(job));
    cv.notify_all();
  }
  // Waits until every queued job has run. Rethrows the part's failure.
  void wait_idle() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return (jobs.empty() && !busy) || failure; });
    if (failure) std::rethrow_exception(failure);
  }
  void stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    cv.notify_all();
    if (thread.joinable()) thread.join();
  }
  WriteStats snapshot() {
    std::lock_guard lock(mu);
    return stats;
  }

  IndexWriter writer;
  std::mutex mu;
  std::condition_variable cv;  // a job queued, a job done, or stopping
  std::deque<std::function<void(IndexWriter&)>> jobs;
  bool busy = false, stopping = false;
  std::exception_ptr failure;  // the first job that threw; later jobs are dropped
  WriteStats stats;            // writer.stats() after the last job
  // (first docid an article took, its input order) for articles that wrote stubs: ascending.
  std::vector<std::pair<Xapian::docid, size_t>> created;
  std::thread thread;          // last: starts once the rest is built

 private:
  void run() {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return stopping || !jobs.empty(); });
      if (jobs.empty()) return;
      auto job = std::move(jobs.front());
      jobs.pop_front();
      if (failure) continue;
      busy = true;
      lock.unlock();
      cv.notify_all();  // room in the queue
      std::exception_ptr error;
      try {
        job(writer);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      busy = false;
      if (error) failure = error;
      stats = writer.stats();
      cv.notify_all();
    }
  }
};

bool BulkIndexWriter::is_new_index(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return true;
  if (fs::exists(fs::path(path) / "iamglass", ec)) return Xapian::Database(path).get_doccount() == 0;
  return fs::is_directory(path, ec) && fs::is_empty(path, ec);
}

BulkIndexWriter::BulkIndexWriter(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t parts,
                                 size_t batch_size)
    : path_(path),
      parts_dir_(path + ".parts"),
      lock_(path, Xapian::DB_CREATE_OR_OPEN),
      batch_size_(std::max<size_t>(batch_size / std::max<size_t>(parts, 1), 1)) {
  if (lock_.get_doccount() != 0)
    throw std::runtime_error(path + " already holds documents: only a new index is written in parts");
  fs::remove_all(parts_dir_);  // left by a killed run, whose index stayed empty
  fs::create_directories(parts_dir_);
  parts = std::max<size_t>(parts, 1);
  for (size_t i = 0; i < parts; ++i) parts_.push_back(std::make_unique<Part>(part_path(i), analyzer, batch_size_));
}

BulkIndexWriter::~BulkIndexWriter() {
  if (finished_) return;
  parts_.clear();
  std::error_code ec;
  fs::remove_all(parts_dir_, ec);  // the index at path_ stays as it was: empty
}

std::string BulkIndexWriter::part_path(size_t i) const { return (fs::path(parts_dir_) / ("part-" + std::to_string(i))).string(); }

BulkIndexWriter::Part& BulkIndexWriter::part_of(const std::string& id) { return *parts_[stable_bucket(id, parts_.size())]; }

void BulkIndexWriter::add(PreparedArticle&& article) {
  Part& part = part_of(article.article.id);
  auto shared = std::make_shared<PreparedArticle>(std::move(article));
  part.submit([shared, &part, seq = next_seq_++](IndexWriter& w) {
    Xapian::docid last = w.database().get_lastdocid();
    bool links = !shared->links.empty();
    w.add(std::move(*shared));
    // Which article wrote each stub, in input order: join_links keeps the earliest stub of a story.
    if (links && w.database().get_lastdocid() > last) part.created.emplace_back(last + 1, seq);
  });
}

bool BulkIndexWriter::remove(const std::string& id) {
  Part& part = part_of(id);
  auto removed = std::make_shared<bool>(false);
  part.submit([removed, id](IndexWriter& w) { *removed = w.remove(id); });
  part.wait_idle();
  return *removed;
}

WriteStats BulkIndexWriter::stats() const {
  if (final_stats_) return *final_stats_;
  WriteStats total;
  for (const auto& p : parts_) {
    WriteStats s = p->snapshot();
    total.indexed += s.indexed;
    total.stubs += s.stubs;
    total.merged += s.merged;
    total.deleted += s.deleted;
  }
  total.stubs -= stubs_removed_;
  total.merged += stubs_merged_;
  return total;
}

void BulkIndexWriter::finish() {
  if (finished_) return;
  auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  for (auto& p : parts_) p->submit([](IndexWriter& w) { w.commit(); });
  for (auto& p : parts_) p->wait_idle();
  for (auto& p : parts_) p->stop();  // from here on this thread alone uses the writers
  auto t0 = std::chrono::steady_clock::now();
  join_links();
  join_seconds_ = since(t0);
  t0 = std::chrono::steady_clock::now();
  merge();
  merge_seconds_ = since(t0);
  finished_ = true;
}

void BulkIndexWriter::join_links() {
  // What IndexWriter::add and link_to would have found in one database, where a story has at
  // most one stub: a stub gives way to an article holding one of its keys (whichever came
  // first: before, no stub is written; after, the article takes its place), and to a stub
  // with one of its keys written earlier in the input. Stubs are weighed in input order, so a
  // stub that gives way never pushes out another.
  struct Stub {
    size_t seq, part;
    Xapian::docid docid;
    std::vector<std::string> keys;
  };
  const std::string stub_kind = std::string(kKindPrefix) + "stub";
  std::vector<Stub> stubs;
  for (size_t i = 0; i < parts_.size(); ++i) {
    Xapian::WritableDatabase& db = parts_[i]->writer.database();
    const auto& created = parts_[i]->created;
    for (auto it = db.postlist_begin(stub_kind); it != db.postlist_end(stub_kind); ++it) {
      // The article whose links wrote this document: the last one that took a docid up to it.
      auto by = std::upper_bound(created.begin(), created.end(), std::make_pair(*it, SIZE_MAX));
      Stub s{by == created.begin() ? 0 : std::prev(by)->second, i, *it, {}};
      auto t = db.termlist_begin(*it);
      for (t.skip_to(std::string(kStubKeyPrefix)); t != db.termlist_end(*it); ++t) {
        const std::string term = *t;
        if (!term.starts_with(kStubKeyPrefix)) break;
        s.keys.push_back(term.substr(kStubKeyPrefix.size()));
      }
      stubs.push_back(std::move(s));
    }
  }
  std::sort(stubs.begin(), stubs.end(), [](const Stub& a, const Stub& b) { return a.seq < b.seq; });
  std::unordered_map<std::string, size_t> kept;  // key → part of the stub that holds it
  std::vector<std::vector<Xapian::docid>> doomed(parts_.size());
  for (const Stub& s : stubs) {
    bool by_article = false, by_stub = false;
    for (const auto& key : s.keys) {
      for (size_t j = 0; j < parts_.size() && !by_article; ++j)
        if (j != s.part && parts_[j]->writer.database().term_exists(key)) by_article = true;
      if (auto k = kept.find(key); k != kept.end() && k->second != s.part) by_stub = true;
    }
    if (!by_article && !by_stub) {
      for (const auto& key : s.keys) kept.emplace(key, s.part);
      continue;
    }
    doomed[s.part].push_back(s.docid);
    if (by_article)
      ++stubs_merged_;  // counted as when the article arrives after the stub in one database
    else
      ++stubs_removed_;  // one database would not have written it
  }
  // Each part deletes its own on a thread of its own (a database is written from one thread at a
  // time): at 100K articles the deletions were most of a 14 s join that used one core.
  std::vector<std::exception_ptr> errors(parts_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < parts_.size(); ++i) {
    threads.emplace_back([this, i, &doomed, &errors] {
      try {
        Xapian::WritableDatabase& db = parts_[i]->writer.database();
        // Committed as the parts were written, in batches: a stub's deletion buffers a change for
        // each of its terms, and a large corpus gives way to tens of thousands of stubs here.
        std::sort(doomed[i].begin(), doomed[i].end());
        for (size_t k = 0; k < doomed[i].size(); ++k) {
          db.delete_document(doomed[i][k]);
          if ((k + 1) % batch_size_ == 0) db.commit();
        }
        parts_[i]->writer.commit();
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void BulkIndexWriter::merge() {
  const size_t parts = parts_.size();
  final_stats_ = stats();
  parts_.clear();  // closes the part databases
  Xapian::Database all;
  for (size_t i = 0; i < parts; ++i) all.add_database(Xapian::Database(part_path(i)));
  // Compaction merges the parts' postings, spelling and completion tables in one pass; document
  // ids are renumbered part after part (nothing outside the index refers to them).
  const std::string fresh = path_ + ".compacting";
  fs::remove_all(fresh);
  all.compact(fresh);
  all.close();
  swap_in_directory(fresh, path_);
  lock_.close();
  fs::remove_all(fresh);  // the empty index the lock was held on
  fs::remove_all(parts_dir_);
}

}  // namespace sosik
