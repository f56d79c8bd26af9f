# The simulator's HTTP + WebSocket layer (owned by the "sim-http" part of issue 3).
set(SIM_HTTP_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/httpserver.h ${CMAKE_CURRENT_LIST_DIR}/httpserver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tlstcpserver.h ${CMAKE_CURRENT_LIST_DIR}/tlstcpserver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/httpconnection.h ${CMAKE_CURRENT_LIST_DIR}/httpconnection.cpp
    ${CMAKE_CURRENT_LIST_DIR}/httpparsing.h ${CMAKE_CURRENT_LIST_DIR}/httpparsing.cpp
    ${CMAKE_CURRENT_LIST_DIR}/httpmultipart.cpp
    ${CMAKE_CURRENT_LIST_DIR}/faults.h ${CMAKE_CURRENT_LIST_DIR}/faults.cpp)
