#include "normalizer.h"

#include <stdexcept>

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace sosik {
namespace {

// Conjoining jamo (U+1100 block) → compatibility jamo (U+3130 block), after Unicode's
// Hangul Compatibility Jamo decomposition table read backwards. 0 = no compatibility form.
char32_t compat_jamo(char32_t c) {
  static constexpr char16_t kChoseong[19] = {0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141,
                                             0x3142, 0x3143, 0x3145, 0x3146, 0x3147, 0x3148, 0x3149,
                                             0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
  static constexpr char16_t kJongseong[27] = {
      0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A,
      0x313B, 0x313C, 0x313D, 0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144,
      0x3145, 0x3146, 0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
  if (c >= 0x1100 && c <= 0x1112) return kChoseong[c - 0x1100];
  if (c >= 0x1161 && c <= 0x1175) return 0x314F + (c - 0x1161);
  if (c >= 0x11A8 && c <= 0x11C2) return kJongseong[c - 0x11A8];
  return 0;
}

bool all_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Precomposed syllables are already NFKC and caseless: the common case skips ICU entirely.
bool all_hangul_syllables(std::string_view s) {
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (!is_hangul_syllable(static_cast<char32_t>(c))) return false;
  }
  return true;
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_word_separator(char32_t c) {
  return c == 0x318D || c == 0x00B7 || c == 0x2027 || c == 0x30FB || c == 0xFF65 || c == 0x2022 || c == '_';
}

bool is_hangul_syllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }

bool is_hangul(char32_t c) {
  return is_hangul_syllable(c) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3131 && c <= 0x318E) ||
         (c >= 0xA960 && c <= 0xA97F) || (c >= 0xD7B0 && c <= 0xD7FF);
}

KoreanNormalizer::KoreanNormalizer() {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU NFKC_Casefold unavailable: ") + u_errorName(status));
}

std::string KoreanNormalizer::normalize(std::string_view utf8) const {
  if (all_ascii(utf8)) return ascii_lower(utf8);
  if (all_hangul_syllables(utf8)) return std::string(utf8);

  UErrorCode status = U_ZERO_ERROR;
  auto* norm = static_cast<const icu::Normalizer2*>(nfkc_cf_);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out = norm->normalize(in, status);
  if (U_FAILURE(status)) return std::string(utf8);
  for (int32_t i = 0; i < out.length(); ++i)
    if (char32_t c = compat_jamo(out.charAt(i))) out.setCharAt(i, static_cast<char16_t>(c));
  std::string result;
  out.toUTF8String(result);
  return result;
}

}  // namespace sosik
