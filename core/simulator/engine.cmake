set(SIM_ENGINE_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/simulatorconfig.h
    ${CMAKE_CURRENT_LIST_DIR}/simvalue.h
    ${CMAKE_CURRENT_LIST_DIR}/comfysimulator.h ${CMAKE_CURRENT_LIST_DIR}/comfysimulator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/routes_prompt.cpp
    ${CMAKE_CURRENT_LIST_DIR}/routes_files.cpp
    ${CMAKE_CURRENT_LIST_DIR}/routes_info.cpp
    ${CMAKE_CURRENT_LIST_DIR}/nodeschemas.h ${CMAKE_CURRENT_LIST_DIR}/nodeschemas.cpp
    ${CMAKE_CURRENT_LIST_DIR}/jsonkeyorder.h ${CMAKE_CURRENT_LIST_DIR}/jsonkeyorder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/history.h ${CMAKE_CURRENT_LIST_DIR}/history.cpp
    ${CMAKE_CURRENT_LIST_DIR}/promptqueue.h ${CMAKE_CURRENT_LIST_DIR}/promptqueue.cpp
    ${CMAKE_CURRENT_LIST_DIR}/wshub.h ${CMAKE_CURRENT_LIST_DIR}/wshub.cpp
    ${CMAKE_CURRENT_LIST_DIR}/framerenderer.h ${CMAKE_CURRENT_LIST_DIR}/framerenderer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/executionplan.h ${CMAKE_CURRENT_LIST_DIR}/executionplan.cpp
    ${CMAKE_CURRENT_LIST_DIR}/nodeevaluator.h ${CMAKE_CURRENT_LIST_DIR}/nodeevaluator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/outputnaming.h ${CMAKE_CURRENT_LIST_DIR}/outputnaming.cpp
    ${CMAKE_CURRENT_LIST_DIR}/encodetask.h ${CMAKE_CURRENT_LIST_DIR}/encodetask.cpp
    ${CMAKE_CURRENT_LIST_DIR}/executor.h ${CMAKE_CURRENT_LIST_DIR}/executor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/executornodes.cpp ${CMAKE_CURRENT_LIST_DIR}/executorrun.h)
set(SIM_RESOURCES nodes.json)
