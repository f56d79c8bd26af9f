# comfyvideo_add_module(<name> SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# Declares the core library target cv_<name> (alias ComfyVideo::<name>) from core/<name>.
function(comfyvideo_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
    add_library(cv_${name} STATIC ${ARG_SOURCES})
    add_library(ComfyVideo::${name} ALIAS cv_${name})
    target_include_directories(cv_${name} PUBLIC "${PROJECT_SOURCE_DIR}/core")
    target_link_libraries(cv_${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE comfyvideo_options
                          ${ARG_PRIVATE_LIBS})
endfunction()

# comfyvideo_add_test(<name> SOURCES ... [LIBS ...] [ENV ...] [TIMEOUT s] [LABELS ...])
# One Qt Test executable = one ctest test.
function(comfyvideo_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
    qt_add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE comfyvideo_options Qt6::Test ${ARG_LIBS})
    target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests")
    target_compile_definitions(${name} PRIVATE
        CV_CAPTURES_DIR="${COMFYVIDEO_CAPTURES_DIR}"
        CV_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(env "QT_QPA_PLATFORM=offscreen" "QT_LOGGING_RULES=*.debug=false" ${ARG_ENV})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${env}")
    if(ARG_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()
