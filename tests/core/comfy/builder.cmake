# builder tests: workflow builders and catalog defaults (issue #2).
comfyvideo_add_test(tst_workflowbuilder
    SOURCES tst_workflowbuilder.cpp
    LIBS cv_comfy cv_request Qt6::Core)
comfyvideo_add_test(tst_catalogdefaults
    SOURCES tst_catalogdefaults.cpp
    LIBS cv_comfy cv_request Qt6::Core)
