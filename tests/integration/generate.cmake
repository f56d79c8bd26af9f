# `comfyvideo generate`: the real executable against comfyui-sim processes.
comfyvideo_add_test(tst_cli_generate
    SOURCES tst_cli_generate.cpp
    LIBS cv_testfakes cv_media Qt6::Network
    TIMEOUT 300
    LABELS "integration")
target_compile_definitions(tst_cli_generate PRIVATE
    COMFYVIDEO_EXE="$<TARGET_FILE:comfyvideo>")
add_dependencies(tst_cli_generate comfyvideo)

# The progress line of `generate` (an app class: compiled into the test).
comfyvideo_add_test(tst_progressbar
    SOURCES tst_progressbar.cpp
    LIBS cv_cli)
