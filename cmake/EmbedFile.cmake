# Script mode (cmake -P): writes a .cpp returning one file's bytes from a function, as raw
# string literals, so the binary never needs the file at run time. Used by parley_embed_file().
# Inputs: OUTPUT (the .cpp to write), INPUT (the file to embed), NAMESPACE and FUNCTION (of
#         the generated `std::string_view FUNCTION() noexcept`), HEADER (declaring it),
#         SOURCE (the file's name in the generated file's header comment).
cmake_minimum_required(VERSION 3.25)
foreach(input OUTPUT INPUT NAMESPACE FUNCTION HEADER SOURCE)
  if(NOT DEFINED ${input} OR "${${input}}" STREQUAL "")
    message(FATAL_ERROR "EmbedFile.cmake: -D${input}=... is required")
  endif()
endforeach()

set(delimiter "parley_file")
file(READ "${INPUT}" text)
string(LENGTH "${text}" size)
file(SIZE "${INPUT}" file_size)
# file(READ) stops at a NUL byte: such a file would be embedded truncated.
if(NOT size EQUAL file_size)
  message(FATAL_ERROR "${INPUT}: binary content (a NUL byte) cannot be embedded as text")
endif()
# A raw string ends at the first )delimiter" it meets: refuse a file that contains one.
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT}: contains the raw-string delimiter )${delimiter}\"")
endif()

# MSVC caps one string literal at 16380 bytes, so the text becomes adjacent literals of at
# most chunk_limit bytes each, cut after a newline where possible, never inside a UTF-8 sequence.
set(chunk_limit 16000)
set(literals "")
set(rest "${text}")
string(LENGTH "${rest}" rest_size)
while(rest_size GREATER 0)
  if(rest_size GREATER chunk_limit)
    string(SUBSTRING "${rest}" 0 ${chunk_limit} chunk)
    string(FIND "${chunk}" "\n" last_newline REVERSE)
    if(last_newline GREATER -1)
      math(EXPR cut "${last_newline} + 1")
    else()
      # A long line (minified script): cut before a byte that starts a character, never
      # inside a UTF-8 sequence (continuation bytes are 10xxxxxx, hex 80-bf).
      set(cut ${chunk_limit})
      while(TRUE)
        string(SUBSTRING "${rest}" ${cut} 1 next)
        string(HEX "${next}" next_hex)
        if(NOT next_hex MATCHES "^[89ab]")
          break()
        endif()
        math(EXPR cut "${cut} - 1")
      endwhile()
    endif()
    string(SUBSTRING "${rest}" 0 ${cut} chunk)
    string(SUBSTRING "${rest}" ${cut} -1 rest)
  else()
    set(chunk "${rest}")
    set(rest "")
  endif()
  string(APPEND literals "    R\"${delimiter}(${chunk})${delimiter}\"\n")
  string(LENGTH "${rest}" rest_size)
endwhile()
if(literals STREQUAL "")
  set(literals "    \"\"\n")
endif()

set(content "// Generated from ${SOURCE} by EmbedFile.cmake: do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {
namespace {

constexpr char kText[] =
${literals};

// A compiler that rewrites line endings inside raw strings would change the bytes served.
static_assert(sizeof(kText) - 1 == ${size}, \"${SOURCE} was not embedded byte for byte\");

}  // namespace

std::string_view ${FUNCTION}() noexcept { return {kText, sizeof(kText) - 1}; }

}  // namespace ${NAMESPACE}
")

# Rewrite only on change, so an unrelated reconfigure does not trigger a recompile.
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
