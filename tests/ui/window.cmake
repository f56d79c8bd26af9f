# The main window and its controller (issue 6).
comfyvideo_add_test(tst_mainwindow SOURCES tst_mainwindow.cpp LIBS cv_ui_window Qt6::Widgets)
comfyvideo_add_test(tst_windowcontroller SOURCES tst_windowcontroller.cpp
    LIBS cv_ui_window cv_testfakes Qt6::Widgets
    ENV QT_MEDIA_BACKEND=ffmpeg
    TIMEOUT 300)
