// imgproc module: geometric transforms, colour conversion, drawing.
#include "shim.h"
#include <opencv2/imgproc.hpp>

MT_API int mt_resize(const cv::Mat* src, cv::Mat* dst, int width, int height, int interpolation) {
    MT_TRY cv::resize(*src, *dst, cv::Size(width, height), 0, 0, interpolation); MT_CATCH
}

MT_API int mt_flip(const cv::Mat* src, cv::Mat* dst, int code) { MT_TRY cv::flip(*src, *dst, code); MT_CATCH }

MT_API int mt_warp_affine(const cv::Mat* src, cv::Mat* dst, const double* m6, int width, int height,
                          int interpolation, int border, double v0, double v1, double v2, double v3) {
    MT_TRY
    const cv::Mat m(2, 3, CV_64F, const_cast<double*>(m6));
    cv::warpAffine(*src, *dst, m, cv::Size(width, height), interpolation, border, cv::Scalar(v0, v1, v2, v3));
    MT_CATCH
}

MT_API int mt_get_rotation_matrix_2d(float cx, float cy, double angle, double scale, double* out6) {
    MT_TRY
    const cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(cx, cy), angle, scale);
    for (int i = 0; i < 6; i++) out6[i] = m.at<double>(i / 3, i % 3);
    MT_CATCH
}

MT_API int mt_cvt_color(const cv::Mat* src, cv::Mat* dst, int code) { MT_TRY cv::cvtColor(*src, *dst, code); MT_CATCH }

MT_API int mt_copy_make_border(const cv::Mat* src, cv::Mat* dst, int top, int bottom, int left, int right,
                               int border, double v0, double v1, double v2, double v3) {
    MT_TRY
    cv::copyMakeBorder(*src, *dst, top, bottom, left, right, border, cv::Scalar(v0, v1, v2, v3));
    MT_CATCH
}

MT_API int mt_rectangle(cv::Mat* img, int x, int y, int width, int height, double v0, double v1, double v2,
                        double v3, int thickness, int line_type) {
    MT_TRY
    cv::rectangle(*img, cv::Rect(x, y, width, height), cv::Scalar(v0, v1, v2, v3), thickness, line_type);
    MT_CATCH
}

// A filled box blended over the image: out = alpha * color + (1 - alpha) * image, clipped to the
// image. Used for label backgrounds that keep the picture visible underneath.
MT_API int mt_filled_rectangle(cv::Mat* img, int x, int y, int width, int height, double v0, double v1,
                               double v2, double v3, double alpha) {
    MT_TRY
    const cv::Rect box = cv::Rect(x, y, width, height) & cv::Rect(0, 0, img->cols, img->rows);
    if (box.area() > 0) {
        cv::Mat roi = (*img)(box);
        cv::Mat color(roi.size(), roi.type(), cv::Scalar(v0, v1, v2, v3));
        cv::addWeighted(color, alpha, roi, 1.0 - alpha, 0.0, roi);
    }
    MT_CATCH
}

MT_API int mt_put_text(cv::Mat* img, const char* text, int x, int y, int font, double scale, double v0,
                       double v1, double v2, double v3, int thickness, int line_type) {
    MT_TRY
    cv::putText(*img, text, cv::Point(x, y), font, scale, cv::Scalar(v0, v1, v2, v3), thickness, line_type);
    MT_CATCH
}

MT_API int mt_get_text_size(const char* text, int font, double scale, int thickness, int* width, int* height,
                            int* baseline) {
    MT_TRY
    const cv::Size s = cv::getTextSize(text, font, scale, thickness, baseline);
    *width = s.width;
    *height = s.height;
    MT_CATCH
}

MT_API int mt_circle(cv::Mat* img, int x, int y, int radius, double v0, double v1, double v2, double v3,
                     int thickness, int line_type) {
    MT_TRY
    cv::circle(*img, cv::Point(x, y), radius, cv::Scalar(v0, v1, v2, v3), thickness, line_type);
    MT_CATCH
}

MT_API int mt_line(cv::Mat* img, int x1, int y1, int x2, int y2, double v0, double v1, double v2, double v3,
                   int thickness, int line_type) {
    MT_TRY
    cv::line(*img, cv::Point(x1, y1), cv::Point(x2, y2), cv::Scalar(v0, v1, v2, v3), thickness, line_type);
    MT_CATCH
}

// points: count (x, y) int pairs, one polygon.
MT_API int mt_fill_poly(cv::Mat* img, const int* points, int count, double v0, double v1, double v2, double v3,
                        int line_type) {
    MT_TRY
    std::vector<cv::Point> poly(count);
    for (int i = 0; i < count; i++) poly[i] = cv::Point(points[2 * i], points[2 * i + 1]);
    cv::fillPoly(*img, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(v0, v1, v2, v3), line_type);
    MT_CATCH
}

MT_API int mt_add_weighted(const cv::Mat* a, double alpha, const cv::Mat* b, double beta, double gamma,
                           cv::Mat* dst) {
    MT_TRY cv::addWeighted(*a, alpha, *b, beta, gamma, *dst); MT_CATCH
}

MT_API int mt_gaussian_blur(const cv::Mat* src, cv::Mat* dst, int kw, int kh, double sigma) {
    MT_TRY cv::GaussianBlur(*src, *dst, cv::Size(kw, kh), sigma); MT_CATCH
}
