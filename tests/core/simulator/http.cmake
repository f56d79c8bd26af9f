# Tests of the simulator's HTTP + WebSocket layer and of the fault set (sim-http, issue 3).
set(SIM_HTTP_TEST_LIBS cv_simulator Qt6::Network Qt6::WebSockets)
comfyvideo_add_test(tst_httpserver SOURCES tst_httpserver.cpp httptestclient.h
                    LIBS ${SIM_HTTP_TEST_LIBS})
comfyvideo_add_test(tst_httpfiles SOURCES tst_httpfiles.cpp httptestclient.h
                    LIBS ${SIM_HTTP_TEST_LIBS} TIMEOUT 180)
comfyvideo_add_test(tst_httpmultipart SOURCES tst_httpmultipart.cpp LIBS ${SIM_HTTP_TEST_LIBS})
comfyvideo_add_test(tst_httpparsing SOURCES tst_httpparsing.cpp LIBS ${SIM_HTTP_TEST_LIBS})
comfyvideo_add_test(tst_faults SOURCES tst_faults.cpp httptestclient.h LIBS ${SIM_HTTP_TEST_LIBS})
comfyvideo_add_test(tst_httprobustness SOURCES tst_httprobustness.cpp httptestclient.h
                    LIBS ${SIM_HTTP_TEST_LIBS})
