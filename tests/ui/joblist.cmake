# Session jobs list and Servers dialog (issue 6).
comfyvideo_add_test(tst_sessionjobsmodel
    SOURCES tst_sessionjobsmodel.cpp
    LIBS cv_ui_joblist Qt6::Widgets)
comfyvideo_add_test(tst_joblistpanel
    SOURCES tst_joblistpanel.cpp
    LIBS cv_ui_joblist Qt6::Widgets)
comfyvideo_add_test(tst_serversdialog
    SOURCES tst_serversdialog.cpp
    LIBS cv_ui_joblist cv_comfy cv_testfakes Qt6::Widgets Qt6::Network
    TIMEOUT 120)
