// Korean stems: Hunspell with Debian's hunspell-ko dictionary for words it knows (투자를 → 투자,
// 협상했다고 → 협상), and a particle/ending stripper for words it lacks, mostly proper nouns
// (슐레이먼이 → 슐레이먼, 나델라는 → 나델라).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

class Hunspell;

namespace sosik {

class KoreanStemmer {
 public:
  // Loads DIR/ko.aff and DIR/ko.dic. Without them the stemmer still strips particles by rule.
  // `nouns_path`: nouns the dictionary lacks or misreads, one per line (schemas/korean_nouns.txt);
  // each becomes a noun of its own, with a noun's particles. Throws if it cannot be read.
  explicit KoreanStemmer(const std::string& dictionary_dir = default_dictionary_dir(),
                         const std::string& nouns_path = default_nouns_path());
  ~KoreanStemmer();

  // Other forms of a normalised Hangul word: distinct, none equal to the word. Thread-safe, cached.
  std::vector<std::string> stems(std::string_view word) const;

  bool has_dictionary() const { return hunspell_ != nullptr; }
  static std::string default_dictionary_dir();  // $SOSIK_HUNSPELL_DIR or /usr/share/hunspell
  static std::string default_nouns_path();      // $SOSIK_NOUNS or the source tree's schemas/korean_nouns.txt
  // Tells noun lists apart (empty for none): an index is searched with the list it was written with.
  const std::string& nouns_fingerprint() const { return nouns_fingerprint_; }

 private:
  std::vector<std::string> compute(const std::string& word) const;
  std::vector<std::string> auxiliary_stems(const std::string& word) const;  // with hunspell_mu_ held
  // A word of the dictionary's own, not one of its inflections (사람, not 사람인); with
  // hunspell_mu_ held.
  bool own_word(const std::string& s) const;

  void add_nouns(const std::string& path);

  std::unique_ptr<Hunspell> hunspell_;
  std::string nouns_fingerprint_;
  std::set<std::string> nouns_;  // the noun list
  mutable std::mutex hunspell_mu_;  // Hunspell is not thread-safe
  // The cache, in shards with a lock each, so threads analysing in parallel (the indexer's)
  // rarely wait for each other: most words are found here, and Hunspell is asked only once.
  struct CacheShard {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<std::string>> stems;
  };
  static constexpr size_t kCacheShards = 16;
  mutable std::array<CacheShard, kCacheShards> cache_;
};

// The rule-based stripper alone: the word without one trailing particle or ending (and a plural
// 들 before it), each way that leaves two syllables; empty when nothing can be stripped.
std::vector<std::string> strip_particles(std::string_view word);

}  // namespace sosik

namespace sosik {
// True when the whole of `s` is one particle or ending from the stripper's list (를, 에서, 했다).
bool is_particle(std::string_view s);
// True when a word the stemmer strips (stems() not empty) surely ends in a particle or ending:
// its last syllable is one that (almost) never ends a noun, such as 는, 를, 의, 에서, 했다.
bool ends_in_particle(std::string_view word);
}  // namespace sosik
