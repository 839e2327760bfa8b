# parley_embed_migrations(<out-var> <db/migrations subfolder> <namespace> <header>)
# Generates a .cpp defining <namespace>::embedded_migrations() from the V*.sql files of
# db/migrations/<subfolder>, declared in <header>; sets <out-var> to the generated file.
set(PARLEY_EMBED_MIGRATIONS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedMigrations.cmake)

function(parley_embed_migrations out_var subfolder namespace header)
  set(source_dir ${PROJECT_SOURCE_DIR}/db/migrations/${subfolder})
  file(GLOB migrations CONFIGURE_DEPENDS ${source_dir}/V*.sql)
  if(NOT migrations)
    message(FATAL_ERROR "no migrations found in ${source_dir}")
  endif()
  list(SORT migrations COMPARE NATURAL)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/embedded_migrations.cpp)
  # '|' separates the files on the command line: a ';' would split the argument.
  string(REPLACE ";" "|" migration_arg "${migrations}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND}
      "-DOUTPUT=${output}"
      "-DMIGRATIONS=${migration_arg}"
      "-DNAMESPACE=${namespace}"
      "-DHEADER=${header}"
      "-DSOURCE=db/migrations/${subfolder}"
      -P ${PARLEY_EMBED_MIGRATIONS_SCRIPT}
    DEPENDS ${migrations} ${PARLEY_EMBED_MIGRATIONS_SCRIPT}
    COMMENT "Embedding ${subfolder} migrations"
    VERBATIM)
  set(${out_var} ${output} PARENT_SCOPE)
endfunction()
