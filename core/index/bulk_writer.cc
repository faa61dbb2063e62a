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
// A full queue takes more only once it has drained to this. The writers bound indexing, so
// their queues are full: refilled one article at a time, the feeding thread and a writer woke
// each other for every article (about five context switches an article, 3% of the CPU).
constexpr size_t kRefillAt = kQueuedPerPart / 2;

}  // namespace

// One part: an IndexWriter and the thread that alone calls it until stop().
struct BulkIndexWriter::Part {
  Part(const std::string& path, std::shared_ptr<const Analyzer> analyzer, size_t batch)
      : writer(path, std::move(analyzer), batch, /*sync=*/false), thread([this] { run(); }) {}
  ~Part() { stop(); }

  // Queues `job`; blocks while the queue is full. Rethrows the part's failure.
  void submit(std::function<void(IndexWriter&)> job) {
    std::unique_lock lock(mu);
    if (jobs.size() >= kQueuedPerPart) cv.wait(lock, [&] { return jobs.size() <= kRefillAt || failure; });
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
      const bool refill = jobs.size() == kRefillAt;
      lock.unlock();
      if (refill) cv.notify_all();  // room in the queue
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
      if (jobs.empty() || error) cv.notify_all();  // idle (wait_idle), or failed (submit)
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
                                 size_t batch_size, size_t link_window)
    : path_(path),
      parts_dir_(path + ".parts"),
      lock_(path, Xapian::DB_CREATE_OR_OPEN),
      batch_size_(std::max<size_t>(batch_size / std::max<size_t>(parts, 1), 1)),
      link_window_(link_window) {
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
  const size_t seq = next_seq_++;
  const size_t part = stable_bucket(article.article.id, parts_.size());
  take_links(article, seq, part);  // the part gets the article without its links
  auto shared = std::make_shared<PreparedArticle>(std::move(article));
  parts_[part]->submit([shared](IndexWriter& w) { w.add(std::move(*shared)); });
}

void BulkIndexWriter::take_links(PreparedArticle& p, size_t seq, size_t part) {
  // As IndexWriter::add: the article takes the place of the stubs of its story, here of the
  // links held for it, before anything is written.
  bool took = false;
  for (const auto& key : p.keys) {
    auto it = held_keys_.find(key);
    if (it == held_keys_.end()) continue;
    for (size_t n : std::vector<size_t>(it->second)) {  // a copy: unhold() changes it
      Held& h = held_[n - held_front_];
      h.taken = took = true;
      unhold(n, h.link.keys);
    }
  }
  if (took) ++stubs_merged_;
  remember(p.article.id, p.keys, seq);
  // As IndexWriter::link_to: a story that is indexed (among the last articles) or already has a
  // stub (a held link) needs none.
  for (auto& link : p.links) {
    bool known = false;
    for (const auto& key : link.keys) known = known || recent_keys_.count(key) || held_keys_.count(key);
    if (known) continue;
    const size_t n = held_front_ + held_.size();
    for (const auto& key : link.keys) held_keys_[key].push_back(n);
    held_.push_back({seq, part, std::move(link)});
  }
  p.links.clear();
  while (!held_.empty() && (held_.front().taken || held_.size() > link_window_)) send_oldest_link();
}

void BulkIndexWriter::remember(const std::string& id, std::vector<std::string> keys, size_t seq) {
  forget(id);  // an earlier version's title and URL
  for (const auto& key : keys) ++recent_keys_[key];
  recent_[id] = {seq, std::move(keys)};
  recent_order_.emplace_back(id, seq);
  while (recent_order_.size() > link_window_) {
    auto [old, s] = std::move(recent_order_.front());
    recent_order_.pop_front();
    if (auto it = recent_.find(old); it != recent_.end() && it->second.seq == s) forget(old);
  }
}

void BulkIndexWriter::forget(const std::string& id) {
  auto it = recent_.find(id);
  if (it == recent_.end()) return;
  for (const auto& key : it->second.keys)
    if (auto k = recent_keys_.find(key); k != recent_keys_.end() && --k->second == 0) recent_keys_.erase(k);
  recent_.erase(it);
}

void BulkIndexWriter::send_oldest_link() {
  Held h = std::move(held_.front());
  held_.pop_front();
  const size_t n = held_front_++;
  if (h.taken) return;
  unhold(n, h.link.keys);
  Part& part = *parts_[h.part];
  auto link = std::make_shared<PreparedArticle::Link>(std::move(h.link));
  part.submit([link, &part, seq = h.seq](IndexWriter& w) {
    Xapian::docid last = w.database().get_lastdocid();
    // Which article wrote each stub, in input order: join_links keeps the earliest stub of a story.
    if (w.link_to(*link)) part.created.emplace_back(last + 1, seq);
  });
}

void BulkIndexWriter::unhold(size_t n, const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    auto& ns = held_keys_[key];
    ns.erase(std::remove(ns.begin(), ns.end(), n), ns.end());
    if (ns.empty()) held_keys_.erase(key);
  }
}

bool BulkIndexWriter::other_part_holds(const std::vector<std::string>& keys, size_t part) {
  for (const auto& key : keys)
    for (size_t j = 0; j < parts_.size(); ++j)
      if (j != part && parts_[j]->writer.database().term_exists(key)) return true;
  return false;
}

void BulkIndexWriter::write_held_links() {
  // The parts are idle: this thread alone uses the writers. A story whose article is in a part
  // (it came before the link, past the last articles) needs no stub: link_to looks in the
  // linking article's part, other_part_holds in the others.
  for (Held& h : held_) {
    if (h.taken || other_part_holds(h.link.keys, h.part)) continue;
    Part& part = *parts_[h.part];
    Xapian::docid last = part.writer.database().get_lastdocid();
    if (part.writer.link_to(h.link)) part.created.emplace_back(last + 1, h.seq);
  }
  held_.clear();
  held_keys_.clear();
  for (auto& p : parts_) {
    p->writer.commit();
    p->stats = p->writer.stats();  // as after a job
  }
}

bool BulkIndexWriter::remove(const std::string& id) {
  forget(id);  // a later link to its story needs a stub again
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
  write_held_links();
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
    const bool by_article = other_part_holds(s.keys, s.part);
    bool by_stub = false;
    for (const auto& key : s.keys)
      if (auto k = kept.find(key); k != kept.end() && k->second != s.part) by_stub = true;
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
