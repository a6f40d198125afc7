// videoio module: capture from cameras and files, write video files.
#include "shim.h"
#include <opencv2/videoio.hpp>

MT_API int mt_capture_open_camera(int index, int api, cv::VideoCapture** out, int* opened) {
    MT_TRY
    auto* cap = new cv::VideoCapture();
    try {
        *opened = cap->open(index, api) ? 1 : 0;
    } catch (...) {
        delete cap;
        throw;
    }
    *out = cap;
    MT_CATCH
}

MT_API int mt_capture_open_file(const char* path, int api, cv::VideoCapture** out, int* opened) {
    MT_TRY
    auto* cap = new cv::VideoCapture();
    try {
        *opened = cap->open(path, api) ? 1 : 0;
    } catch (...) {
        delete cap;
        throw;
    }
    *out = cap;
    MT_CATCH
}

MT_API void mt_capture_delete(cv::VideoCapture* cap) { delete cap; }

MT_API int mt_capture_read(cv::VideoCapture* cap, cv::Mat* frame, int* ok) { MT_TRY *ok = cap->read(*frame) ? 1 : 0; MT_CATCH }

MT_API int mt_capture_get(const cv::VideoCapture* cap, int prop, double* value) { MT_TRY *value = cap->get(prop); MT_CATCH }

MT_API int mt_capture_set(cv::VideoCapture* cap, int prop, double value, int* ok) {
    MT_TRY *ok = cap->set(prop, value) ? 1 : 0; MT_CATCH
}

MT_API int mt_writer_open(const char* path, const char* fourcc, double fps, int width, int height, int is_color,
                          cv::VideoWriter** out, int* opened) {
    MT_TRY
    auto* w = new cv::VideoWriter();
    try {
        const int code = cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
        *opened = w->open(path, code, fps, cv::Size(width, height), is_color != 0) ? 1 : 0;
    } catch (...) {
        delete w;
        throw;
    }
    *out = w;
    MT_CATCH
}

MT_API int mt_writer_write(cv::VideoWriter* w, const cv::Mat* frame) { MT_TRY w->write(*frame); MT_CATCH }

// Deleting releases the writer, which finishes the file.
MT_API void mt_writer_delete(cv::VideoWriter* w) { delete w; }
