// The Korean analysis pipeline, assembled in one place (Analyzer::korean) and used for indexing,
// query building, snippets and suggestions, so index and query can never disagree:
//
//   KoreanSegmenter    ICU word boundaries, split at middle dots and script changes, byte offsets
//   KoreanNormalizer   NFKC + case folding, compatibility jamo
//   KoreanStemmer      Hunspell (hunspell-ko) stems + particle stripper, for Hangul words
//   HanjaReader        hanja read as Hangul (美 → 미국, 圖片 → 도편)
//   mixed-script join  오픈AI → 오픈 + ai + 오픈ai; MAI-1 → mai + 1 + mai1
//   syllable bigrams   데이터 센터 → 데이 이터 터센 센터 (continuous across spaces, not after
//                      a particle: 데이터의 센터 has no 의센)
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hanja.h"
#include "normalizer.h"
#include "segmenter.h"
#include "stemmer.h"
#include "token.h"

namespace sosik {

class Analyzer {
 public:
  // The one pipeline. Loading the dictionary takes ~0.3 s: build it once and share it.
  static std::shared_ptr<const Analyzer> korean(const std::string& dictionary_dir = KoreanStemmer::default_dictionary_dir(),
                                                 const std::string& nouns_path = KoreanStemmer::default_nouns_path());

  // Tokens of `utf8` (valid UTF-8), positions starting at `first_position`. Thread-safe.
  // `wants_stems`, when given, says which normalised Hangul words are worth stemming; the others
  // get no Stem tokens (snippets stem only the words that may stem to a query word).
  Tokens analyze(std::string_view utf8, uint32_t first_position = 1,
                 const std::function<bool(std::string_view)>& wants_stems = nullptr) const;

  // Normalised form of a piece of text, as the pipeline would index it (no stemming).
  std::string normalize(std::string_view utf8) const { return normalizer_.normalize(utf8); }
  const KoreanSegmenter& segmenter() const { return segmenter_; }
  const KoreanStemmer& stemmer() const { return stemmer_; }
  const HanjaReader& hanja() const { return hanja_; }

  Analyzer(const std::string& dictionary_dir, const std::string& nouns_path);

 private:
  KoreanSegmenter segmenter_;
  KoreanNormalizer normalizer_;
  KoreanStemmer stemmer_;
  HanjaReader hanja_;
};

// Adjacent-syllable pairs of a normalised Hangul string (데이터 → 데이, 이터). Empty for one syllable.
std::vector<std::string> syllable_bigrams(std::string_view hangul);

// Valid UTF-8 check; analysis input must pass it (invalid bytes are rejected, never indexed).
bool valid_utf8(std::string_view s);

}  // namespace sosik
