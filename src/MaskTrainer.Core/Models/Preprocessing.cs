using System.Globalization;
using System.Text;

namespace MaskTrainer.Models;

/// <summary>
/// How to turn a face crop into a network input. Per channel <c>c</c> (in <see cref="ChannelOrder"/>):
/// <c>value = (pixel - Mean[c]) * Scale / Std[c]</c>, with <c>pixel</c> and <c>Mean</c> in 0..255
/// units and <c>Std</c> = 1 when absent. This is cv::dnn::blobFromImage's convention (mean then
/// scale factor) plus an optional torchvision-style std, so e.g. "RGB/255 then ImageNet mean/std"
/// is Mean = 255 × (0.485, 0.456, 0.406), Scale = 1/255, Std = (0.229, 0.224, 0.225).
/// When the normalisation is not per-channel affine (ResNet18's mean image), <see cref="Model"/>
/// names an ONNX graph among the model's files that does it instead: it takes the raw pixels
/// (0..255, planar [N, 3, H, W] in <see cref="ChannelOrder"/>) to the network's input; then the
/// affine part must be the identity (mean 0, scale 1, no std) and the layout NCHW.
/// Immutable: the arrays are copied in and must not be modified by callers.
/// </summary>
public sealed record Preprocessing
{
    /// <summary>Creates a preprocessing description; throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    /// <param name="inputWidth">Network input width in pixels (&gt; 0).</param>
    /// <param name="inputHeight">Network input height in pixels (&gt; 0).</param>
    /// <param name="channelOrder">Channel order the network expects.</param>
    /// <param name="mean">Three per-channel means in 0..255 pixel units, in <paramref name="channelOrder"/>.</param>
    /// <param name="scale">Multiplier applied after subtracting the mean (&gt; 0), e.g. 1/255.</param>
    /// <param name="layout">Input tensor layout.</param>
    /// <param name="std">Optional three per-channel divisors (&gt; 0) applied last.</param>
    public Preprocessing(
        int inputWidth, int inputHeight, ChannelOrder channelOrder, float[] mean, float scale,
        TensorLayout layout, float[]? std = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        ArgumentNullException.ThrowIfNull(mean);
        if (mean.Length != 3)
        {
            throw new ArgumentException($"mean needs 3 values, got {mean.Length}", nameof(mean));
        }

        if (!Array.TrueForAll(mean, float.IsFinite))
        {
            throw new ArgumentException($"mean needs 3 finite values, got {string.Join(", ", mean.Select(m => m.ToString(CultureInfo.InvariantCulture)))}", nameof(mean));
        }

        if (!(scale > 0) || float.IsInfinity(scale))
        {
            throw new ArgumentException($"scale must be a positive number, got {scale}", nameof(scale));
        }

        if (std is not null && (std.Length != 3 || Array.Exists(std, s => !(s > 0) || float.IsInfinity(s))))
        {
            throw new ArgumentException("std needs 3 positive finite values", nameof(std));
        }

        InputWidth = inputWidth;
        InputHeight = inputHeight;
        ChannelOrder = channelOrder;
        Mean = (float[])mean.Clone();
        Scale = scale;
        Std = (float[]?)std?.Clone();
        Layout = layout;
    }

    private readonly string? _model;

    /// <summary>Network input width in pixels.</summary>
    public int InputWidth { get; }

    /// <summary>Network input height in pixels.</summary>
    public int InputHeight { get; }

    /// <summary>Channel order the network expects.</summary>
    public ChannelOrder ChannelOrder { get; }

    /// <summary>Per-channel mean in 0..255 pixel units, in <see cref="ChannelOrder"/>.</summary>
    public float[] Mean { get; }

    /// <summary>Multiplier applied after subtracting the mean.</summary>
    public float Scale { get; }

    /// <summary>Optional per-channel divisor applied last (null = 1).</summary>
    public float[]? Std { get; }

    /// <summary>Input tensor layout.</summary>
    public TensorLayout Layout { get; }

    /// <summary>
    /// A file of the same model (a plain file name) holding an ONNX graph that takes the raw pixels,
    /// 0..255, planar [N, 3, H, W] in <see cref="ChannelOrder"/>, to the network's input; null when
    /// the per-channel affine transform is the whole preprocessing. Setting it requires the affine
    /// part to be the identity (mean 0, scale 1, no std) and the layout NCHW; throws
    /// <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public string? Model
    {
        get => _model;
        init
        {
            if (value is not null)
            {
                if (string.IsNullOrWhiteSpace(value) || value != Path.GetFileName(value) || value is "." or ".." || value.Contains('\\'))
                {
                    throw new ArgumentException($"preprocessing model '{value}' is not a plain file name", nameof(Model));
                }

                if (!IsAffineIdentity || Layout != TensorLayout.Nchw)
                {
                    throw new ArgumentException(
                        $"preprocessing model '{value}' takes raw planar pixels: mean must be 0, scale 1, no std and the layout NCHW (got {Describe()})", nameof(Model));
                }
            }

            _model = value;
        }
    }

    /// <summary>True when the affine part changes nothing: mean 0, scale 1, no std (or std 1).</summary>
    public bool IsAffineIdentity =>
        Scale == 1f && Array.TrueForAll(Mean, m => m == 0f) && (Std is null || Array.TrueForAll(Std, s => s == 1f));

    /// <summary>
    /// The transform for channel <paramref name="channel"/> folded into one multiply-add,
    /// <c>value = pixel * Multiplier + Offset</c>, so hot loops need no division.
    /// </summary>
    public (float Multiplier, float Offset) ChannelAffine(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 2);
        float multiplier = Scale / (Std?[channel] ?? 1f);
        return (multiplier, -Mean[channel] * multiplier);
    }

    /// <summary>
    /// One line for logs and reports, e.g. <c>224x224 RGB NCHW, (pixel - [0 0 0]) * 0.003921569</c>,
    /// or <c>224x224 RGB NCHW, model ResNetPreprocess.onnx</c>.
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{InputWidth}x{InputHeight} {ChannelOrder.ToString().ToUpperInvariant()} ");
        text.Append(Layout.ToString().ToUpperInvariant());
        if (_model is not null)
        {
            return text.Append(", model ").Append(_model).ToString();
        }

        text.Append(", (pixel - ").Append(Format(Mean)).Append(") * ").Append(Scale.ToString("R", CultureInfo.InvariantCulture));
        if (Std is not null)
        {
            text.Append(" / ").Append(Format(Std));
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>Value equality, including the contents of <see cref="Mean"/> and <see cref="Std"/>.</summary>
    public bool Equals(Preprocessing? other) =>
        other is not null
        && InputWidth == other.InputWidth && InputHeight == other.InputHeight
        && ChannelOrder == other.ChannelOrder && Layout == other.Layout
        && Scale.Equals(other.Scale)
        && string.Equals(_model, other._model, StringComparison.Ordinal)
        && Mean.AsSpan().SequenceEqual(other.Mean)
        && (Std is null ? other.Std is null : other.Std is not null && Std.AsSpan().SequenceEqual(other.Std));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputWidth, InputHeight, ChannelOrder, Layout, Scale, Mean[0], Mean[1], HashCode.Combine(Mean[2], _model));

    private static string Format(float[] values) =>
        "[" + string.Join(' ', Array.ConvertAll(values, v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
