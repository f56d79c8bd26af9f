# cli tests: drive the real comfyvideo executable through QProcess.
comfyvideo_add_test(tst_cli_workflow
    SOURCES tst_cli_workflow.cpp
    LIBS cv_common Qt6::Core)
target_compile_definitions(tst_cli_workflow PRIVATE
    COMFYVIDEO_EXE="$<TARGET_FILE:comfyvideo>")
add_dependencies(tst_cli_workflow comfyvideo)
target_compile_definitions(tst_cli_workflow PRIVATE
    COMFYVIDEO_HAS_UI=$<BOOL:${COMFYVIDEO_BUILD_UI}>)
