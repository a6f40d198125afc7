using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// Fits an image into a square network input without distorting it: scaled to fit, centred,
/// the rest filled with black (constant padding, as the BlazeFace models were used). Keeps its
/// Mats between frames. <see cref="ToImageX"/> and <see cref="ToImageY"/> maps network coordinates back to the image.
/// </summary>
internal sealed class Letterbox : IDisposable
{
    private readonly Mat _resized = new();

    public Letterbox(int size)
    {
        Size = size;
        Square = new Mat(size, size, MatType.CV_8UC3, Scalar.All(0));
    }

    /// <summary>Side of the square, in network pixels.</summary>
    public int Size { get; }

    /// <summary>The last letterboxed frame (BGR, Size x Size).</summary>
    public Mat Square { get; }

    /// <summary>Network pixels per image pixel of the last frame.</summary>
    public float Scale { get; private set; }

    /// <summary>Left padding of the last frame, in network pixels.</summary>
    public int Left { get; private set; }

    /// <summary>Top padding of the last frame, in network pixels.</summary>
    public int Top { get; private set; }

    public void Fill(Mat image)
    {
        int w = image.Cols, h = image.Rows;
        if (w == 0 || h == 0)
        {
            throw new ArgumentException("cannot detect faces in an empty image", nameof(image));
        }

        Scale = (float)Size / Math.Max(w, h);
        int nw = Math.Clamp((int)MathF.Round(w * Scale), 1, Size);
        int nh = Math.Clamp((int)MathF.Round(h * Scale), 1, Size);
        Left = (Size - nw) / 2;
        Top = (Size - nh) / 2;
        Cv2.Resize(image, _resized, new Size(nw, nh), interpolation: InterpolationFlags.Linear);
        Cv2.CopyMakeBorder(_resized, Square, Top, Size - nh - Top, Left, Size - nw - Left, BorderTypes.Constant, new Scalar(0, 0, 0, 0));
    }

    /// <summary>An x given as a fraction of the square's side, in image pixels.</summary>
    public float ToImageX(float normalized) => (normalized * Size - Left) / Scale;

    /// <summary>A y given as a fraction of the square's side, in image pixels.</summary>
    public float ToImageY(float normalized) => (normalized * Size - Top) / Scale;

    public void Dispose()
    {
        _resized.Dispose();
        Square.Dispose();
    }
}
