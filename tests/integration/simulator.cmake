# A real third-party ComfyUI client (npm @stable-canvas/comfyui-client) against comfyui-sim.
# Skipped (exit 77) with a clear message where node is absent.
if(TARGET comfyui-sim)
    add_test(NAME thirdparty_comfyui_client
             COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/thirdparty/run.sh $<TARGET_FILE:comfyui-sim>
                     ${CMAKE_CURRENT_BINARY_DIR}/thirdparty)
    set_tests_properties(thirdparty_comfyui_client PROPERTIES
        SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS "integration;npm")
endif()

# A 1 GiB /view download from a simulator process, with its memory sampled.
comfyvideo_add_test(tst_simbigdownload
    SOURCES tst_simbigdownload.cpp
    LIBS cv_testfakes Qt6::Network
    TIMEOUT 300
    LABELS "integration")
