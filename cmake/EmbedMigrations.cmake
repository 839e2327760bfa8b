# Script mode (cmake -P): writes a .cpp holding every migration of a folder as a raw string
# literal, so the binary never needs db/ at run time. Used by parley_embed_migrations().
# Inputs: OUTPUT (the .cpp to write), MIGRATIONS ('|'-separated V<version>__<name>.sql files),
#         NAMESPACE (of EmbeddedMigration and embedded_migrations()), HEADER (declaring them),
#         SOURCE (the folder named in the generated file's header comment).
cmake_minimum_required(VERSION 3.25)
foreach(input OUTPUT MIGRATIONS NAMESPACE HEADER SOURCE)
  if(NOT DEFINED ${input} OR "${${input}}" STREQUAL "")
    message(FATAL_ERROR "EmbedMigrations.cmake: -D${input}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" MIGRATIONS "${MIGRATIONS}")
set(delimiter "parley_sql")
set(entries "")
set(versions "")
list(LENGTH MIGRATIONS count)
foreach(file IN LISTS MIGRATIONS)
  get_filename_component(file_name "${file}" NAME)
  if(NOT file_name MATCHES "^V([0-9]+)__([A-Za-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "${file}: migration files are named V<version>__<name>.sql")
  endif()
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${CMAKE_MATCH_1}")
  if(version IN_LIST versions)
    message(FATAL_ERROR "${file}: migration version ${version} appears twice")
  endif()
  list(APPEND versions "${version}")
  file(READ "${file}" sql)
  # The raw string ends at the first )delimiter" it meets: refuse a file that contains one.
  string(FIND "${sql}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file}: contains the raw-string delimiter )${delimiter}\"")
  endif()
  string(APPEND entries "    EmbeddedMigration{${version}, \"${name}\", R\"${delimiter}(${sql})${delimiter}\"},\n")
endforeach()

set(content "// Generated from ${SOURCE} by EmbedMigrations.cmake: do not edit.
#include <array>

#include \"${HEADER}\"

namespace ${NAMESPACE} {
namespace {

constexpr std::array<EmbeddedMigration, ${count}> kMigrations{
${entries}};

}  // namespace

std::span<const EmbeddedMigration> embedded_migrations() noexcept { return kMigrations; }

}  // namespace ${NAMESPACE}
")

# Rewrite only on change, so an unrelated reconfigure does not trigger a recompile.
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
