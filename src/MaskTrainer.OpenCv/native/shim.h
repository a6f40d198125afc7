// Shared helpers for the C shim: every export returns an int status (0 = ok) and never lets a
// C++ exception cross the C boundary; the message and code of the last error are kept per
// thread so the managed side can turn them into a typed exception right after the call.
#pragma once
#include <opencv2/core.hpp>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(_WIN32)
#define MT_API extern "C" __declspec(dllexport)
#else
#define MT_API extern "C" __attribute__((visibility("default")))
#endif

// Status codes returned by every export; the managed side maps them to exceptions.
#define MT_OK 0
#define MT_CV_ERROR -1       // cv::Exception; mt_last_error_code holds cv::Error::Code
#define MT_STD_ERROR -2      // std::exception (bad_alloc, ...)
#define MT_UNKNOWN_ERROR -3  // anything else

namespace mt {
void set_error(const std::string& message, int code);
void set_cv_error(const cv::Exception& e);

// Copies a string into a malloc'd buffer that the caller frees with mt_free.
char* dup_string(const std::string& s);

// Copies a vector into a malloc'd buffer (nullptr when empty) that the caller frees with mt_free.
template <typename T>
T* dup_array(const std::vector<T>& v) {
    if (v.empty()) return nullptr;
    T* p = static_cast<T*>(std::malloc(v.size() * sizeof(T)));
    if (p == nullptr) throw std::bad_alloc();
    std::memcpy(p, v.data(), v.size() * sizeof(T));
    return p;
}

// Strings handed back as one malloc'd block: "a\0b\0c\0"; the count is returned separately.
char* join_strings(const std::vector<std::string>& names);
}  // namespace mt

// Wraps a body so that any exception becomes an error code and a thread-local message.
#define MT_TRY try {
#define MT_CATCH                                                                       \
    return MT_OK;                                                                      \
    }                                                                                  \
    catch (const cv::Exception& e) { mt::set_cv_error(e); return MT_CV_ERROR; }        \
    catch (const std::exception& e) { mt::set_error(e.what(), 0); return MT_STD_ERROR; } \
    catch (...) { mt::set_error("unknown native error", 0); return MT_UNKNOWN_ERROR; }
