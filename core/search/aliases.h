// Alias and transliteration groups (schemas/aliases.json): OpenAI ↔ 오픈AI ↔ 오픈에이아이. A query
// word in a group also searches the other members, at a lower weight than the word itself.
// The file is read again when it changes, so users extend it without rebuilding or re-indexing.
#pragma once

#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../analysis/analyzer.h"

namespace sosik {

class AliasTable {
 public:
  // An empty path means no aliases. A missing or malformed file is reported on stderr once per
  // change and leaves the previous groups in force.
  AliasTable(std::string path, std::shared_ptr<const Analyzer> analyzer);

  // The other members of the group that normalised term `term` belongs to (as written in the file).
  std::vector<std::string> others(const std::string& term) const;

  // Counts reloads of the file, so cached results from older aliases can be told apart.
  unsigned generation() const;

  static std::string default_path();  // $SOSIK_ALIASES, else the source tree's schemas/aliases.json

 private:
  using Groups = std::unordered_map<std::string, std::vector<std::string>>;
  void reload_if_changed() const;

  std::string path_;
  std::shared_ptr<const Analyzer> analyzer_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<const Groups> groups_;
  mutable std::time_t mtime_ = 0;
  mutable std::time_t checked_ = 0;
  mutable unsigned generation_ = 0;
};

}  // namespace sosik
