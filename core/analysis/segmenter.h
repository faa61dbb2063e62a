// Splits text into words (ICU word boundaries) and each word into script runs, with UTF-8 byte
// offsets into the original text. Korean words (어절) are space-delimited; ICU keeps a word such as
// 오픈AI together, and this class splits it into the runs 오픈 | AI that the analyzer needs.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sosik {

enum class Script : uint8_t { Hangul, Han, Alpha, Digit };

struct Piece {
  uint32_t start, end;  // UTF-8 byte offsets
  Script script;
};

struct SegmentedWord {
  uint32_t start, end;
  std::vector<Piece> pieces;  // at least one
  bool spaced_from_previous;  // only white space between this word and the one before
};

class KoreanSegmenter {
 public:
  // Thread-safe: each thread uses its own ICU break iterator.
  std::vector<SegmentedWord> segment(std::string_view utf8) const;
  // The same, with ICU reading all of the text: the reference segment() must equal.
  std::vector<SegmentedWord> segment_by_rules(std::string_view utf8) const;

 private:
  // Joins ICU's words that touch (오픈|AI) or are hyphenated alphanumerics (MAI-1).
  static std::vector<SegmentedWord> join_runs(std::string_view text, std::vector<SegmentedWord> words);
};

}  // namespace sosik
