#include "schema.h"

#include <stdexcept>
#include <string>

namespace sosik {

const FieldSpec& field(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name == name) return f;
  throw std::out_of_range("sosik schema has no field '" + std::string(name) + "'");
}

}  // namespace sosik
