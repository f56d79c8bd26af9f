set(SIM_HTTP_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/httpserver.h ${CMAKE_CURRENT_LIST_DIR}/httpserver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/faults.h ${CMAKE_CURRENT_LIST_DIR}/faults.cpp)
