# ComfyUI client tests (issue #4): pure parsing and progress math, then protocol tests against
# comfyui-sim processes.
comfyvideo_add_test(tst_messageparser SOURCES tst_messageparser.cpp LIBS cv_comfy)
comfyvideo_add_test(tst_progress SOURCES tst_progress.cpp LIBS cv_comfy)
comfyvideo_add_test(tst_jobtracker SOURCES tst_jobtracker.cpp clienttestutil.h
    LIBS cv_comfy cv_media cv_testfakes TIMEOUT 300)
comfyvideo_add_test(tst_jobtrackerattach SOURCES tst_jobtrackerattach.cpp clienttestutil.h
    LIBS cv_comfy cv_media cv_testfakes TIMEOUT 300)
comfyvideo_add_test(tst_downloader SOURCES tst_downloader.cpp clienttestutil.h
    LIBS cv_comfy cv_testfakes TIMEOUT 120)
comfyvideo_add_test(tst_eventstream SOURCES tst_eventstream.cpp clienttestutil.h
    LIBS cv_comfy cv_testfakes TIMEOUT 120)
comfyvideo_add_test(tst_comfyclient SOURCES tst_comfyclient.cpp clienttestutil.h
    LIBS cv_comfy cv_testfakes TIMEOUT 120)
comfyvideo_add_test(tst_failureerror SOURCES tst_failureerror.cpp LIBS cv_comfy)
