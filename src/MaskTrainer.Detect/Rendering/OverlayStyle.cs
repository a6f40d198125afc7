using MaskTrainer.OpenCv;

namespace MaskTrainer.Detect.Rendering;

/// <summary>Colours of the overlay (BGR), as in the seed projects: green for a mask, red for none.</summary>
public static class OverlayStyle
{
    public static readonly Scalar Mask = Scalar.Bgr(0, 255, 0);
    public static readonly Scalar NoMask = Scalar.Bgr(0, 0, 255);

    /// <summary>Lines between faces that stand too close.</summary>
    public static readonly Scalar Distancing = Scalar.Bgr(0, 165, 255);

    /// <summary>The "keep your distance" banner.</summary>
    public static readonly Scalar Warning = Scalar.Bgr(0, 0, 200);

    public static readonly Scalar Text = Scalar.Bgr(255, 255, 255);
    public static readonly Scalar DarkText = Scalar.Bgr(0, 0, 0);
    public static readonly Scalar Panel = Scalar.Bgr(0, 0, 0);

    public const string ProximityMessage = "KEEP YOUR DISTANCE";
    public const HersheyFont Font = HersheyFont.Simplex;
}
