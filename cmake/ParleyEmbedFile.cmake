# parley_embed_file(<out-var> <file> <namespace> <function> <header> [GENERATED])
# Generates a .cpp defining `std::string_view <namespace>::<function>() noexcept`, which returns
# the exact bytes of <file> (relative to PROJECT_SOURCE_DIR, or absolute), declared in <header>;
# sets <out-var> to the generated file. The build, not the run, reads the file. GENERATED: <file>
# is the output of a custom command of the same folder, so it need not exist at configure time.
set(PARLEY_EMBED_FILE_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedFile.cmake)

function(parley_embed_file out_var file namespace function header)
  cmake_parse_arguments(PARSE_ARGV 5 embed "GENERATED" "" "")
  cmake_path(ABSOLUTE_PATH file BASE_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE input)
  if(NOT embed_GENERATED AND NOT EXISTS ${input})
    message(FATAL_ERROR "parley_embed_file: ${input} does not exist")
  endif()
  cmake_path(RELATIVE_PATH input BASE_DIRECTORY ${PROJECT_BINARY_DIR} OUTPUT_VARIABLE built)
  if(embed_GENERATED)
    set(source "${built}")
  else()
    cmake_path(RELATIVE_PATH input BASE_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE source)
  endif()
  # Named after the function, so one folder can embed several files.
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/${function}.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND}
      "-DOUTPUT=${output}"
      "-DINPUT=${input}"
      "-DNAMESPACE=${namespace}"
      "-DFUNCTION=${function}"
      "-DHEADER=${header}"
      "-DSOURCE=${source}"
      -P ${PARLEY_EMBED_FILE_SCRIPT}
    DEPENDS ${input} ${PARLEY_EMBED_FILE_SCRIPT}
    COMMENT "Embedding ${source}"
    VERBATIM)
  set(${out_var} ${output} PARENT_SCOPE)
endfunction()
