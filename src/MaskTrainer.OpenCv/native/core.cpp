// core module: errors, version, threads, memory, Mat lifetime and access.
#include "shim.h"

namespace mt {
thread_local std::string last_error;
thread_local int last_error_code = 0;

void set_error(const std::string& message, int code) {
    last_error = message;
    last_error_code = code;
}

// what() reads "OpenCV(4.6.0) /build/path/file.cpp:123: error: (-215:Assertion failed) cond in
// function 'f'\n"; keep the part after "error: " on one line, which names the check and function.
void set_cv_error(const cv::Exception& e) {
    std::string text = e.what();
    const auto at = text.find("error: ");
    if (at != std::string::npos) text = text.substr(at + 7);
    for (auto& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    set_error(text, e.code);
}

char* dup_string(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (p == nullptr) throw std::bad_alloc();
    std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

char* join_strings(const std::vector<std::string>& names) {
    size_t total = 0;
    for (const auto& n : names) total += n.size() + 1;
    char* p = static_cast<char*>(std::malloc(total == 0 ? 1 : total));
    if (p == nullptr) throw std::bad_alloc();
    char* w = p;
    for (const auto& n : names) {
        std::memcpy(w, n.c_str(), n.size() + 1);
        w += n.size() + 1;
    }
    return p;
}
}  // namespace mt

MT_API const char* mt_last_error() { return mt::last_error.c_str(); }

MT_API int mt_last_error_code() { return mt::last_error_code; }

MT_API const char* mt_version() { return CV_VERSION; }

MT_API void mt_free(void* p) { std::free(p); }

MT_API int mt_set_num_threads(int n) { MT_TRY cv::setNumThreads(n); MT_CATCH }

MT_API int mt_get_num_threads(int* out) { MT_TRY *out = cv::getNumThreads(); MT_CATCH }

// ---- Mat lifetime -------------------------------------------------------------------------

MT_API int mt_mat_new(cv::Mat** out) { MT_TRY *out = new cv::Mat(); MT_CATCH }

MT_API int mt_mat_new_filled(int rows, int cols, int type, double v0, double v1, double v2, double v3,
                             cv::Mat** out) {
    MT_TRY
    *out = new cv::Mat(rows, cols, type, cv::Scalar(v0, v1, v2, v3));
    MT_CATCH
}

// Copies `data` (continuous, exactly the size implied by dims/sizes/type) into a new Mat.
MT_API int mt_mat_new_copy(int dims, const int* sizes, int type, const void* data, cv::Mat** out) {
    MT_TRY
    cv::Mat view(dims, sizes, type, const_cast<void*>(data));
    *out = new cv::Mat(view.clone());
    MT_CATCH
}

MT_API void mt_mat_delete(cv::Mat* m) { delete m; }

// ---- Mat properties -----------------------------------------------------------------------

MT_API int mt_mat_info(const cv::Mat* m, int* rows, int* cols, int* type, int* dims, int* continuous,
                       int64_t* total) {
    MT_TRY
    *rows = m->rows;
    *cols = m->cols;
    *type = m->type();
    *dims = m->dims;
    *continuous = m->isContinuous() ? 1 : 0;
    *total = static_cast<int64_t>(m->total());
    MT_CATCH
}

// Writes up to `capacity` sizes; `dims` receives the real count.
MT_API int mt_mat_shape(const cv::Mat* m, int* sizes, int capacity, int* dims) {
    MT_TRY
    *dims = m->dims;
    for (int i = 0; i < m->dims && i < capacity; i++) sizes[i] = m->size[i];
    MT_CATCH
}

MT_API int mt_mat_data(cv::Mat* m, void** data, int64_t* bytes) {
    MT_TRY
    *data = m->data;
    *bytes = static_cast<int64_t>(m->total() * m->elemSize());
    MT_CATCH
}

// ---- Mat operations -----------------------------------------------------------------------

MT_API int mt_mat_clone(const cv::Mat* m, cv::Mat** out) { MT_TRY *out = new cv::Mat(m->clone()); MT_CATCH }

MT_API int mt_mat_crop(const cv::Mat* m, int x, int y, int width, int height, cv::Mat** out) {
    MT_TRY
    *out = new cv::Mat((*m)(cv::Rect(x, y, width, height)).clone());
    MT_CATCH
}

MT_API int mt_mat_copy_to(const cv::Mat* src, cv::Mat* dst) { MT_TRY src->copyTo(*dst); MT_CATCH }

MT_API int mt_mat_convert_to(const cv::Mat* src, cv::Mat* dst, int type, double alpha, double beta) {
    MT_TRY
    // convertTo keeps the channel count and takes only the depth: convert channels explicitly
    // so that asking for a type with another channel count fails loudly instead of silently.
    CV_Assert(CV_MAT_CN(type) == src->channels());
    src->convertTo(*dst, type, alpha, beta);
    MT_CATCH
}

MT_API int mt_mat_set_to(cv::Mat* m, double v0, double v1, double v2, double v3) {
    MT_TRY m->setTo(cv::Scalar(v0, v1, v2, v3)); MT_CATCH
}
