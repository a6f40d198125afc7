using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>One image file as a one-frame input.</summary>
public sealed class ImageSource : IFrameSource
{
    private Mat? _image;

    /// <exception cref="ImageDecodeException">The file is missing or not a readable image (message names it).</exception>
    public ImageSource(string path)
    {
        _image = ImageCodec.Read(path);
        Name = path;
        Size = _image.Size();
    }

    public string Name { get; }

    public bool IsLive => false;

    public double Fps => 0;

    public Size Size { get; }

    public bool Read(Mat frame, out double timeMs)
    {
        timeMs = 0;
        if (_image is null)
        {
            return false;
        }

        _image.CopyTo(frame);
        _image.Dispose();
        _image = null;
        return true;
    }

    public void Dispose() => _image?.Dispose();
}
