# Robustness of the ComfyUI client (issue #4): TLS with a private CA, a server that vanishes
# and comes back, every simulator fault on both personas, cancel in every phase. All against
# comfyui-sim processes.
comfyvideo_add_test(tst_tls SOURCES tst_tls.cpp robustnesstestutil.h
    LIBS cv_comfy cv_media cv_testfakes TIMEOUT 120)
comfyvideo_add_test(tst_serverlifecycle SOURCES tst_serverlifecycle.cpp robustnesstestutil.h
    LIBS cv_comfy cv_testfakes TIMEOUT 120)
comfyvideo_add_test(tst_faultmatrix SOURCES tst_faultmatrix.cpp robustnesstestutil.h
    LIBS cv_comfy cv_media cv_testfakes TIMEOUT 240)
comfyvideo_add_test(tst_faultmatrix_svd SOURCES tst_faultmatrix.cpp robustnesstestutil.h
    LIBS cv_comfy cv_media cv_testfakes TIMEOUT 240)
target_compile_definitions(tst_faultmatrix_svd PRIVATE CV_FAULTMATRIX_SVD)
comfyvideo_add_test(tst_cancelphases SOURCES tst_cancelphases.cpp robustnesstestutil.h
    LIBS cv_comfy cv_testfakes TIMEOUT 180)
