# The window end to end (issue 6): GuiApp in-process against a simulator process; fill the form,
# generate, watch progress, play the preview, export an MP4 and check it with ffprobe. Plus the
# window's option errors through the real executable.
comfyvideo_add_test(tst_gui_e2e
    SOURCES tst_gui_e2e.cpp
    LIBS cv_gui cv_testfakes Qt6::Widgets Qt6::Multimedia Qt6::MultimediaWidgets Qt6::Test
    ENV QT_MEDIA_BACKEND=ffmpeg
    TIMEOUT 300)
target_compile_definitions(tst_gui_e2e PRIVATE COMFYVIDEO_EXE="$<TARGET_FILE:comfyvideo>")
add_dependencies(tst_gui_e2e comfyvideo comfyui-sim)

# The screenshot driver of scripts/screenshots: not a test and not shipped, so it lives with the
# tests (tests/tools/screenshots) and is declared here, next to the other GuiApp consumer.
qt_add_executable(cv_screenshots
    ${PROJECT_SOURCE_DIR}/tests/tools/screenshots/screenshotdriver.h
    ${PROJECT_SOURCE_DIR}/tests/tools/screenshots/screenshotdriver.cpp
    ${PROJECT_SOURCE_DIR}/tests/tools/screenshots/main.cpp)
target_link_libraries(cv_screenshots PRIVATE comfyvideo_options cv_gui cv_testfakes
                      Qt6::Widgets Qt6::Multimedia)
add_dependencies(cv_screenshots comfyui-sim)
