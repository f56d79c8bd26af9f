# conformance tests (issue 3): comfyui-sim as a separate process via SimProcess
set(SIM_TEST_LIBS cv_testfakes cv_media Qt6::Network Qt6::WebSockets)
comfyvideo_add_test(tst_executionplan SOURCES tst_executionplan.cpp LIBS cv_simulator TIMEOUT 60)
comfyvideo_add_test(tst_comfysimulator SOURCES tst_comfysimulator.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 120)
comfyvideo_add_test(tst_simulatorroutes SOURCES tst_simulatorroutes.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 120)
comfyvideo_add_test(tst_simulatorfaults SOURCES tst_simulatorfaults.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 120)
comfyvideo_add_test(tst_simulatorhttpfaults SOURCES tst_simulatorhttpfaults.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 120)
comfyvideo_add_test(tst_simulatoroutputs SOURCES tst_simulatoroutputs.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 120)
comfyvideo_add_test(tst_simulatorsoak SOURCES tst_simulatorsoak.cpp simtestkit.h
                    LIBS ${SIM_TEST_LIBS} TIMEOUT 180)
foreach(t tst_comfysimulator tst_simulatorroutes tst_simulatorfaults tst_simulatorhttpfaults
          tst_simulatoroutputs tst_simulatorsoak)
    add_dependencies(${t} comfyui-sim)
endforeach()
