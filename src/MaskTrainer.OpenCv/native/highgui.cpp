// highgui module: windows. The managed side checks for a display first: without one, Qt would
// abort the whole process at the first window.
#include "shim.h"
#include <opencv2/highgui.hpp>

// What the GUI backend will see: the process environment as C code reads it (getenv). .NET's
// Environment.SetEnvironmentVariable does not reach it on Unix, so the check lives here.
MT_API int mt_has_display(int* out) {
    MT_TRY
#if defined(__linux__)
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    *out = ((x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0')) ? 1 : 0;
#else
    *out = 1;
#endif
    MT_CATCH
}

MT_API int mt_named_window(const char* name) { MT_TRY cv::namedWindow(name); MT_CATCH }

MT_API int mt_imshow(const char* window, const cv::Mat* img) { MT_TRY cv::imshow(window, *img); MT_CATCH }

MT_API int mt_wait_key(int delay, int* key) { MT_TRY *key = cv::waitKey(delay); MT_CATCH }

// A window the user closed no longer exists, and asking Qt about it throws ("NULL
// guiReceiver"): for this yes/no question that simply means "not visible".
MT_API int mt_window_visible(const char* name, int* visible) {
    MT_TRY
    try {
        *visible = cv::getWindowProperty(name, cv::WND_PROP_VISIBLE) > 0 ? 1 : 0;
    } catch (const cv::Exception&) {
        *visible = 0;
    }
    MT_CATCH
}

MT_API int mt_destroy_window(const char* name) { MT_TRY cv::destroyWindow(name); MT_CATCH }

MT_API int mt_destroy_all_windows() { MT_TRY cv::destroyAllWindows(); MT_CATCH }
