# Project-wide compile options as INTERFACE targets: link them, never set flags globally.
add_library(parley_warnings INTERFACE)
add_library(parley::warnings ALIAS parley_warnings)
target_compile_options(parley_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough
  $<$<BOOL:${PARLEY_WARNINGS_AS_ERRORS}>:-Werror>)

add_library(parley_options INTERFACE)
add_library(parley::options ALIAS parley_options)
target_compile_features(parley_options INTERFACE cxx_std_20)
if(PARLEY_SANITIZE)
  target_compile_options(parley_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(parley_options INTERFACE -fsanitize=address,undefined)
endif()

# Coverage instruments core/ only: that is the code whose coverage we report.
add_library(parley_coverage INTERFACE)
add_library(parley::coverage ALIAS parley_coverage)
if(PARLEY_COVERAGE)
  target_compile_options(parley_coverage INTERFACE --coverage -O0 -g)
  target_link_options(parley_coverage INTERFACE --coverage)
endif()
