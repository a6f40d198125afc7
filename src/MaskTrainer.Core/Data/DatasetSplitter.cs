using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Data;

/// <summary>
/// Stratified, seeded train / validation / test split of distinct images: identical files (same
/// content hash) carry no new information, so each group of them is used once (one file per class
/// it is labelled with; the other copies are left out, see <see cref="DatasetSplit.LeftOutCopies"/>)
/// and the fractions are met in distinct images. Every class is checked before anything is
/// assigned, so a class too small to split fails fast with one line.
/// </summary>
public static class DatasetSplitter
{
    private const int TrainSplit = 0, ValidationSplit = 1, TestSplit = 2;

    /// <summary>Splits a loaded image folder.</summary>
    /// <exception cref="DatasetException">A class has too few distinct images to put one in each non-empty split.</exception>
    public static DatasetSplit Split(ImageFolderDataset dataset, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Split(dataset.Examples, dataset.Labels, options);
    }

    /// <summary>
    /// Splits examples whose labels are given by <see cref="ImageExample.LabelIndex"/> and
    /// <see cref="ImageExample.Label"/>; every index from 0 to the largest must occur.
    /// </summary>
    public static DatasetSplit Split(IReadOnlyList<ImageExample> examples, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new DatasetException("no images to split");
        }

        int classCount = examples.Max(e => e.LabelIndex) + 1;
        var labels = new string?[classCount];
        foreach (var e in examples)
        {
            if (e.LabelIndex < 0)
            {
                throw new ArgumentException($"'{e.Path}' has a negative label index", nameof(examples));
            }

            labels[e.LabelIndex] ??= e.Label;
        }

        for (int c = 0; c < classCount; c++)
        {
            if (labels[c] is null)
            {
                throw new DatasetException($"class index {c} has no images");
            }
        }

        return Split(examples, labels!, options);
    }

    /// <summary>The files of class <paramref name="c"/> among <paramref name="units"/> (a unit may hold other classes' copies).</summary>
    private static int CountOwn(List<List<int>> units, IReadOnlyList<ImageExample> examples, int c)
    {
        int n = 0;
        foreach (var unit in units)
        {
            foreach (var i in unit)
            {
                n += examples[i].LabelIndex == c ? 1 : 0;
            }
        }

        return n;
    }

    private static DatasetSplit Split(IReadOnlyList<ImageExample> examples, IReadOnlyList<string> labels, SplitOptions? options)
    {
        options ??= SplitOptions.Default;
        options.Validate();

        // A unit is a set of identical files (usually one file). Units, not files, are shuffled,
        // counted and assigned: 1,001 copies of one photo are one image, not 1,001 that fill the
        // test split alone. A unit belongs to the stratum of its first file; for cross-class
        // conflicts this is the lower label index.
        var unitOf = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var unitsPerClass = new List<List<int>>[labels.Count];
        for (int c = 0; c < labels.Count; c++)
        {
            unitsPerClass[c] = [];
        }

        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            if (e.LabelIndex < 0 || e.LabelIndex >= labels.Count)
            {
                throw new ArgumentException($"'{e.Path}' has label index {e.LabelIndex}, outside 0..{labels.Count - 1}", nameof(examples));
            }

            if (!unitOf.TryGetValue(e.ContentHash, out var unit))
            {
                unitOf[e.ContentHash] = unit = [];
                unitsPerClass[e.LabelIndex].Add(unit);
            }

            unit.Add(i);
        }

        bool hasTest = options.TestFraction > 0, hasValidation = options.ValidationFraction > 0;
        int needed = 1 + (hasTest ? 1 : 0) + (hasValidation ? 1 : 0);
        string splitNames = (hasTest, hasValidation) switch
        {
            (true, true) => "train, validation and test",
            (true, false) => "train and test",
            (false, true) => "train and validation",
            _ => "train",
        };

        // Check every class before assigning anything.
        for (int c = 0; c < labels.Count; c++)
        {
            int units = unitsPerClass[c].Count;
            if (units < needed)
            {
                // Counted in the class's own files: a unit filed under this class may also hold
                // another class's identical copy ("2 (1 distinct)" was said of a folder with 1 file).
                int files = CountOwn(unitsPerClass[c], examples, c);
                string distinct = files == units ? string.Empty : $" ({units} distinct)";

                // Its images that are the same files as another class's go with that class (the lower
                // label index): say so, or "0 images" contradicts the count the user was just shown.
                int all = 0;
                foreach (var e in examples)
                {
                    all += e.LabelIndex == c ? 1 : 0;
                }

                int elsewhere = all - files;
                string ofAll = elsewhere == 0 ? string.Empty : $" of its {all}";
                string shared = elsewhere switch
                {
                    0 => string.Empty,
                    1 => "; the other 1 is the same file as an image of another class (see the warnings above) and goes with that class",
                    _ => $"; the other {elsewhere} are the same files as images of another class (see the warnings above) and go with that class",
                };
                throw new DatasetException(
                    $"class '{labels[c]}' has too few images to split: {files}{distinct}{ofAll}, need at least {needed} (one each for {splitNames}){shared}");
            }
        }

        var splitOf = new int[examples.Count];
        for (int c = 0; c < labels.Count; c++)
        {
            AssignClass(unitsPerClass[c], options, SeededRandom.ForKey(options.Seed, labels[c]), splitOf);
        }

        // One file per picture and label is used (IdenticalCopies decides it for evaluate too).
        var copies = IdenticalCopies.Of(examples);
        var train = new List<ImageExample>();
        var validation = new List<ImageExample>();
        var test = new List<ImageExample>();
        for (int i = 0; i < examples.Count; i++)
        {
            if (copies.IsUsed(i))
            {
                (splitOf[i] switch { TestSplit => test, ValidationSplit => validation, _ => train }).Add(examples[i]);
            }
        }

        return new DatasetSplit(labels, train, validation, test, copies, options);
    }

    /// <summary>Assigns a class's units; the fractions count units (distinct images), whatever their copies.</summary>
    private static void AssignClass(List<List<int>> classUnits, SplitOptions options, SeededRandom random, int[] splitOf)
    {
        int n = classUnits.Count;
        int wantTest = Target(n, options.TestFraction);
        int wantValidation = Target(n, options.ValidationFraction);

        // Leave at least one image for training; shrink the larger hold-out first.
        while (wantTest + wantValidation > n - 1)
        {
            if (wantTest >= wantValidation && wantTest > 1)
            {
                wantTest--;
            }
            else
            {
                wantValidation--;
            }
        }

        var order = classUnits.ToArray();
        random.Shuffle(order.AsSpan());

        int test = 0, validation = 0, train = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int unitsLeft = order.Length - k;

            // Keep enough units back that validation and train cannot end up empty.
            int reserveAfterTest = (wantValidation > 0 && validation == 0 ? 1 : 0) + (train == 0 ? 1 : 0);
            int reserveAfterValidation = train == 0 ? 1 : 0;
            int split;
            if (test < wantTest && unitsLeft > reserveAfterTest)
            {
                split = TestSplit;
                test++;
            }
            else if (validation < wantValidation && unitsLeft > reserveAfterValidation)
            {
                split = ValidationSplit;
                validation++;
            }
            else
            {
                split = TrainSplit;
                train++;
            }

            foreach (int i in order[k])
            {
                splitOf[i] = split;
            }
        }
    }

    private static int Target(int n, double fraction) =>
        fraction <= 0 ? 0 : Math.Max(1, (int)Math.Round(n * fraction, MidpointRounding.AwayFromZero));
}
