using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>Small conveniences OpenCvSharp's value types lack, named as our code reads best.</summary>
public static class OpenCvExtensions
{
    extension(Rect rect)
    {
        /// <summary>True when the rectangle has no area (zero or negative width or height).</summary>
        public bool IsEmpty => rect.Width <= 0 || rect.Height <= 0;

        /// <summary>Width × height.</summary>
        public int Area => rect.Width * rect.Height;

        /// <summary>"(x,y wxh)", short enough for a one-line message (the record's ToString lists every property).</summary>
        public string Describe() => $"({rect.X},{rect.Y} {rect.Width}x{rect.Height})";
    }

    extension(Size size)
    {
        /// <summary>Width × height, in pixels.</summary>
        public long Area => (long)size.Width * size.Height;
    }

    extension(Mat mat)
    {
        /// <summary>True when the Mat has no elements (OpenCvSharp's <c>Empty()</c>).</summary>
        public bool IsEmpty => mat.Empty();

        /// <summary>
        /// "1-channel CV_8UC1 500x375", for one-line messages: OpenCvSharp's <c>ToString</c> lists
        /// the native pointers. Not for a disposed Mat (see <see cref="ImageArgument.ThrowIfNullOrDisposed"/>).
        /// </summary>
        public string Describe() => $"{mat.Channels()}-channel {mat.Type()} {mat.Cols}x{mat.Rows}";
    }
}
