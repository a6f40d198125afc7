using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// One picture of face pairs, bare face left and masked face right, with a title bar: the
/// quickest way for a person to judge whether synthetic masks look like masks.
/// </summary>
public static class ContactSheet
{
    private const int TitleHeight = 30;

    /// <summary>
    /// Lays out <paramref name="pairs"/> (BGR images of any size, shown as square tiles) under
    /// <paramref name="title"/> (ASCII). Throws <see cref="ArgumentException"/> when there are no pairs.
    /// </summary>
    public static Mat Build(IReadOnlyList<(Mat Without, Mat With)> pairs, string title, ContactSheetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        options ??= new ContactSheetOptions();
        if (pairs.Count == 0)
        {
            throw new ArgumentException("a contact sheet needs at least one pair", nameof(pairs));
        }

        if (options.TileSize < 8 || options.PairsPerRow < 1 || options.Gap < 0)
        {
            throw new ArgumentException("contact sheet: TileSize must be at least 8, PairsPerRow at least 1, Gap not negative", nameof(options));
        }

        int tile = options.TileSize;
        int columns = Math.Min(options.PairsPerRow, pairs.Count);
        int rows = (pairs.Count + columns - 1) / columns;
        int width = options.Gap + (columns * ((2 * tile) + options.Gap));
        int height = TitleHeight + options.Gap + (rows * (tile + options.Gap));
        var sheet = new Mat(height, width, MatType.CV_8UC3, new Scalar(40, 40, 40));
        try
        {
            Cv2.PutText(sheet, title, new Point(options.Gap, TitleHeight - 10), HersheyFonts.HersheySimplex, 0.55, new Scalar(235, 235, 235));
            using var scaled = new Mat();
            for (int i = 0; i < pairs.Count; i++)
            {
                int x = options.Gap + ((i % columns) * ((2 * tile) + options.Gap));
                int y = TitleHeight + options.Gap + ((i / columns) * (tile + options.Gap));
                Paste(sheet, pairs[i].Without, scaled, x, y, tile);
                Paste(sheet, pairs[i].With, scaled, x + tile, y, tile);
            }

            return sheet;
        }
        catch
        {
            sheet.Dispose();
            throw;
        }
    }

    private static void Paste(Mat sheet, Mat image, Mat scaled, int x, int y, int tile)
    {
        if (image.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"contact sheet tiles must be 8-bit BGR, got {image.Type()}");
        }

        Cv2.Resize(image, scaled, new Size(tile, tile), interpolation: InterpolationFlags.Area);
        var source = scaled.GetBytes();
        var target = sheet.GetBytes();
        int rowBytes = tile * 3;
        int stride = sheet.Cols * 3;
        for (int r = 0; r < tile; r++)
        {
            source.Slice(r * rowBytes, rowBytes).CopyTo(target.Slice(((y + r) * stride) + (x * 3), rowBytes));
        }
    }
}
