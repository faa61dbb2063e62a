#include "analyzer.h"

#include <unicode/utf8.h>

namespace sosik {
namespace {

// Emits syllable bigrams of a Hangul run, continuing from the run before it when `carry` holds
// that run's last syllable (words separated only by spaces: 데이터 센터 ≈ 데이터센터).
struct BigramStream {
  Tokens& out;
  uint32_t position;
  uint32_t word = 0;
  bool has_carry = false;
  uint32_t carry_start = 0, carry_end = 0;
  std::string_view text;

  void run(uint32_t start, uint32_t end, bool continues) {
    if (!continues) has_carry = false;
    int32_t i = static_cast<int32_t>(start);
    while (i < static_cast<int32_t>(end)) {
      int32_t at = i;
      UChar32 c;
      U8_NEXT(text.data(), i, static_cast<int32_t>(end), c);
      if (c < 0xAC00 || c > 0xD7A3) { has_carry = false; continue; }  // jamo etc. break a run
      if (has_carry) {
        std::string term(text.substr(carry_start, carry_end - carry_start));  // previous syllable
        term.append(text.substr(at, i - at));
        out.push_back(Token{std::move(term), carry_start, static_cast<uint32_t>(i), position++, word, TokenType::Bigram});
      }
      has_carry = true;
      carry_start = static_cast<uint32_t>(at);
      carry_end = static_cast<uint32_t>(i);
    }
  }
};

}  // namespace

Analyzer::Analyzer(const std::string& dictionary_dir, const std::string& nouns_path) : stemmer_(dictionary_dir, nouns_path) {}

std::shared_ptr<const Analyzer> Analyzer::korean(const std::string& dictionary_dir, const std::string& nouns_path) {
  return std::make_shared<const Analyzer>(dictionary_dir, nouns_path);
}

Tokens Analyzer::analyze(std::string_view text, uint32_t first_position,
                         const std::function<bool(std::string_view)>& wants_stems) const {
  Tokens out;
  std::vector<SegmentedWord> words = segmenter_.segment(text);
  out.reserve(words.size() * 3);
  uint32_t pos = first_position;
  BigramStream bigrams{out, first_position, 0, false, 0, 0, text};
  bool prev_ends_hangul = false;
  // The word before ended in a particle or ending (마이크로소프트는): the bigram from it into the
  // next word (는오) is no compound and no word of a name, just noise, and such bigrams were a
  // tenth of a news article's distinct terms. Only the word's own last Hangul piece counts.
  bool prev_inflected = false;

  for (uint32_t wi = 0; wi < words.size(); ++wi) {
    const SegmentedWord& w = words[wi];
    bigrams.word = wi;
    std::vector<Piece> pieces = w.pieces;
    std::vector<std::string> norms;
    norms.reserve(pieces.size());
    for (const Piece& p : pieces) norms.push_back(normalizer_.normalize(text.substr(p.start, p.end - p.start)));

    // Syllable bigrams of the text as written (before any stripping), continuous across spaces
    // unless the word before ended in a particle.
    for (size_t k = 0; k < pieces.size(); ++k) {
      if (pieces[k].script != Script::Hangul) continue;
      bool continues = k == 0 ? (w.spaced_from_previous && prev_ends_hangul && !prev_inflected) : false;
      bigrams.run(pieces[k].start, pieces[k].end, continues);
    }
    prev_ends_hangul = pieces.back().script == Script::Hangul;
    prev_inflected = false;

    // A piece that normalises to nothing (U+3164 HANGUL FILLER) has no term; Xapian rejects empty
    // terms, and one such character made the indexer give up on the whole run.
    for (size_t k = pieces.size(); k-- > 0;) {
      if (!norms[k].empty()) continue;
      pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(k));
      norms.erase(norms.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (pieces.empty()) continue;

    // The stems of piece k, if it is Hangul and they are wanted; those of the word's last piece
    // also say whether it ended in a particle (no bigram into the next word).
    auto piece_stems = [&](size_t k) {
      std::vector<std::string> stems;
      if (pieces[k].script != Script::Hangul || (wants_stems && !wants_stems(norms[k]))) return stems;
      stems = stemmer_.stems(norms[k]);
      if (k + 1 == pieces.size()) prev_inflected = !stems.empty() && ends_in_particle(norms[k]);
      return stems;
    };
    // Other forms of one piece at its position: Hangul stems, or the Hangul reading of hanja.
    auto add_forms = [&](size_t k, uint32_t start, uint32_t end, uint32_t at, std::vector<std::string> stems) {
      for (auto& s : stems) out.push_back(Token{std::move(s), start, end, at, wi, TokenType::Stem});
      if (pieces[k].script == Script::Han)
        if (std::string r = hanja_.read(norms[k]); !r.empty()) out.push_back(Token{std::move(r), start, end, at, wi, TokenType::Stem});
    };
    if (pieces.size() == 1) {
      out.push_back(Token{norms[0], w.start, w.end, pos, wi, TokenType::Word});
      add_forms(0, w.start, w.end, pos, piece_stems(0));
      ++pos;
      continue;
    }

    // Mixed script: a trailing particle (오픈AI를) is no part of the name.
    if (pieces.back().script == Script::Hangul && pieces[pieces.size() - 2].script != Script::Hangul &&
        is_particle(norms.back())) {
      pieces.pop_back();
      norms.pop_back();
      prev_inflected = true;
    }
    std::string joined;
    for (const auto& n : norms) joined += n;
    out.push_back(Token{joined, w.start, w.end, pos, wi, TokenType::Word});
    if (pieces.size() > 1) {
      // A particle or ending on the last piece comes off the whole word too (2016년에 → 2016년,
      // LG전자는 → lg전자), so the word is found as one term in every form, not only as the
      // phrase of its parts.
      const size_t last = pieces.size() - 1;
      std::vector<std::string> last_stems = piece_stems(last);
      const std::string head = joined.substr(0, joined.size() - norms[last].size());
      for (const auto& s : last_stems) out.push_back(Token{head + s, w.start, w.end, pos, wi, TokenType::Stem});
      for (size_t k = 0; k < pieces.size(); ++k) {
        out.push_back(Token{norms[k], pieces[k].start, pieces[k].end, pos, wi, TokenType::Part});
        add_forms(k, pieces[k].start, pieces[k].end, pos, k == last ? std::move(last_stems) : piece_stems(k));
        ++pos;
      }
    } else {
      ++pos;
    }
  }
  return out;
}

std::vector<std::string> syllable_bigrams(std::string_view s) {
  std::vector<std::string> out;
  std::vector<std::string_view> syl;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c >= 0xAC00 && c <= 0xD7A3) {
      syl.push_back(s.substr(at, i - at));
    } else {
      syl.clear();  // bigrams never span a non-syllable
      continue;
    }
    if (syl.size() >= 2) out.push_back(std::string(syl[syl.size() - 2]) + std::string(syl.back()));
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace sosik
