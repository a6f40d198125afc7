using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// A photo prepared for face detection as training and the mask synthesizer search it: shrunk
/// to at most <see cref="DefaultMaxSide"/> on its longest side (a phone's 12 MP photo), then
/// padded with a replicated border (dataset photos are often tight crops, and detectors miss
/// faces that touch the edge). What is found in <see cref="Image"/> maps back to the photo's own
/// pixels with <see cref="ToPhoto(Rect)"/>, where faces are cut at full resolution.
/// </summary>
public sealed class PaddedSearch : IDisposable
{
    /// <summary>
    /// The longest side a photo is searched at (2048 px). Every detector sees the image at
    /// 256-640 px anyway, while padding a 12 MP photo whole copied 90 MB and took a second here.
    /// </summary>
    public const int DefaultMaxSide = 2048;

    private readonly Mat? _shrunk;
    private readonly Mat? _padded;
    private readonly double _scale;

    private PaddedSearch(Mat image, float padding, int maxSide)
    {
        _scale = Math.Min(1.0, (double)maxSide / Math.Max(image.Cols, image.Rows));
        _shrunk = _scale < 1
            ? image.Resize(new Size(Math.Max(1, (int)Math.Round(image.Cols * _scale)), Math.Max(1, (int)Math.Round(image.Rows * _scale))), 0, 0, InterpolationFlags.Area)
            : null;
        var searched = _shrunk ?? image;
        PadX = (int)Math.Round(searched.Cols * padding);
        PadY = (int)Math.Round(searched.Rows * padding);
        Photo = new Rect(PadX, PadY, searched.Cols, searched.Rows);
        if (PadX > 0 || PadY > 0)
        {
            _padded = new Mat();
            Cv2.CopyMakeBorder(searched, _padded, PadY, PadY, PadX, PadX, BorderTypes.Replicate);
        }

        Image = _padded ?? searched;
    }

    /// <summary>Prepares <paramref name="image"/> (not copied when it needs neither shrinking nor padding).</summary>
    /// <param name="image">The photo, 8-bit BGR.</param>
    /// <param name="padding">Border per side, as a fraction of the (shrunk) photo's size.</param>
    /// <param name="maxSide">Longest side searched; larger photos are shrunk to it.</param>
    public static PaddedSearch For(Mat image, float padding, int maxSide = DefaultMaxSide)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 64);
        return new PaddedSearch(image, padding, maxSide);
    }

    /// <summary>What the detector is given.</summary>
    public Mat Image { get; }

    /// <summary>The border's width on the left and right, in <see cref="Image"/>'s pixels.</summary>
    public int PadX { get; }

    /// <summary>The border's height at the top and bottom, in <see cref="Image"/>'s pixels.</summary>
    public int PadY { get; }

    /// <summary>Where the photo lies in <see cref="Image"/>.</summary>
    public Rect Photo { get; }

    /// <summary>A box in <see cref="Image"/> in the photo's own pixels (it may reach past the photo); scale 1 when not shrunk.</summary>
    public Rect ToPhoto(Rect box)
    {
        int x = (int)Math.Round((box.X - PadX) / _scale), y = (int)Math.Round((box.Y - PadY) / _scale);
        return new Rect(x, y, (int)Math.Round((box.Right - PadX) / _scale) - x, (int)Math.Round((box.Bottom - PadY) / _scale) - y);
    }

    /// <summary>A point in <see cref="Image"/> in the photo's own pixels.</summary>
    public Point2f ToPhoto(Point2f point) => new((float)((point.X - PadX) / _scale), (float)((point.Y - PadY) / _scale));

    public void Dispose()
    {
        _padded?.Dispose();
        _shrunk?.Dispose();
    }
}
