using System.Globalization;

namespace MaskTrainer.Detect.Rendering;

/// <summary>
/// The overlay's strings, built once and reused: "Mask 97.3%" per label and 0.1 %, "FPS 31.2",
/// "Faces 2". Drawing every frame then allocates no strings.
/// </summary>
public sealed class TextCache
{
    private readonly string[] _labels;
    private readonly string?[][] _labelTexts;
    private readonly string?[] _fps = new string?[10_000];
    private readonly string?[] _faces = new string?[1_000];

    /// <param name="labels">Display names of the model's labels (e.g. "Mask", "No Mask").</param>
    public TextCache(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = [.. labels];
        _labelTexts = new string?[_labels.Length][];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labelTexts[i] = new string?[1001];
        }
    }

    /// <summary>"Mask 97.3%": the label and the probability in percent with one decimal.</summary>
    public string Label(int labelIndex, float probability)
    {
        var tenths = (int)Math.Round(Math.Clamp(probability, 0f, 1f) * 1000);
        return _labelTexts[labelIndex][tenths] ??= string.Create(CultureInfo.InvariantCulture, $"{_labels[labelIndex]} {tenths / 10.0:0.0}%");
    }

    /// <summary>"FPS 31.2".</summary>
    public string Fps(double fps)
    {
        var tenths = (int)Math.Round(Math.Clamp(fps, 0, (_fps.Length - 1) / 10.0) * 10);
        return _fps[tenths] ??= string.Create(CultureInfo.InvariantCulture, $"FPS {tenths / 10.0:0.0}");
    }

    /// <summary>"Faces 2".</summary>
    public string Faces(int count) =>
        count < _faces.Length ? _faces[count] ??= $"Faces {count}" : $"Faces {count}";
}
