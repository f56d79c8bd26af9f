# catalog tests: node catalog, workflow validation and its Python semantics (issue #2).
comfyvideo_add_test(tst_nodecatalog
    SOURCES tst_nodecatalog.cpp
    LIBS cv_comfy Qt6::Core)
comfyvideo_add_test(tst_workflowvalidator
    SOURCES tst_workflowvalidator.cpp validatortestutil.h
    LIBS cv_comfy Qt6::Core)
comfyvideo_add_test(tst_nodevalidator
    SOURCES tst_nodevalidator.cpp validatortestutil.h
    LIBS cv_comfy Qt6::Core)
comfyvideo_add_test(tst_pyvalue
    SOURCES tst_pyvalue.cpp
    LIBS cv_comfy Qt6::Core)
