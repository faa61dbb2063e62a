#include "aliases.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "../schema.h"

namespace sosik {

std::string AliasTable::default_path() { return schemas_file("SOSIK_ALIASES", "aliases.json"); }

AliasTable::AliasTable(std::string path, std::shared_ptr<const Analyzer> analyzer)
    : path_(std::move(path)), analyzer_(std::move(analyzer)), groups_(std::make_shared<Groups>()) {
  reload_if_changed();
}

void AliasTable::reload_if_changed() const {
  if (path_.empty()) return;
  std::time_t now = std::time(nullptr);
  std::lock_guard lock(mu_);
  if (now == checked_) return;  // at most one stat() a second
  checked_ = now;
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0 || st.st_mtime == mtime_) return;
  mtime_ = st.st_mtime;

  std::ifstream in(path_);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("groups") || !j["groups"].is_array()) {
    std::cerr << "sosik: " << path_ << ": not an alias file ({\"groups\": [[...], ...]}); keeping the previous aliases\n";
    return;
  }
  auto groups = std::make_shared<Groups>();
  for (const auto& g : j["groups"]) {
    if (!g.is_array()) continue;
    std::vector<std::pair<std::string, std::string>> members;  // (normalised, as written)
    for (const auto& m : g) {
      if (!m.is_string()) continue;
      std::string written = m.get<std::string>();
      for (const Token& t : analyzer_->analyze(written))
        if (t.type == TokenType::Word) {
          members.emplace_back(t.term, written);
          break;
        }
    }
    for (const auto& [norm, _] : members) {
      auto& others = (*groups)[norm];
      for (const auto& [other_norm, other] : members)
        if (other_norm != norm) others.push_back(other);
    }
  }
  groups_ = std::move(groups);
  ++generation_;
}

unsigned AliasTable::generation() const {
  reload_if_changed();
  std::lock_guard lock(mu_);
  return generation_;
}

std::vector<std::string> AliasTable::others(const std::string& term) const {
  reload_if_changed();
  std::shared_ptr<const Groups> g;
  {
    std::lock_guard lock(mu_);
    g = groups_;
  }
  auto it = g->find(term);
  return it == g->end() ? std::vector<std::string>{} : it->second;
}

}  // namespace sosik
