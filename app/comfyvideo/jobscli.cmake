# The queue and jobs commands (issue #5).
target_sources(cv_cli PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/cli/datadir.h ${CMAKE_CURRENT_LIST_DIR}/cli/datadir.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/serverurl.h ${CMAKE_CURRENT_LIST_DIR}/cli/serverurl.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/storesession.h ${CMAKE_CURRENT_LIST_DIR}/cli/storesession.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/queuecommand.h ${CMAKE_CURRENT_LIST_DIR}/cli/queuecommand.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/queuerunoptions.h
    ${CMAKE_CURRENT_LIST_DIR}/cli/queuerunoptions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/queuerunner.h ${CMAKE_CURRENT_LIST_DIR}/cli/queuerunner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/joblines.h ${CMAKE_CURRENT_LIST_DIR}/cli/joblines.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/jobscommand.h ${CMAKE_CURRENT_LIST_DIR}/cli/jobscommand.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/jobactions.h ${CMAKE_CURRENT_LIST_DIR}/cli/jobactions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cli/jobformat.h ${CMAKE_CURRENT_LIST_DIR}/cli/jobformat.cpp)
target_link_libraries(cv_cli PUBLIC cv_jobs cv_storage cv_backends)
