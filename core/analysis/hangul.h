// Hangul at the level of jamo, for what Korean users type: initial consonants only (초성, ㅁㅇㅋ),
// half-typed syllables (마이크로솦), typos of one jamo (나델러), and words typed with the keyboard
// in the wrong layout (dhvms = 오픈 on a 2-set Korean keyboard).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sosik {

// A precomposed syllable's jamo indices (The Unicode Standard, ch. 3.12): initial 0..18, vowel
// 0..20, final 0..27 (0: none). Nothing for any other code point.
struct SyllableJamo {
  int initial, vowel, final;
};
std::optional<SyllableJamo> decompose(char32_t c);
inline constexpr int kInitialCount = 19, kVowelCount = 21;

// Syllables split into compatibility jamo (마이 → ㅁㅏㅇㅣ, 값 → ㄱㅏㅂㅅ); other text unchanged.
std::string to_jamo(std::string_view utf8);

// The initial consonant of each syllable (마이크로소프트 → ㅁㅇㅋㄹㅅㅍㅌ); empty when the text
// holds anything but syllables.
std::string choseong(std::string_view utf8);

// True when `utf8` is made only of compatibility consonants (ㄱ..ㅎ): a 초성 query.
bool is_choseong_only(std::string_view utf8);

// Composes compatibility jamo into syllables as a 2-set keyboard does (ㅇㅗㅍㅡㄴ → 오픈);
// syllables and other characters pass through.
std::string compose_jamo(std::string_view utf8);

// Latin letters typed on a 2-set (두벌식) Korean keyboard layout, read as the Hangul they make:
// "dhvms" → "오픈". Empty when `ascii` is not letters only.
std::string qwerty_to_hangul(std::string_view ascii);
// The reverse: Hangul typed while the keyboard was in Korean mode, read as Latin ("ㅡㄴ" → "ms").
// Empty when the text is not Hangul only.
std::string hangul_to_qwerty(std::string_view utf8);

// Levenshtein distance between two strings counted in jamo (나델러 ~ 나델라 = 1).
size_t jamo_distance(std::string_view a, std::string_view b);

}  // namespace sosik
