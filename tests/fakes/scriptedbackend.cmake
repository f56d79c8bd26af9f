# ScriptedBackend: a Backend whose runs follow scripts, for the scheduler's unit tests.
add_library(cv_scriptedbackend STATIC
    ${CMAKE_CURRENT_LIST_DIR}/scriptedbackend.h ${CMAKE_CURRENT_LIST_DIR}/scriptedbackend.cpp)
target_include_directories(cv_scriptedbackend PUBLIC "${PROJECT_SOURCE_DIR}/tests")
target_link_libraries(cv_scriptedbackend PUBLIC cv_backends Qt6::Core PRIVATE comfyvideo_options)
