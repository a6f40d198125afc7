using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// The one face-crop function of MaskTrainer. Public datasets frame masked and bare faces
/// differently (masked: photos with background; bare: tight crops), so a head trained on
/// whole images learns the framing instead of the mask. Training, evaluation and the detector
/// all pass faces through here, so the head always sees the same margin and aspect.
/// </summary>
public static class FaceCropper
{
    /// <summary>
    /// The region to cut for a face box: the box grown by <see cref="FaceCropOptions.Margin"/>
    /// on each side and, when <see cref="FaceCropOptions.Square"/>, made square around its
    /// centre. May extend past the image; <see cref="Crop(Mat, Rect, FaceCropOptions)"/> fills the outside by replicating
    /// the border, so a face at the edge keeps the same framing instead of being shifted.
    /// </summary>
    public static Rect Region(Rect face, FaceCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        double w = face.Width * (1 + 2 * options.Margin);
        double h = face.Height * (1 + 2 * options.Margin);
        if (options.Square)
        {
            w = h = Math.Max(w, h);
        }

        double cx = face.X + face.Width / 2.0;
        double cy = face.Y + face.Height / 2.0;
        int width = Math.Max(1, (int)Math.Round(w));
        int height = Math.Max(1, (int)Math.Round(h));
        return new Rect((int)Math.Round(cx - width / 2.0), (int)Math.Round(cy - height / 2.0), width, height);
    }

    /// <summary>Cuts the face region (see <see cref="Region"/>) out of a BGR image as a new Mat.</summary>
    public static Mat Crop(Mat image, Rect face, FaceCropOptions options)
    {
        var crop = new Mat();
        try
        {
            Crop(image, face, options, crop);
            return crop;
        }
        catch
        {
            crop.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Crop(Mat, Rect, FaceCropOptions)"/> into <paramref name="destination"/>, whose
    /// buffer is reused when it already has the crop's size (a frame loop's per-face scratch).
    /// </summary>
    public static void Crop(Mat image, Rect face, FaceCropOptions options, Mat destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(destination);
        CropRegion(image, face, options, destination);
        if (options.BlankMargin)
        {
            var region = Region(face, options);
            Blank(destination, new Rect(face.X - region.X, face.Y - region.Y, face.Width, face.Height));
        }
    }

    /// <summary>Sets every pixel of a BGR crop outside <paramref name="keep"/> to mid-grey.</summary>
    private static void Blank(Mat crop, Rect keep)
    {
        var bytes = crop.GetBytes();
        int cols = crop.Cols, rows = crop.Rows;
        int x0 = Math.Clamp(keep.X, 0, cols), x1 = Math.Clamp(keep.Right, 0, cols);
        int y0 = Math.Clamp(keep.Y, 0, rows), y1 = Math.Clamp(keep.Bottom, 0, rows);
        for (int y = 0; y < rows; y++)
        {
            var row = bytes.Slice(y * cols * 3, cols * 3);
            if (y < y0 || y >= y1 || x1 <= x0)
            {
                row.Fill(128);
                continue;
            }

            row[..(x0 * 3)].Fill(128);
            row[(x1 * 3)..].Fill(128);
        }
    }

    private static void CropRegion(Mat image, Rect face, FaceCropOptions options, Mat destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var region = Region(face, options);
        var bounds = new Rect(0, 0, image.Cols, image.Rows);
        var inside = region.Intersect(bounds);
        if (inside.Width <= 0 || inside.Height <= 0)
        {
            throw new ArgumentException($"face box {face.Describe()} lies outside the {image.Cols}x{image.Rows} image", nameof(face));
        }

        using var part = new Mat(image, inside); // a view: copied once, into the destination
        if (inside == region)
        {
            part.CopyTo(destination);
            return;
        }

        Cv2.CopyMakeBorder(part, destination,
            top: inside.Y - region.Y,
            bottom: region.Bottom - inside.Bottom,
            left: inside.X - region.X,
            right: region.Right - inside.Right,
            BorderTypes.Replicate);
    }
}
