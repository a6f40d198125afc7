// objdetect module: Haar/LBP cascade classifiers.
#include "shim.h"
#include <opencv2/objdetect.hpp>

MT_API int mt_cascade_load(const char* path, cv::CascadeClassifier** out, int* loaded) {
    MT_TRY
    auto* c = new cv::CascadeClassifier();
    try {
        *loaded = c->load(path) ? 1 : 0;
    } catch (...) {
        delete c;
        throw;
    }
    *out = c;
    MT_CATCH
}

MT_API void mt_cascade_delete(cv::CascadeClassifier* c) { delete c; }

// Rects as a malloc'd block of (x, y, w, h) int quads (free with mt_free).
MT_API int mt_cascade_detect_multi_scale(cv::CascadeClassifier* c, const cv::Mat* image, double scale_factor,
                                         int min_neighbors, int min_w, int min_h, int max_w, int max_h,
                                         int** rects, int* count) {
    MT_TRY
    std::vector<cv::Rect> found;
    c->detectMultiScale(*image, found, scale_factor, min_neighbors, 0, cv::Size(min_w, min_h), cv::Size(max_w, max_h));
    std::vector<int> flat;
    flat.reserve(found.size() * 4);
    for (const auto& r : found) {
        flat.push_back(r.x);
        flat.push_back(r.y);
        flat.push_back(r.width);
        flat.push_back(r.height);
    }
    *rects = mt::dup_array(flat);
    *count = static_cast<int>(found.size());
    MT_CATCH
}
