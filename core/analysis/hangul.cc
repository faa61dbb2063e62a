#include "hangul.h"

#include <algorithm>
#include <array>
#include <vector>

#include <unicode/utf8.h>

namespace sosik {
namespace {

// Unicode Hangul syllable arithmetic (The Unicode Standard, ch. 3.12): S = 0xAC00 + (L*21 + V)*28 + T.
constexpr char32_t kBase = 0xAC00, kLast = 0xD7A3;
constexpr int kTCount = 28;  // finals, 0 = none; the initial and vowel counts are in hangul.h

// Compatibility jamo for each L (initial), V (vowel) and T (final; 0 = none) index.
constexpr std::array<char32_t, kInitialCount> kL = {0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
                                         0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
constexpr std::array<char32_t, 28> kT = {0,      0x3131, 0x3132, 0x3133, 0x3134, 0x3135, 0x3136, 0x3137, 0x3139, 0x313A,
                                         0x313B, 0x313C, 0x313D, 0x313E, 0x313F, 0x3140, 0x3141, 0x3142, 0x3144, 0x3145,
                                         0x3146, 0x3147, 0x3148, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E};
char32_t vowel(int v) { return 0x314F + v; }

// Compound vowels and final clusters as pairs typed one after the other.
struct Pair { char32_t a, b, both; };
constexpr std::array<Pair, 7> kVowelPairs = {{{0x3157, 0x314F, 0x3158}, {0x3157, 0x3150, 0x3159}, {0x3157, 0x3163, 0x315A},
                                              {0x315C, 0x3153, 0x315D}, {0x315C, 0x3154, 0x315E}, {0x315C, 0x3163, 0x315F},
                                              {0x3161, 0x3163, 0x3162}}};
constexpr std::array<Pair, 11> kFinalPairs = {{{0x3131, 0x3145, 0x3133}, {0x3134, 0x3148, 0x3135}, {0x3134, 0x314E, 0x3136},
                                               {0x3139, 0x3131, 0x313A}, {0x3139, 0x3141, 0x313B}, {0x3139, 0x3142, 0x313C},
                                               {0x3139, 0x3145, 0x313D}, {0x3139, 0x314C, 0x313E}, {0x3139, 0x314D, 0x313F},
                                               {0x3139, 0x314E, 0x3140}, {0x3142, 0x3145, 0x3144}}};

bool is_consonant(char32_t c) { return c >= 0x3131 && c <= 0x314E; }
bool is_vowel(char32_t c) { return c >= 0x314F && c <= 0x3163; }
int l_index(char32_t c) {
  auto it = std::find(kL.begin(), kL.end(), c);
  return it == kL.end() ? -1 : static_cast<int>(it - kL.begin());
}
int t_index(char32_t c) {
  auto it = std::find(kT.begin() + 1, kT.end(), c);
  return it == kT.end() ? -1 : static_cast<int>(it - kT.begin());
}
char32_t join(const auto& pairs, char32_t a, char32_t b) {
  for (const auto& p : pairs)
    if (p.a == a && p.b == b) return p.both;
  return 0;
}
const Pair* split(const auto& pairs, char32_t both) {
  for (const auto& p : pairs)
    if (p.both == both) return &p;
  return nullptr;
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

void append(std::string& out, char32_t c) {
  char buf[4];
  int32_t len = 0;
  UBool err = false;
  U8_APPEND(buf, len, 4, static_cast<UChar32>(c), err);
  if (!err) out.append(buf, static_cast<size_t>(len));
}

std::u32string jamo_of(std::u32string_view s) {
  std::u32string out;
  for (char32_t c : s) {
    auto jamo = decompose(c);
    if (!jamo) {
      out.push_back(c);
      continue;
    }
    out.push_back(kL[jamo->initial]);
    char32_t v = vowel(jamo->vowel);
    if (const Pair* p = split(kVowelPairs, v)) {  // typed as two keys: ㅘ = ㅗ + ㅏ
      out.push_back(p->a);
      out.push_back(p->b);
    } else {
      out.push_back(v);
    }
    if (int t = jamo->final) {
      if (const Pair* p = split(kFinalPairs, kT[t])) {
        out.push_back(p->a);
        out.push_back(p->b);
      } else {
        out.push_back(kT[t]);
      }
    }
  }
  return out;
}

// 2-set (두벌식) layout: QWERTY key → compatibility jamo; shifted keys give the doubled consonants
// and ㅒ ㅖ.
char32_t key_jamo(char k) {
  static const char32_t lower[26] = {0x3141, 0x3160, 0x314A, 0x3147, 0x3137, 0x3139, 0x314E, 0x3157, 0x3151,
                                     0x3153, 0x314F, 0x3163, 0x3161, 0x315C, 0x3150, 0x3154, 0x3142, 0x3131,
                                     0x3134, 0x3145, 0x3155, 0x314D, 0x3148, 0x314C, 0x315B, 0x314B};
  if (k >= 'a' && k <= 'z') return lower[k - 'a'];
  switch (k) {
    case 'Q': return 0x3143;
    case 'W': return 0x3149;
    case 'E': return 0x3138;
    case 'R': return 0x3132;
    case 'T': return 0x3146;
    case 'O': return 0x3152;
    case 'P': return 0x3156;
    default: return (k >= 'A' && k <= 'Z') ? key_jamo(static_cast<char>(k - 'A' + 'a')) : 0;
  }
}

}  // namespace

std::optional<SyllableJamo> decompose(char32_t c) {
  if (c < kBase || c > kLast) return std::nullopt;
  const int idx = static_cast<int>(c - kBase);
  return SyllableJamo{idx / (kVowelCount * kTCount), idx / kTCount % kVowelCount, idx % kTCount};
}

std::string to_jamo(std::string_view utf8) {
  std::string out;
  for (char32_t c : jamo_of(decode(utf8))) append(out, c);
  return out;
}

std::string choseong(std::string_view utf8) {
  std::string out;
  for (char32_t c : decode(utf8)) {
    auto jamo = decompose(c);
    if (!jamo) return {};
    append(out, kL[jamo->initial]);
  }
  return out;
}

bool is_choseong_only(std::string_view utf8) {
  std::u32string s = decode(utf8);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_consonant);
}

std::string compose_jamo(std::string_view utf8) {
  std::u32string in = decode(utf8), out;
  // The syllable being built: L, V (may be compound) and T (may be a cluster) as jamo, or 0.
  char32_t L = 0, V = 0, T = 0;
  auto flush = [&] {
    if (L && V) {
      int v = static_cast<int>(V - 0x314F), t = T ? t_index(T) : 0;
      out.push_back(kBase + (l_index(L) * kVowelCount + v) * kTCount + t);
    } else {
      if (L) out.push_back(L);
      if (V) out.push_back(V);
    }
    L = V = T = 0;
  };
  for (char32_t c : in) {
    if (is_consonant(c)) {
      if (L && V) {
        if (!T && t_index(c) > 0) { T = c; continue; }
        if (T) {
          if (char32_t cluster = join(kFinalPairs, T, c)) { T = cluster; continue; }
        }
      }
      flush();
      if (l_index(c) >= 0) L = c; else out.push_back(c);  // ㄳ etc. cannot start a syllable
    } else if (is_vowel(c)) {
      if (L && V && T) {
        // The final consonant moves to the next syllable (ㅇㅗㅍ + ㅡ → 오 + 프).
        char32_t carry = T;
        if (const Pair* p = split(kFinalPairs, T)) { T = p->a; carry = p->b; } else { T = 0; }
        flush();
        L = carry;
        V = c;
      } else if (L && V) {
        if (char32_t both = join(kVowelPairs, V, c)) { V = both; continue; }
        flush();
        V = c;
      } else if (L) {
        V = c;
      } else {
        if (V) {
          if (char32_t both = join(kVowelPairs, V, c)) { V = both; continue; }
        }
        flush();
        V = c;
      }
    } else {
      flush();
      out.push_back(c);
    }
  }
  flush();
  std::string s;
  for (char32_t c : out) append(s, c);
  return s;
}

std::string qwerty_to_hangul(std::string_view ascii) {
  std::string jamo;
  for (char k : ascii) {
    char32_t j = key_jamo(k);
    if (!j) return {};
    append(jamo, j);
  }
  return compose_jamo(jamo);
}

std::string hangul_to_qwerty(std::string_view utf8) {
  std::string out;
  for (char32_t j : jamo_of(decode(utf8))) {
    char key = 0;
    for (char k = 'a'; k <= 'z' && !key; ++k)
      if (key_jamo(k) == j) key = k;
    for (char k : std::string_view("QWERTOP"))
      if (!key && key_jamo(k) == j) key = k;
    if (!key) return {};
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(key)));
  }
  return out;
}

size_t jamo_distance(std::string_view a, std::string_view b) {
  std::u32string x = jamo_of(decode(a)), y = jamo_of(decode(b));
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

}  // namespace sosik
