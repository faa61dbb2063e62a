// Shared by the fuzz targets: one Analyzer per process (loading the dictionary takes ~0.3 s, far
// longer than one input), and a check that aborts with a message, so libFuzzer saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "analysis/analyzer.h"

namespace sosik::fuzz {

inline const std::shared_ptr<const Analyzer>& analyzer() {
  static const std::shared_ptr<const Analyzer> a = Analyzer::korean();
  return a;
}

// An invariant broke: say which, then abort (libFuzzer reports it as a crash with the input).
#define FUZZ_CHECK(cond, what)                                                          \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

}  // namespace sosik::fuzz
