#include "vocabulary.h"

#include <algorithm>

#include "../analysis/hangul.h"
#include "../schema.h"

namespace sosik {
namespace {

// ~100 bytes a word: at most ~20 MB of words known to be written.
constexpr size_t kCompletedLimit = 200'000;

}  // namespace

void VocabularyBatch::add(const SpellingCounts& words) {
  // Spelling suggestions come from the words an article is about: its title's and the body
  // words it uses at least twice (make_document). All words would make indexing 1.6x slower
  // (Xapian stores fragments of each new word) for corrections nobody asks for.
  for (const auto& [word, uses] : words) spelling_[word] += uses;
}

void VocabularyBatch::write(Xapian::WritableDatabase& db) {
  // The same words complete what people type: by jamo (마이크로솦 → 마이크로소프트) and by
  // initial consonants (ㅁㅇㅋ → 마이크로소프트).
  std::vector<std::pair<std::string, const std::string*>> synonyms;
  for (const auto& [word, freq] : spelling_) {
    db.add_spelling(word, freq);
    if (completed_.count(word)) continue;
    if (std::string cho = choseong(word); !cho.empty()) {
      // Appended, not operator+: GCC 12 warns falsely (-Wrestrict) on string + string here.
      std::string jamo_key(kJamoKey), cho_key(kChoseongKey);
      synonyms.emplace_back(jamo_key.append(to_jamo(word)), &word);
      synonyms.emplace_back(cho_key.append(cho), &word);
    }
  }
  // Xapian keeps one synonym key open and rewrites it when the key changes: in key order, each
  // key is rewritten once.
  std::sort(synonyms.begin(), synonyms.end());
  for (const auto& [key, word] : synonyms) db.add_synonym(key, *word);
  if (completed_.size() + spelling_.size() > kCompletedLimit) completed_.clear();
  for (auto& [word, freq] : spelling_) completed_.insert(word);
  spelling_.clear();
}

}  // namespace sosik
