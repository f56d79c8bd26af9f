# The scheduler (issue #5): pure parts, then the Scheduler over ScriptedBackend and a real
# JobStore, then against comfyui-sim processes through ComfyBackend.
comfyvideo_add_test(tst_statemachine SOURCES tst_statemachine.cpp LIBS cv_jobs)
comfyvideo_add_test(tst_retrypolicy SOURCES tst_retrypolicy.cpp LIBS cv_jobs)
comfyvideo_add_test(tst_etamodel SOURCES tst_etamodel.cpp LIBS cv_jobs)
comfyvideo_add_test(tst_outputname SOURCES tst_outputname.cpp LIBS cv_jobs)
comfyvideo_add_test(tst_scheduler SOURCES tst_scheduler.cpp schedulerfixture.h
    LIBS cv_jobs cv_scriptedbackend)
comfyvideo_add_test(tst_schedulerfailures SOURCES tst_schedulerfailures.cpp schedulerfixture.h
    LIBS cv_jobs cv_scriptedbackend)
comfyvideo_add_test(tst_schedulerrecovery SOURCES tst_schedulerrecovery.cpp schedulerfixture.h
    LIBS cv_jobs cv_scriptedbackend)
comfyvideo_add_test(tst_schedulercomfy SOURCES tst_schedulercomfy.cpp schedulerfixture.h
    LIBS cv_jobs cv_scriptedbackend cv_testfakes cv_media Qt6::Network TIMEOUT 300)
