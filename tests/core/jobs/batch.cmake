# Batch expansion (seed sweeps, prompt lists): pure functions of cv_jobs.
comfyvideo_add_test(tst_batch SOURCES tst_batch.cpp LIBS cv_jobs)
