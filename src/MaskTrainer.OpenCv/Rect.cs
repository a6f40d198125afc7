namespace MaskTrainer.OpenCv;

/// <summary>An axis-aligned box (cv::Rect): left/top corner plus size; Right and Bottom are exclusive.</summary>
public readonly record struct Rect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public int Area => Width * Height;

    public Size Size => new(Width, Height);

    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>Builds a box from its edges (right and bottom exclusive).</summary>
    public static Rect FromLTRB(int left, int top, int right, int bottom) => new(left, top, right - left, bottom - top);

    /// <summary>The overlap of two boxes, or an empty box (all zero) when they do not overlap.</summary>
    public Rect Intersect(Rect other)
    {
        var left = Math.Max(X, other.X);
        var top = Math.Max(Y, other.Y);
        var right = Math.Min(Right, other.Right);
        var bottom = Math.Min(Bottom, other.Bottom);
        return right > left && bottom > top ? FromLTRB(left, top, right, bottom) : default;
    }

    /// <summary>True when <paramref name="other"/> lies entirely inside this box.</summary>
    public bool Contains(Rect other) =>
        other.X >= X && other.Y >= Y && other.Right <= Right && other.Bottom <= Bottom;

    public override string ToString() => $"({X},{Y} {Width}x{Height})";
}
