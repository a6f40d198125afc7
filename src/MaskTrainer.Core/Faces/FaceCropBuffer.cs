using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// <see cref="FaceCropper.Crop(Mat, Rect, FaceCropOptions, Mat)"/> for a frame loop: every crop
/// goes into one native buffer that only grows. A crop's size follows its face's, so a Mat reused
/// from face to face was allocated again for almost every face, and each allocation of a crop's
/// size (hundreds of KB) was fresh pages from the system: on 720p video the detect app's
/// classify step spent more time in page faults than in copying (docs/detector.md, Performance).
/// One thread uses a buffer; the crop it returns is valid until the next call or disposal.
/// </summary>
public sealed class FaceCropBuffer : IDisposable
{
    // Grows by this factor past the largest crop so far, so a face coming closer does not
    // reallocate on every frame.
    private const double Headroom = 1.25;

    private Mat _storage = new();
    private Mat? _crop;

    /// <summary>
    /// The face region of <paramref name="image"/> (see <see cref="FaceCropper.Region"/>) cut as
    /// <see cref="FaceCropper.Crop(Mat, Rect, FaceCropOptions)"/> cuts it (which, with
    /// <see cref="FaceCropOptions.BlankMargin"/>, takes BGR): a continuous Mat of the image's type
    /// over this buffer, valid until the next call. Do not dispose it.
    /// </summary>
    public Mat Crop(Mat image, Rect face, FaceCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var region = FaceCropper.Region(face, options);
        var type = image.Type();
        long bytes = (long)region.Width * region.Height * image.ElemSize();
        if (bytes > int.MaxValue)
        {
            throw new ArgumentException($"face box {face.Describe()} needs a {region.Width}x{region.Height} crop, over 2 GB", nameof(face));
        }

        if (_storage.Empty() || _storage.Total() < bytes)
        {
            // The new block first: if it cannot be had, the buffer keeps the old one. The header
            // over the old block goes with it.
            var grown = new Mat(1, (int)Math.Min(int.MaxValue, (long)(bytes * Headroom)), MatType.CV_8UC1);
            _crop?.Dispose();
            _crop = null;
            _storage.Dispose();
            _storage = grown;
        }

        if (_crop is null || _crop.Rows != region.Height || _crop.Cols != region.Width || _crop.Type() != type)
        {
            _crop?.Dispose();
            // A header of exactly the crop's size over the storage: continuous, and OpenCV writes
            // into it without reallocating because its size and type already match.
            _crop = Mat.FromPixelData(region.Height, region.Width, type, _storage.Data);
        }

        FaceCropper.Crop(image, face, options, _crop);
        return _crop;
    }

    public void Dispose()
    {
        _crop?.Dispose();
        _storage.Dispose();
    }
}
