// The spelling and completion vocabulary of a batch of articles, gathered in memory and written
// once per commit. Xapian rewrites (and compresses) a synonym entry on every add_synonym call
// whose key differs from the previous one: called per article, that was a fifth of indexing
// time. Gathered per batch, each word is written once, completion keys in key order, and only
// for words this writer has not written before.
#pragma once

#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <xapian.h>

namespace sosik {

// Words worth offering as spelling corrections, each with the uses it counts for
// (make_document lists an article's).
using SpellingCounts = std::vector<std::pair<std::string, Xapian::termcount>>;

class VocabularyBatch {
 public:
  // An article's spelling words and their uses, as make_document counts them.
  void add(const SpellingCounts& words);
  // Adds what was gathered to `db`'s spelling and synonym tables, then forgets it.
  void write(Xapian::WritableDatabase& db);
  bool empty() const { return spelling_.empty(); }

 private:
  std::map<std::string, Xapian::termcount> spelling_;
  // Words whose completion keys are already in the database; adding them again changes
  // nothing. Bounded (cleared when full) so memory follows the batch, not the corpus.
  std::unordered_set<std::string> completed_;
};

}  // namespace sosik
