# The video preview panel: plays with the FFmpeg backend of QtMultimedia (no GStreamer plugins).
comfyvideo_add_test(tst_previewpanel
    SOURCES tst_previewpanel.cpp
    LIBS cv_ui_preview cv_media Qt6::Widgets Qt6::Multimedia Qt6::MultimediaWidgets
    ENV QT_MEDIA_BACKEND=ffmpeg
    TIMEOUT 120)
