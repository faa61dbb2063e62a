// What the analysis pipeline produces. Filters add tokens (stems, parts, bigrams) but never change
// a token's byte offsets, so snippets can highlight whole words and never cut a syllable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sosik {

enum class TokenType : uint8_t {
  Word,    // a whole word, normalised (마이크로소프트와, 오픈ai, mai1)
  Stem,    // another form of the same word at the same position (마이크로소프트)
  Part,    // one script run of a mixed word (오픈, ai), consecutive positions
  Bigram,  // two adjacent Hangul syllables; own position stream, continuous across spaces (not after a particle)
};

struct Token {
  std::string term;   // normalised text, no prefix
  uint32_t start;     // UTF-8 byte offset of the first byte in the original text
  uint32_t end;       // one past the last byte
  uint32_t position;  // 1-based; Word/Stem/Part share one stream, Bigram has its own
  uint32_t word;      // index of the word this token belongs to (0-based)
  TokenType type;
};

using Tokens = std::vector<Token>;

// True when `t` is another form of the whole of the Word token `word` (마이크로소프트 of
// 마이크로소프트와), not of one of its parts (일 of 20일에). The index gives a word that has one
// its positions there only (document.cc), and a query matches the word by these forms (query.cc).
inline bool is_whole_word_form(const Token& word, const Token& t) {
  return t.type == TokenType::Stem && t.word == word.word && t.start == word.start && t.end == word.end;
}

}  // namespace sosik
