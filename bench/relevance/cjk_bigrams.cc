#include "cjk_bigrams.h"

#include <stdexcept>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

namespace bench {
namespace {

// Xapian rejects terms over 245 bytes; such "words" are junk (URLs, base64) in any case.
constexpr size_t kMaxTermBytes = 240;

bool is_word_char(UChar32 c) { return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c); }

// Letters whose script extensions include a CJK script: the prolonged sound mark ー is Common
// but written in Katakana words. Punctuation (、 ·) also lists CJK scripts, hence "letters".
bool is_cjk(UChar32 c) {
  return is_word_char(c) && (uscript_hasScript(c, USCRIPT_HANGUL) || uscript_hasScript(c, USCRIPT_HAN) ||
                             uscript_hasScript(c, USCRIPT_HIRAGANA) || uscript_hasScript(c, USCRIPT_KATAKANA));
}

std::string utf8_of(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

std::vector<std::string> cjk_bigram_terms(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err)) throw std::runtime_error(std::string("ICU NFKC unavailable: ") + u_errorName(err));
  icu::UnicodeString text = nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))), err);
  if (U_FAILURE(err)) throw std::runtime_error(std::string("ICU NFKC failed: ") + u_errorName(err));
  text.toLower(icu::Locale::getRoot());

  std::vector<std::string> terms;
  std::vector<icu::UnicodeString> run;  // the current CJK run, one character per entry
  icu::UnicodeString word;              // the current non-CJK word
  auto flush_run = [&] {
    if (run.size() == 1) terms.push_back(utf8_of(run[0]));
    for (size_t i = 1; i < run.size(); ++i) terms.push_back(utf8_of(run[i - 1] + run[i]));
    run.clear();
  };
  auto flush_word = [&] {
    if (word.isEmpty()) return;
    std::string w = utf8_of(word);
    if (w.size() <= kMaxTermBytes) terms.push_back(std::move(w));
    word.remove();
  };
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    UChar32 c = text.char32At(i);
    if (is_cjk(c)) {
      flush_word();
      run.emplace_back(c);
    } else if (is_word_char(c)) {
      flush_run();
      word.append(c);
    } else {
      flush_run();
      flush_word();
    }
  }
  flush_run();
  flush_word();
  return terms;
}

}  // namespace bench
