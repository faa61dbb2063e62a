// Runs jobs on worker threads and hands their results back, in the order the jobs were
// submitted, on the submitting thread. The indexer analyses articles on every core this way
// and writes them from one thread in input order (Xapian has one writer), so the index and
// its batch commits are exactly those of a one-threaded run.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace sosik {

template <class T>
class OrderedPool {
 public:
  // `threads` workers (0: jobs run on the caller, at submit); at most `window` results pending,
  // so memory follows the window, not the input.
  OrderedPool(size_t threads, size_t window) : window_(std::max<size_t>(window, 1)) {
    for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }

  ~OrderedPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // Queues `job`. Results already finished go to `sink` first, oldest first; while the window
  // is full this waits for the oldest. A job's exception is rethrown here, in its turn.
  template <class Sink>
  void submit(std::function<T()> job, Sink&& sink) {
    if (workers_.empty()) {
      sink(job());
      return;
    }
    deliver(sink, window_ - 1);
    auto slot = std::make_shared<Slot>();
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(Job{std::move(job), slot});
    }
    pending_.push_back(std::move(slot));
    work_cv_.notify_one();
  }

  // Every result still pending, in order.
  template <class Sink>
  void drain(Sink&& sink) {
    deliver(sink, 0);
  }

 private:
  struct Slot {
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
  };
  struct Job {
    std::function<T()> run;
    std::shared_ptr<Slot> slot;
  };

  // Hands finished results to `sink` in order, waiting for the oldest while more than `keep`
  // are pending.
  template <class Sink>
  void deliver(Sink& sink, size_t keep) {
    while (!pending_.empty()) {
      std::shared_ptr<Slot> slot = pending_.front();
      {
        std::unique_lock lock(mu_);
        if (pending_.size() > keep)
          done_cv_.wait(lock, [&] { return slot->done; });
        else if (!slot->done)
          return;
      }
      pending_.pop_front();
      if (slot->error) std::rethrow_exception(slot->error);
      sink(std::move(*slot->value));
      // What the sink left is freed by a worker: freeing an analysed article (its document's
      // term maps) on the writer took ~10% of the one thread that bounds indexing.
      {
        std::lock_guard lock(mu_);
        spent_.push_back(std::move(slot));
      }
      work_cv_.notify_one();
    }
  }

  void work() {
    for (;;) {
      Job job;
      std::vector<std::shared_ptr<Slot>> spent;
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !jobs_.empty() || !spent_.empty(); });
        spent.swap(spent_);
        if (stop_) break;             // `spent` is freed as the loop ends, outside the lock
        if (jobs_.empty()) continue;  // `spent` is freed here, outside the lock
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      spent.clear();
      std::optional<T> value;
      std::exception_ptr error;
      try {
        value.emplace(job.run());
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard lock(mu_);
        job.slot->value = std::move(value);
        job.slot->error = error;
        job.slot->done = true;
      }
      done_cv_.notify_one();
    }
  }

  const size_t window_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job> jobs_;                     // not started yet (guarded by mu_)
  std::vector<std::shared_ptr<Slot>> spent_;   // delivered, to be freed by a worker (guarded by mu_)
  std::deque<std::shared_ptr<Slot>> pending_;  // submitted, not delivered (the caller's thread only)
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace sosik
