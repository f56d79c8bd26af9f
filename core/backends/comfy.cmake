# The ComfyUI implementation of the Backend port (issue #4).
target_sources(cv_backends PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/comfyresolution.h ${CMAKE_CURRENT_LIST_DIR}/comfyresolution.cpp
    ${CMAKE_CURRENT_LIST_DIR}/comfyrun.h ${CMAKE_CURRENT_LIST_DIR}/comfyrun.cpp
    ${CMAKE_CURRENT_LIST_DIR}/comfybackend.h ${CMAKE_CURRENT_LIST_DIR}/comfybackend.cpp)
