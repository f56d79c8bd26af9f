# The progress coalescer and the progress panel (issue 6).
comfyvideo_add_test(tst_progresscoalescer SOURCES tst_progresscoalescer.cpp
    LIBS cv_ui_progress Qt6::Widgets)
comfyvideo_add_test(tst_progresspanel SOURCES tst_progresspanel.cpp
    LIBS cv_ui_progress Qt6::Widgets)
