// What the programs (indexer, searchd, the benchmarks) share to read their command lines.
#pragma once

#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

namespace sosik {

// A count option's value: decimal digits for a number from `min` to `max`; nullopt for anything
// else (empty, a sign, trailing text, out of range), so the caller can name the option.
inline std::optional<size_t> parse_count(const std::string& v, size_t min = 0,
                                         size_t max = std::numeric_limits<size_t>::max()) {
  char* end = nullptr;
  unsigned long n = std::strtoul(v.c_str(), &end, 10);
  if (v.empty() || *end || v[0] == '-' || n < min || n > max) return std::nullopt;
  return n;
}

}  // namespace sosik
