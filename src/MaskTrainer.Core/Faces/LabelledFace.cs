using System.Globalization;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// A hand-labelled face box. <see cref="Ignore"/> marks faces the labeller found too hard
/// (tiny, blurred, cut off): a detection there is neither credited nor counted as false.
/// </summary>
public sealed record LabelledFace(string Image, Rect Box, bool Ignore = false)
{
    /// <summary>
    /// Reads a boxes CSV with the header <c>split,image,left,top,width,height,ignore</c> (as in
    /// faces-dlib/annotations/boxes.csv), grouped by image file name.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<LabelledFace>> LoadCsv(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty file, expected a header split,image,left,top,width,height,ignore");
        }

        var header = lines[0].Trim().Split(',');
        int Column(string name)
        {
            int i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw new InvalidDataException($"{path}: header has no column '{name}' (got {lines[0].Trim()})");
        }

        int image = Column("image"), left = Column("left"), top = Column("top"), width = Column("width"), height = Column("height");
        int ignore = Array.IndexOf(header, "ignore");
        var byImage = new Dictionary<string, List<LabelledFace>>(StringComparer.Ordinal);
        for (int n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var cells = lines[n].Trim().Split(',');
            if (cells.Length < header.Length)
            {
                throw new InvalidDataException($"{path}:{n + 1}: expected {header.Length} columns, got {cells.Length}");
            }

            int Int(int column) => int.TryParse(cells[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                ? v
                : throw new InvalidDataException($"{path}:{n + 1}: '{cells[column]}' in column '{header[column]}' is not an integer");

            var face = new LabelledFace(cells[image], new Rect(Int(left), Int(top), Int(width), Int(height)), ignore >= 0 && cells[ignore] == "1");
            if (!byImage.TryGetValue(face.Image, out var list))
            {
                byImage[face.Image] = list = [];
            }

            list.Add(face);
        }

        return byImage.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<LabelledFace>)kv.Value, StringComparer.Ordinal);
    }
}
