using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// A seeded reservoir sample of pairs for the contact sheet, kept as small tiles so a run over
/// thousands of faces holds only <c>capacity</c> thumbnails in memory.
/// </summary>
internal sealed class SheetSample : IDisposable
{
    private readonly int capacity;
    private readonly int tile;
    private readonly Random rng;
    private readonly List<(int Order, Mat Without, Mat With)> kept = [];
    private int offered;

    public SheetSample(int capacity, int tile, int seed)
    {
        this.capacity = Math.Max(0, capacity);
        this.tile = Math.Max(8, tile);
        rng = new Random(seed);
    }

    public int Count => kept.Count;

    public void Offer(Mat without, Mat with)
    {
        int order = offered++;
        if (capacity == 0)
        {
            return;
        }

        int slot = kept.Count < capacity ? kept.Count : rng.Next(order + 1);
        if (slot >= capacity)
        {
            return;
        }

        var entry = (order, without.Resize(new Size(tile, tile), interpolation: InterpolationFlags.Area), with.Resize(new Size(tile, tile), interpolation: InterpolationFlags.Area));
        if (slot == kept.Count)
        {
            kept.Add(entry);
        }
        else
        {
            kept[slot].Without.Dispose();
            kept[slot].With.Dispose();
            kept[slot] = entry;
        }
    }

    /// <summary>The sheet, pairs in the order they were offered.</summary>
    public Mat Build(string title, ContactSheetOptions options)
    {
        var ordered = kept.OrderBy(k => k.Order).Select(k => (k.Without, k.With)).ToList();
        return ContactSheet.Build(ordered, title, options);
    }

    public void Dispose()
    {
        foreach (var (_, without, with) in kept)
        {
            without.Dispose();
            with.Dispose();
        }

        kept.Clear();
    }
}
