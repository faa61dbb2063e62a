// OrderedPool (indexer/ordered_pool.h): results in submission order for any number of workers
// and any window, a job's exception in its turn, and results freed by a worker, not the caller
// (the caller is the indexer's one writer thread).
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ordered_pool.h"

namespace sosik {
namespace {

// Records the thread that destroys each value it still owns (not the moved-from shells).
struct Tracked {
  static inline std::mutex mu;
  static inline std::vector<std::thread::id> freed_on;
  int value = 0;
  bool owns = true;
  explicit Tracked(int v) : value(v) {}
  Tracked(Tracked&& o) noexcept : value(o.value), owns(o.owns) { o.owns = false; }
  Tracked& operator=(Tracked&& o) noexcept {
    value = o.value;
    owns = o.owns;
    o.owns = false;
    return *this;
  }
  ~Tracked() {
    if (!owns) return;
    std::lock_guard lock(mu);
    freed_on.push_back(std::this_thread::get_id());
  }
};

TEST(OrderedPool, DeliversInSubmissionOrder) {
  struct Case { size_t threads, window; };
  const Case cases[] = {{0, 1}, {1, 1}, {1, 8}, {2, 1}, {2, 3}, {4, 64}};
  for (const auto& c : cases) {
    std::vector<int> got;
    {
      OrderedPool<Tracked> pool(c.threads, c.window);
      std::mt19937 rng(7);
      auto sink = [&](Tracked&& t) { got.push_back(t.value); };
      for (int i = 0; i < 200; ++i) {
        int pause = static_cast<int>(rng() % 200);
        pool.submit([i, pause] {
          std::this_thread::sleep_for(std::chrono::microseconds(pause));
          return Tracked(i);
        }, sink);
      }
      pool.drain(sink);
    }
    ASSERT_EQ(got.size(), 200u) << "threads " << c.threads << " window " << c.window;
    for (int i = 0; i < 200; ++i) ASSERT_EQ(got[i], i) << "threads " << c.threads << " window " << c.window << ": out of order";
  }
}

TEST(OrderedPool, AJobsExceptionComesInItsTurn) {
  OrderedPool<Tracked> pool(2, 4);
  std::vector<int> got;
  auto sink = [&](Tracked&& t) { got.push_back(t.value); };
  // Rethrown by whichever call delivers that job's turn: a later submit, or drain.
  EXPECT_THROW(
      {
        pool.submit([] { return Tracked(0); }, sink);
        pool.submit([]() -> Tracked { throw std::runtime_error("bad article"); }, sink);
        pool.submit([] { return Tracked(2); }, sink);
        pool.drain(sink);
      },
      std::runtime_error);
  EXPECT_EQ(got, std::vector<int>{0}) << "results before the failed job are delivered, none after it";
}

TEST(OrderedPool, ResultsAreFreedByAWorkerNotTheCaller) {
  {
    std::lock_guard lock(Tracked::mu);
    Tracked::freed_on.clear();
  }
  const auto caller = std::this_thread::get_id();
  {
    OrderedPool<Tracked> pool(2, 8);
    auto sink = [](Tracked&& t) { EXPECT_GE(t.value, 0); };
    for (int i = 0; i < 100; ++i) pool.submit([i] { return Tracked(i); }, sink);
    pool.drain(sink);
  }
  std::lock_guard lock(Tracked::mu);
  ASSERT_EQ(Tracked::freed_on.size(), 100u);
  size_t on_caller = 0;
  for (auto id : Tracked::freed_on) on_caller += id == caller;
  // Those not yet freed when the pool stops are freed by its workers as they stop.
  EXPECT_EQ(on_caller, 0u) << "delivered results should be freed on the workers (ordered_pool.h, deliver)";
}

}  // namespace
}  // namespace sosik
