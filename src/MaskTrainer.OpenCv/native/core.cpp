// core module: errors, version, threads, Mat lifetime and access.
#include "shim.h"

namespace mt {
thread_local std::string last_error;
void set_error(const std::string& message) { last_error = message; }
}

MT_API const char* mt_last_error() { return mt::last_error.c_str(); }

MT_API const char* mt_version() { return CV_VERSION; }

MT_API int mt_set_num_threads(int n) { MT_TRY cv::setNumThreads(n); MT_CATCH }
