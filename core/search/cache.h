// A bounded LRU cache of what was read from one revision of one index (revision_key in
// index/writer.h): search responses (Searcher), term frequencies (QueryBuilder). The next commit,
// or another index in its place, makes every entry stale.
#pragma once

#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace sosik {

template <typename Value>
class RevisionCache {
 public:
  explicit RevisionCache(size_t capacity) : capacity_(capacity) {}

  std::optional<Value> get(const std::string& key, const std::string& revision) {
    std::lock_guard lock(mu_);
    if (revision != revision_) return std::nullopt;
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);  // most recently used first
    return it->second->second;
  }

  void put(const std::string& key, const std::string& revision, Value value) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mu_);
    if (revision != revision_) {  // a commit happened: everything cached is stale
      order_.clear();
      index_.clear();
      revision_ = revision;
    }
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::string revision_;
  std::list<std::pair<std::string, Value>> order_;
  std::unordered_map<std::string, typename std::list<std::pair<std::string, Value>>::iterator> index_;
};

}  // namespace sosik
