namespace MaskTrainer.Augmentation;

/// <summary>The camera-effect draws of one augmented copy (see <see cref="CameraEffects"/>); neutral values mean "not applied".</summary>
/// <param name="FaceWidth">Face width in pixels the copy is shrunk to; 0 = full size.</param>
/// <param name="BlurSigma">Gaussian blur σ in pixels; 0 = sharp.</param>
/// <param name="MotionLength">Motion-blur streak in pixels; 0 = none.</param>
/// <param name="MotionAngleDegrees">Direction of the streak.</param>
/// <param name="Exposure">Light multiplier (1 = unchanged).</param>
/// <param name="Gamma">Tone curve exponent (1 = unchanged, above 1 darker).</param>
/// <param name="CastBlue">Gain of the blue channel (1 = unchanged).</param>
/// <param name="CastGreen">Gain of the green channel.</param>
/// <param name="CastRed">Gain of the red channel.</param>
/// <param name="NoiseSigma">Gaussian sensor noise σ in grey levels; 0 = none.</param>
/// <param name="JpegQuality">JPEG re-compression quality; 0 = none.</param>
/// <param name="NoiseSeed">Seed of the noise pattern.</param>
public sealed record CameraParameters(
    int FaceWidth, double BlurSigma, int MotionLength, double MotionAngleDegrees, double Exposure, double Gamma,
    double CastBlue, double CastGreen, double CastRed, double NoiseSigma, int JpegQuality, int NoiseSeed)
{
    /// <summary>No effect.</summary>
    public static CameraParameters Identity { get; } = new(0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0);

    /// <summary>True when the tone curve (exposure, gamma, cast) changes pixels.</summary>
    public bool ChangesTone => Exposure != 1 || Gamma != 1 || CastBlue != 1 || CastGreen != 1 || CastRed != 1;
}
