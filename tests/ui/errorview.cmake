# The inline error panel (issue 6).
comfyvideo_add_test(tst_errorpanel SOURCES tst_errorpanel.cpp LIBS cv_ui_errorview Qt6::Widgets)
