# The parameters form and the reference image zone (issue 6).
comfyvideo_add_test(tst_paramsform SOURCES tst_paramsform.cpp params_formtesting.h params_images.h params_images.cpp
    LIBS cv_ui_params Qt6::Widgets)
comfyvideo_add_test(tst_referenceimagezone
    SOURCES tst_referenceimagezone.cpp params_images.h params_images.cpp
    LIBS cv_ui_params Qt6::Widgets)
