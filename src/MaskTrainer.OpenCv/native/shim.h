// Shared helpers for the C shim: every export returns an int status (0 = ok) and never lets a
// C++ exception cross the C boundary; the message of the last error is kept per thread.
#pragma once
#include <opencv2/core.hpp>
#include <string>

#define MT_API extern "C" __attribute__((visibility("default")))

namespace mt {
void set_error(const std::string& message);
}

// Wraps a body so that any exception becomes an error code and a thread-local message.
#define MT_TRY try {
#define MT_CATCH                                                   \
    return 0;                                                      \
    }                                                              \
    catch (const cv::Exception& e) { mt::set_error(e.what()); return -1; } \
    catch (const std::exception& e) { mt::set_error(e.what()); return -2; } \
    catch (...) { mt::set_error("unknown native error"); return -3; }
