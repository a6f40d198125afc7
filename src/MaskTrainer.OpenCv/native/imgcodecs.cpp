// imgcodecs module: decode from memory and encode to memory. Reading and writing files, and the
// size check before decoding, happen on the managed side.
#include "shim.h"
#include <opencv2/imgcodecs.hpp>

// Decodes into *dst; an image OpenCV cannot decode leaves *dst empty (status is still 0).
MT_API int mt_imdecode(const uint8_t* data, int64_t length, int flags, cv::Mat* dst) {
    MT_TRY
    const cv::Mat buffer(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
    cv::imdecode(buffer, flags, dst);
    MT_CATCH
}

// Encodes into a malloc'd buffer (free with mt_free). params are OpenCV (flag, value) pairs.
MT_API int mt_imencode(const char* ext, const cv::Mat* img, const int* params, int param_count,
                       uint8_t** out, int64_t* length) {
    MT_TRY
    std::vector<int> p(params, params + param_count);
    std::vector<uchar> buf;
    if (!cv::imencode(ext, *img, buf, p)) CV_Error(cv::Error::StsError, std::string("encoder failed for ") + ext);
    *out = mt::dup_array(buf);
    *length = static_cast<int64_t>(buf.size());
    MT_CATCH
}
