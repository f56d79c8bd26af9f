# `comfyvideo queue` and `comfyvideo jobs` (issue #5): the real executable on temporary data
# folders, against comfyui-sim processes.
foreach(name tst_cli_jobs tst_cli_queuecrash)
    comfyvideo_add_test(${name}
        SOURCES ${name}.cpp clijobs.h
        LIBS cv_testfakes cv_media Qt6::Network
        TIMEOUT 300
        LABELS "integration")
    target_compile_definitions(${name} PRIVATE COMFYVIDEO_EXE="$<TARGET_FILE:comfyvideo>")
    add_dependencies(${name} comfyvideo comfyui-sim)
endforeach()
