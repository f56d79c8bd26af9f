# readiness tests: nodes, models and VRAM of a server against a request (issue #4).
comfyvideo_add_test(tst_readiness
    SOURCES tst_readiness.cpp
    LIBS cv_comfy cv_request Qt6::Core)
