# The window's composition root (issue 6): GuiApp wires core, the simulator (demo mode) and the
# ui/ panels; main.cpp opens it when no command is given.
add_library(cv_gui STATIC
    gui/guiapp.h gui/guiapp.cpp
    gui/guioptions.h gui/guioptions.cpp
    gui/demoserver.h gui/demoserver.cpp
    gui/serverlist.h gui/serverlist.cpp
    gui/servertester.h gui/servertester.cpp
    gui/startupprobe.h gui/startupprobe.cpp
    gui/firstpaintwatcher.h gui/firstpaintwatcher.cpp)
target_include_directories(cv_gui PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
target_link_libraries(cv_gui
    PUBLIC cv_cli cv_ui_window cv_simulator cv_jobs cv_storage cv_backends cv_comfy cv_common
           Qt6::Widgets Qt6::Network
    PRIVATE comfyvideo_options)

target_link_libraries(comfyvideo PRIVATE cv_gui)
target_compile_definitions(comfyvideo PRIVATE COMFYVIDEO_WITH_WINDOW=1)
