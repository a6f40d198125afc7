// dnn module: loading networks, blobs, forward passes, NMS.
#include "shim.h"
#include <opencv2/dnn.hpp>

using cv::dnn::Net;

namespace {
Net* wrap(Net net) {
    if (net.empty()) CV_Error(cv::Error::StsError, "the model loaded as an empty network");
    return new Net(std::move(net));
}

std::vector<cv::Mat> headers(cv::Mat* const* mats, int count) {
    std::vector<cv::Mat> v;
    v.reserve(count);
    for (int i = 0; i < count; i++) v.push_back(*mats[i]);
    return v;
}
}  // namespace

MT_API int mt_net_read_onnx(const char* path, Net** out) { MT_TRY *out = wrap(cv::dnn::readNetFromONNX(path)); MT_CATCH }

MT_API int mt_net_read_onnx_buffer(const char* data, int64_t length, Net** out) {
    MT_TRY *out = wrap(cv::dnn::readNetFromONNX(data, static_cast<size_t>(length))); MT_CATCH
}

MT_API int mt_net_read_caffe(const char* prototxt, const char* model, Net** out) {
    MT_TRY *out = wrap(cv::dnn::readNetFromCaffe(prototxt, model)); MT_CATCH
}

MT_API int mt_net_read_tensorflow(const char* model, const char* config, Net** out) {
    MT_TRY *out = wrap(cv::dnn::readNetFromTensorflow(model, config)); MT_CATCH
}

MT_API void mt_net_delete(Net* net) { delete net; }

MT_API int mt_net_empty(const Net* net, int* out) { MT_TRY *out = net->empty() ? 1 : 0; MT_CATCH }

MT_API int mt_net_set_input(Net* net, const cv::Mat* blob, const char* name) { MT_TRY net->setInput(*blob, name); MT_CATCH }

// The Mat returned by Net::forward may alias the network's internal buffers, which the next
// forward overwrites: copy it out. copyTo reuses dst's buffer when shape and type match.
MT_API int mt_net_forward(Net* net, const char* name, cv::Mat* dst) {
    MT_TRY net->forward(name).copyTo(*dst); MT_CATCH
}

// names: a block of count NUL-terminated strings; dsts: count Mats to fill.
MT_API int mt_net_forward_many(Net* net, const char* const* names, int count, cv::Mat* const* dsts) {
    MT_TRY
    std::vector<cv::String> n(names, names + count);
    std::vector<cv::Mat> outs;
    net->forward(outs, n);
    for (int i = 0; i < count; i++) outs[i].copyTo(*dsts[i]);
    MT_CATCH
}

// Names as one malloc'd block of NUL-terminated strings (free with mt_free).
MT_API int mt_net_get_layer_names(const Net* net, char** names, int* count) {
    MT_TRY
    const std::vector<cv::String> v = net->getLayerNames();
    *names = mt::join_strings(std::vector<std::string>(v.begin(), v.end()));
    *count = static_cast<int>(v.size());
    MT_CATCH
}

MT_API int mt_net_get_unconnected_out_layers_names(const Net* net, char** names, int* count) {
    MT_TRY
    const std::vector<cv::String> v = net->getUnconnectedOutLayersNames();
    *names = mt::join_strings(std::vector<std::string>(v.begin(), v.end()));
    *count = static_cast<int>(v.size());
    MT_CATCH
}

// Shape of the first output of `layer` for a given network input shape; writes up to capacity
// values and the real rank into *rank.
MT_API int mt_net_get_output_shape(const Net* net, const char* layer, const int* input_shape, int input_rank,
                                   int* shape, int capacity, int* rank) {
    MT_TRY
    const int id = net->getLayerId(layer);
    if (id < 0) CV_Error(cv::Error::StsObjectNotFound, std::string("no layer named '") + layer + "'");
    std::vector<cv::dnn::MatShape> ins, outs;
    net->getLayerShapes(cv::dnn::MatShape(input_shape, input_shape + input_rank), id, ins, outs);
    if (outs.empty()) CV_Error(cv::Error::StsError, std::string("layer '") + layer + "' has no outputs");
    *rank = static_cast<int>(outs[0].size());
    for (int i = 0; i < *rank && i < capacity; i++) shape[i] = outs[0][i];
    MT_CATCH
}

MT_API int mt_blob_from_image(const cv::Mat* image, cv::Mat* dst, double scale, int width, int height,
                              double m0, double m1, double m2, double m3, int swap_rb, int crop) {
    MT_TRY
    cv::dnn::blobFromImage(*image, *dst, scale, cv::Size(width, height), cv::Scalar(m0, m1, m2, m3), swap_rb != 0,
                           crop != 0, CV_32F);
    MT_CATCH
}

MT_API int mt_blob_from_images(cv::Mat* const* images, int count, cv::Mat* dst, double scale, int width,
                               int height, double m0, double m1, double m2, double m3, int swap_rb, int crop) {
    MT_TRY
    cv::dnn::blobFromImages(headers(images, count), *dst, scale, cv::Size(width, height),
                            cv::Scalar(m0, m1, m2, m3), swap_rb != 0, crop != 0, CV_32F);
    MT_CATCH
}

// boxes: count (x, y, w, h) int quads; indices must hold count ints; *kept receives how many.
MT_API int mt_nms_boxes(const int* boxes, const float* scores, int count, float score_threshold,
                        float nms_threshold, int* indices, int* kept) {
    MT_TRY
    std::vector<cv::Rect> r(count);
    for (int i = 0; i < count; i++) r[i] = cv::Rect(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
    std::vector<float> s(scores, scores + count);
    std::vector<int> keep;
    cv::dnn::NMSBoxes(r, s, score_threshold, nms_threshold, keep);
    for (size_t i = 0; i < keep.size(); i++) indices[i] = keep[i];
    *kept = static_cast<int>(keep.size());
    MT_CATCH
}
