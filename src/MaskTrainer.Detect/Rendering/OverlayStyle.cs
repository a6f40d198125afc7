using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Rendering;

/// <summary>Colours of the overlay (BGR), as in the seed projects: green for a mask, red for none.</summary>
public static class OverlayStyle
{
    public static readonly Scalar Mask = new Scalar(0, 255, 0);

    /// <summary>A face too small to judge: grey, thin, labelled "?" — neither green nor red, because nothing was decided.</summary>
    public static readonly Scalar TooSmall = new Scalar(160, 160, 160);
    public static readonly Scalar NoMask = new Scalar(0, 0, 255);

    /// <summary>Lines between faces that stand too close.</summary>
    public static readonly Scalar Distancing = new Scalar(0, 165, 255);

    /// <summary>The "keep your distance" banner.</summary>
    public static readonly Scalar Warning = new Scalar(0, 0, 200);

    public static readonly Scalar Text = new Scalar(255, 255, 255);
    public static readonly Scalar DarkText = new Scalar(0, 0, 0);
    public static readonly Scalar Panel = new Scalar(0, 0, 0);

    public const string ProximityMessage = "KEEP YOUR DISTANCE";

    /// <summary>What the orange lines mean, shown under the counters while any are drawn.</summary>
    public const string DistancingLegend = "too close";
    public const HersheyFonts Font = HersheyFonts.HersheySimplex;
}
