namespace MaskTrainer.Augmentation;

/// <summary>
/// The draws of one <see cref="SceneFill"/>. Positions and lengths are fractions of the painted part
/// or of the crop's side, so the same draws look alike on a crop of any size.
/// </summary>
/// <param name="Pattern">The shape painted.</param>
/// <param name="First">The first colour, BGR.</param>
/// <param name="Second">The second colour, BGR (unused by <see cref="SceneFillPattern.Flat"/>).</param>
/// <param name="AngleDegrees">Direction of the edge, stripes or gradient (the normal of the edge line).</param>
/// <param name="OriginX">A point on the edge (the centre of the gradient), as a fraction of the painted area's width (the face box, of which only the part beyond the photo is painted).</param>
/// <param name="OriginY">The same point's height, as a fraction of the painted part's height.</param>
/// <param name="Period">Stripe period or gradient length, as a fraction of the crop's longer side.</param>
/// <param name="BlurSigma">Gaussian blur σ of the painted content, as a fraction of the crop's longer side; 0 = sharp.</param>
/// <param name="NoiseSigma">Gaussian noise σ in grey levels; 0 = none.</param>
/// <param name="NoiseSeed">Seed of the noise pattern.</param>
public sealed record SceneFillParameters(
    SceneFillPattern Pattern, (byte B, byte G, byte R) First, (byte B, byte G, byte R) Second,
    double AngleDegrees, double OriginX, double OriginY, double Period, double BlurSigma, double NoiseSigma, int NoiseSeed);
